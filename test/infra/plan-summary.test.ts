import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { INFRA_DIR } from './support/terraform';

/**
 * Runs infra/scripts/plan-summary.sh in a scratch copy of infra/ with a fake `terraform` first on
 * PATH: it prints the plan text a test gives it and records how it was called.
 */
let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'plan-summary-'));
  mkdirSync(join(root, 'infra', 'scripts'), { recursive: true });
  mkdirSync(join(root, 'bin'));
  copyFileSync(join(INFRA_DIR, 'scripts', 'plan-summary.sh'), join(root, 'infra', 'scripts', 'plan-summary.sh'));
  writeFileSync(
    join(root, 'bin', 'terraform'),
    `#!/bin/sh\necho "$*" >> "${join(root, 'calls.log')}"\ncat "${join(root, 'plan.txt')}"\n`,
  );
  chmodSync(join(root, 'bin', 'terraform'), 0o755);
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function summarize(
  planText: string,
  options: { args?: string[]; savePlan?: boolean; env?: Record<string, string> } = {},
) {
  writeFileSync(join(root, 'plan.txt'), planText);
  if (options.savePlan !== false) writeFileSync(join(root, 'infra', 'dev.tfplan'), 'saved plan');
  const result = spawnSync(
    'bash',
    [join(root, 'infra', 'scripts', 'plan-summary.sh'), 'dev', 'infra/dev.tfplan', ...(options.args ?? [])],
    {
      cwd: root,
      env: { PATH: `${join(root, 'bin')}${delimiter}${process.env.PATH}`, ...options.env },
      encoding: 'utf8',
    },
  );
  let calls: string[] = [];
  try {
    calls = readFileSync(join(root, 'calls.log'), 'utf8').trim().split('\n');
  } catch {
    // terraform was not called.
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
}

const PLAN = [
  'Terraform will perform the following actions:',
  '',
  '  # aws_lambda_function.this["me"] will be updated in-place',
  '  ~ source_code_hash = "abc" -> "def"',
  '',
  'Plan: 0 to add, 1 to change, 0 to destroy.',
  '',
].join('\n');

describe('plan-summary.sh', () => {
  it('shows the saved plan with its Plan line first and the whole plan in a collapsed block, naming stage and commit', () => {
    const result = summarize(PLAN, { env: { GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567' } });
    expect(result.status).toBe(0);
    expect(result.calls).toEqual([`-chdir=infra show -no-color ${join(root, 'infra', 'dev.tfplan')}`]);
    expect(result.stdout).toBe(
      [
        '### Terraform plan: `dev`',
        '',
        'Planned from commit `0123456789abcdef0123456789abcdef01234567`.',
        '',
        '**Plan: 0 to add, 1 to change, 0 to destroy.**',
        '',
        '<details><summary>The whole plan</summary>',
        '',
        '```text',
        PLAN.trimEnd(),
        '```',
        '',
        '</details>',
        '',
      ].join('\n'),
    );
  });

  it('says when there is nothing to change', () => {
    const result = summarize('No changes. Your infrastructure matches the configuration.\n');
    expect(result.stdout).toContain('**No changes. Your infrastructure matches the configuration.**');
  });

  it('fences the plan with more backticks than it contains, so no value can end the block', () => {
    const result = summarize(
      '  + description = "run ```make test``` or ````make dev````"\nPlan: 1 to add, 0 to change, 0 to destroy.\n',
    );
    expect(result.stdout).toContain('\n`````text\n');
    expect(result.stdout).toContain('\n`````\n');
  });

  it('cuts a long plan at a line boundary within the limit, and says so', () => {
    const long = `${Array.from({ length: 100 }, (_, i) => `  + line ${i}`).join('\n')}\nPlan: 100 to add, 0 to change, 0 to destroy.\n`;
    const result = summarize(long, { args: ['200'] });
    const block = /```text\n([\s\S]*?)\n```/.exec(result.stdout)![1]!;
    expect(block.length).toBeLessThanOrEqual(200);
    expect(long.startsWith(`${block}\n`)).toBe(true);
    expect(result.stdout).toContain('**Plan: 100 to add, 0 to change, 0 to destroy.**');
    expect(result.stdout).toContain(
      'The plan is longer than 200 characters and was cut here; the job log has all of it.',
    );
  });

  it('names a saved plan that does not exist, without calling terraform', () => {
    const result = summarize(PLAN, { savePlan: false });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('plan-summary: infra/dev.tfplan does not exist: run `make plan STAGE=dev` first\n');
    expect(result.calls).toEqual([]);
  });
});
