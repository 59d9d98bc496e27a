import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../scripts/paths';

/** The commands a target would run, from `make -n` (which still expands recursive makes, without running them). */
function dryRun(...args: string[]): string[] {
  return execFileSync('make', ['-n', '--no-print-directory', ...args], { cwd: ROOT, encoding: 'utf8' })
    .trim()
    .split('\n');
}

/** Index of the first line matching each pattern; fails naming the pattern that never matched. */
function positions(lines: string[], patterns: RegExp[]): number[] {
  return patterns.map((pattern) => {
    const index = lines.findIndex((line) => pattern.test(line));
    if (index < 0) throw new Error(`no command matches ${pattern}:\n${lines.join('\n')}`);
    return index;
  });
}

const ascending = (numbers: number[]) => numbers.every((n, i) => i === 0 || n > numbers[i - 1]!);

describe('the deployment make targets', () => {
  it('are phony and listed by make help', () => {
    const makefile = readFileSync(join(ROOT, 'Makefile'), 'utf8');
    const phony = /^\.PHONY:(.*)$/m.exec(makefile)![1]!.trim().split(/\s+/);
    expect(phony).toEqual(expect.arrayContaining(['plan', 'deploy', 'destroy', 'validate']));
    const help = execFileSync('make', ['--no-print-directory', 'help'], { cwd: ROOT, encoding: 'utf8' });
    for (const target of ['plan', 'deploy', 'destroy', 'validate']) expect(help).toMatch(new RegExp(`make ${target} `));
  });

  it('deploy checks first, then tests, builds, initialises the stage backend, and lets Terraform plan and ask before applying', () => {
    const lines = dryRun('deploy', 'STAGE=dev');
    const order = positions(lines, [
      /^infra\/scripts\/preflight\.sh deploy "dev"$/,
      /npx jest/,
      /npx tsx scripts\/build\.ts/,
      /^terraform -chdir=infra init .*-backend-config=env\/dev\.backend\.hcl/,
      /^terraform -chdir=infra apply .*-var-file=env\/dev\.tfvars/,
    ]);
    expect(ascending(order)).toBe(true);
    expect(lines.find((l) => l.includes(' apply '))).not.toContain('-auto-approve');
  });

  it('deploy never applies without a prompt unless it is given a saved plan', () => {
    for (const args of [['STAGE=prod'], ['STAGE=prod', 'AUTO_APPROVE=1']]) {
      expect(dryRun('deploy', ...args).join('\n')).not.toContain('-auto-approve');
    }
  });

  it('deploy with PLAN checks, initialises the stage backend and applies that saved plan as it is: no tests, no build, no variables', () => {
    const plan = join(ROOT, 'infra', 'dev.tfplan');
    const lines = dryRun('deploy', 'STAGE=dev', 'PLAN=infra/dev.tfplan');
    expect(lines).toEqual([
      `infra/scripts/preflight.sh deploy "dev" "${plan}"`,
      'terraform -chdir=infra init -input=false -reconfigure -backend-config=env/dev.backend.hcl',
      `terraform -chdir=infra apply -input=false "${plan}"`,
    ]);
  });

  it('plan checks, builds the zips Terraform hashes, then plans the stage and saves the plan to infra/<stage>.tfplan', () => {
    const lines = dryRun('plan', 'STAGE=dev');
    const order = positions(lines, [
      /^infra\/scripts\/preflight\.sh plan "dev"$/,
      /npx tsx scripts\/build\.ts/,
      /init .*env\/dev\.backend\.hcl/,
      /^terraform -chdir=infra plan .*-var-file=env\/dev\.tfvars -out=dev\.tfplan$/,
    ]);
    expect(ascending(order)).toBe(true);
    expect(lines.some((l) => /npx jest/.test(l))).toBe(false);
  });

  it('keeps saved plans out of git', () => {
    expect(readFileSync(join(ROOT, '.gitignore'), 'utf8').split('\n')).toContain('*.tfplan');
  });

  it('destroy checks, then always asks before deleting', () => {
    const lines = dryRun('destroy', 'STAGE=dev', 'AUTO_APPROVE=1');
    const order = positions(lines, [
      /^infra\/scripts\/preflight\.sh destroy "dev"$/,
      /init .*env\/dev\.backend\.hcl/,
      /^terraform -chdir=infra destroy .*-var-file=env\/dev\.tfvars/,
    ]);
    expect(ascending(order)).toBe(true);
    expect(lines.join('\n')).not.toContain('-auto-approve');
  });

  it('validate builds the zips, then runs the offline Terraform checks', () => {
    const lines = dryRun('validate');
    expect(ascending(positions(lines, [/npx tsx scripts\/build\.ts/, /^infra\/scripts\/validate\.sh$/]))).toBe(true);
  });

  it('passes an empty STAGE on to the preflight, which explains it', () => {
    expect(dryRun('deploy')[0]).toBe('infra/scripts/preflight.sh deploy ""');
  });
});

describe('make validate without terraform', () => {
  it('says what it skipped and why, and succeeds', () => {
    const bash = execFileSync('sh', ['-c', 'command -v bash'], { encoding: 'utf8' }).trim();
    const result = spawnSync(bash, [join(ROOT, 'infra', 'scripts', 'validate.sh')], {
      env: { PATH: '/nonexistent' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(
      'validate: skipped terraform fmt, validate and test: terraform is not installed (install Terraform >= 1.11 to run them)',
    );
  });
});
