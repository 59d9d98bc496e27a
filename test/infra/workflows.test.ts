import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../../scripts/paths';
import { loadTerraform } from './support/terraform';

const WORKFLOWS = join(ROOT, '.github', 'workflows');
const VALIDATOR = join(__dirname, 'support', 'validate-workflows.mjs');

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  id?: string;
  name?: string;
}
interface Job {
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string; url?: string };
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

/** GitHub's own workflow parser and schema (@actions/workflow-parser), run offline in a child process. */
function validate(files: string[]): Record<string, string[]> {
  const out = execFileSync(process.execPath, ['--import', 'tsx', VALIDATOR, ...files], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out) as Record<string, string[]>;
}

function load(name: string): Workflow {
  return parse(readFileSync(join(WORKFLOWS, name), 'utf8')) as Workflow;
}

const runs = (job: Job) => job.steps.flatMap((s) => (s.run ? [s.run] : []));
const uses = (job: Job, action: string) => job.steps.find((s) => s.uses?.startsWith(`${action}@`));
const environmentName = (job: Job) => (typeof job.environment === 'string' ? job.environment : job.environment?.name);

describe('the GitHub workflows', () => {
  const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));

  it('are ci.yml and deploy.yml', () => {
    expect(files.sort()).toEqual(['ci.yml', 'deploy.yml']);
  });

  it('are valid workflow files by GitHub’s own parser', () => {
    const results = validate(files.map((f) => join(WORKFLOWS, f)));
    expect(results).toEqual(Object.fromEntries(files.map((f) => [join(WORKFLOWS, f), []])));
  });

  it('would catch a broken workflow', () => {
    const dir = mkdtempSync(join(tmpdir(), 'workflows-'));
    try {
      const broken = join(dir, 'broken.yml');
      writeFileSync(
        broken,
        'on: push\njobs:\n  a:\n    permissions:\n      id-token: writ\n    steps:\n      - run: echo ${{ secret.X }}\n',
      );
      const errors = validate([broken])[broken]!;
      expect(errors.join('\n')).toMatch(/runs-on/);
      expect(errors.join('\n')).toMatch(/writ/);
      expect(errors.join('\n')).toMatch(/secret/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pin every action to a full commit SHA, with the release it is in a comment, the same in every job', () => {
    const pins = new Map<string, string>();
    for (const file of files) {
      const lines = readFileSync(join(WORKFLOWS, file), 'utf8').split('\n');
      for (const line of lines.filter((l) => /^\s*(- )?uses:/.test(l))) {
        // A tag can be moved to other code; a commit cannot.
        const match = /^\s*(?:- )?uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)$/.exec(line);
        expect({ file, line, pinned: match !== null }).toEqual({ file, line, pinned: true });
        const [, action, sha, version] = match!;
        expect({ action, pin: pins.get(action!) ?? `${sha} ${version}` }).toEqual({ action, pin: `${sha} ${version}` });
        pins.set(action!, `${sha} ${version}`);
      }
    }
    expect([...pins.keys()].sort()).toEqual(
      [
        'actions/checkout',
        'actions/download-artifact',
        'actions/setup-node',
        'actions/upload-artifact',
        'aws-actions/configure-aws-credentials',
        'hashicorp/setup-terraform',
      ].sort(),
    );
  });

  it('grant only read access by default, and an OIDC token only to jobs that assume an AWS role', () => {
    for (const file of files) {
      const workflow = load(file);
      expect(workflow.permissions).toEqual({ contents: 'read' });
      for (const [id, job] of Object.entries(workflow.jobs)) {
        const assumesRole = Boolean(uses(job, 'aws-actions/configure-aws-credentials'));
        expect({ file, id, oidc: job.permissions?.['id-token'] === 'write' }).toEqual({ file, id, oidc: assumesRole });
      }
    }
  });

  it('never leave the GitHub token in the checked-out repository', () => {
    for (const file of files) {
      for (const [id, job] of Object.entries(load(file).jobs)) {
        expect({ file, id, with: uses(job, 'actions/checkout')?.with }).toEqual({
          file,
          id,
          with: { 'persist-credentials': false },
        });
      }
    }
  });

  it('run the test suite once for a push to main: no make command of a deploy runs it again', () => {
    const onPush = files.map(load).filter((workflow) => 'push' in workflow.on);
    const makeCommands = onPush
      .flatMap((workflow) => Object.values(workflow.jobs).flatMap(runs))
      .flatMap((run) => run.split('\n'))
      .filter((line) => line.startsWith('make '));
    // What each command would run, recursive makes included (make -n runs nothing).
    const runningJest = makeCommands.filter((command) =>
      execFileSync('make', ['-n', '--no-print-directory', ...command.split(' ').slice(1)], {
        cwd: ROOT,
        encoding: 'utf8',
      }).includes('npx jest'),
    );
    expect(runningJest).toEqual(['make test']);
  });

  it('install a Terraform version that versions.tf accepts, and Node matching the Lambda runtime', async () => {
    const tf = await loadTerraform();
    const floor = /^>=\s*(\d+)\.(\d+)/.exec(
      String(tf.terraform.find((b) => 'required_version' in b)!.required_version),
    )!;
    for (const file of files) {
      const workflow = load(file);
      const version = workflow.env?.TERRAFORM_VERSION;
      expect(version).toMatch(/^\d+\.\d+\.\d+$/);
      const [major, minor] = version!.split('.').map(Number) as [number, number];
      expect(major * 1000 + minor).toBeGreaterThanOrEqual(Number(floor[1]) * 1000 + Number(floor[2]));
      for (const job of Object.values(workflow.jobs)) {
        const terraform = uses(job, 'hashicorp/setup-terraform');
        if (terraform)
          expect(terraform.with).toEqual({
            terraform_version: '${{ env.TERRAFORM_VERSION }}',
            terraform_wrapper: false,
          });
        // Applying a saved plan needs no Node; everything that builds or tests does.
        const node = uses(job, 'actions/setup-node');
        if (node || runs(job).some((run) => /\bmake (test|plan|validate|build)\b/.test(run)))
          expect(node?.with?.['node-version']).toBe(22);
      }
    }
  });
});

describe('ci.yml', () => {
  const ci = load('ci.yml');

  it('runs on pull requests', () => {
    expect(Object.keys(ci.on)).toEqual(['pull_request']);
  });

  it('runs make test, and the Terraform checks offline', () => {
    expect(runs(ci.jobs.test!)).toEqual(['make test']);
    expect(uses(ci.jobs.terraform!, 'hashicorp/setup-terraform')).toBeDefined();
    expect(runs(ci.jobs.terraform!)).toEqual(['make validate']);
  });

  it('plans dev with a role assumed through OIDC, after the checks, and not for forks', () => {
    const plan = ci.jobs.plan!;
    expect(plan.needs).toEqual(['test', 'terraform']);
    expect(plan.if).toBe('github.event.pull_request.head.repo.full_name == github.repository');
    expect(uses(plan, 'aws-actions/configure-aws-credentials')!.with).toMatchObject({
      'role-to-assume': '${{ vars.AWS_PLAN_ROLE_ARN }}',
      'aws-region': '${{ vars.AWS_REGION }}',
    });
    expect(runs(plan)[0]).toBe('make plan STAGE=dev');
  });

  it('shows the saved plan in the job summary and in one comment on the pull request, updated on each push', () => {
    const plan = ci.jobs.plan!;
    const show = plan.steps.find((s) => s.run?.includes('plan-summary.sh'))!;
    expect(show.run).toContain('infra/scripts/plan-summary.sh dev infra/dev.tfplan > "$RUNNER_TEMP/plan.md"');
    expect(show.run).toContain('cat "$RUNNER_TEMP/plan.md" >> "$GITHUB_STEP_SUMMARY"');
    expect(show.run).toContain(
      'gh pr comment "$PULL_REQUEST" --edit-last --create-if-none --body-file "$RUNNER_TEMP/plan.md"',
    );
    expect(show.env).toEqual({
      GH_TOKEN: '${{ github.token }}',
      GH_REPO: '${{ github.repository }}',
      PULL_REQUEST: '${{ github.event.pull_request.number }}',
    });
    expect(plan.permissions).toEqual({ contents: 'read', 'id-token': 'write', 'pull-requests': 'write' });
  });
});

describe('deploy.yml', () => {
  const deploy = load('deploy.yml');
  const DEFAULT_BRANCH_ONLY = "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)";

  it('runs on pushes to main and by hand, and deploys only from the default branch', () => {
    expect(deploy.on.push).toEqual({ branches: ['main'] });
    expect(Object.keys(deploy.on).sort()).toEqual(['push', 'workflow_dispatch']);
    for (const [id, job] of Object.entries(deploy.jobs))
      expect({ id, if: job.if }).toEqual({ id, if: DEFAULT_BRANCH_ONLY });
  });

  it('serializes deployments per stage, never cancelling one, so a prod approval never holds up dev', () => {
    expect(deploy.concurrency).toBeUndefined();
    const groups = Object.fromEntries(Object.entries(deploy.jobs).map(([id, job]) => [id, job.concurrency]));
    expect(groups).toEqual({
      test: undefined,
      dev: { group: 'deploy-dev', 'cancel-in-progress': false },
      'prod-plan': { group: 'deploy-prod', 'cancel-in-progress': false },
      prod: { group: 'deploy-prod', 'cancel-in-progress': false },
    });
  });

  it('tests, then deploys dev, then plans prod, then deploys prod behind the prod environment', () => {
    expect(runs(deploy.jobs.test!)).toEqual(['make test']);
    expect(deploy.jobs.dev!.needs).toBe('test');
    expect(deploy.jobs['prod-plan']!.needs).toBe('dev');
    expect(deploy.jobs.prod!.needs).toBe('prod-plan');
    expect(environmentName(deploy.jobs.dev!)).toBe('dev');
    expect(environmentName(deploy.jobs['prod-plan']!)).toBe('prod-plan');
    expect(environmentName(deploy.jobs.prod!)).toBe('prod');
  });

  it('deploys dev by saving a plan, showing it in the job summary and applying exactly that file', () => {
    const dev = deploy.jobs.dev!;
    expect(uses(dev, 'aws-actions/configure-aws-credentials')!.with).toMatchObject({
      'role-to-assume': '${{ vars.AWS_DEPLOY_ROLE_ARN }}',
    });
    const commands = runs(dev);
    const order = [
      commands.indexOf('make plan STAGE=dev'),
      commands.indexOf('infra/scripts/plan-summary.sh dev infra/dev.tfplan >> "$GITHUB_STEP_SUMMARY"'),
      commands.findIndex((c) => c.startsWith('make deploy STAGE=dev PLAN=infra/dev.tfplan\n')),
    ];
    expect(order.every((n, i) => n >= 0 && (i === 0 || n > order[i - 1]!))).toBe(true);
  });

  it('plans prod with a read-only role, shows the plan, and hands the apply the plan with the zips and lock it was made with', () => {
    const plan = deploy.jobs['prod-plan']!;
    expect(uses(plan, 'aws-actions/configure-aws-credentials')!.with).toMatchObject({
      'role-to-assume': '${{ vars.AWS_PLAN_ROLE_ARN }}',
    });
    expect(plan.env).toEqual({ TF_CLI_ARGS_plan: '-lock=false' });
    expect(runs(plan)).toEqual([
      'make plan STAGE=prod',
      'infra/scripts/plan-summary.sh prod infra/prod.tfplan >> "$GITHUB_STEP_SUMMARY"',
    ]);
    const upload = uses(plan, 'actions/upload-artifact')!.with!;
    expect(upload.name).toBe('prod-plan');
    expect(String(upload.path).trim().split('\n').sort()).toEqual([
      'dist/*.zip',
      'infra/.terraform.lock.hcl',
      'infra/prod.tfplan',
    ]);
    expect(upload['include-hidden-files']).toBe(true);
    expect(upload['if-no-files-found']).toBe('error');
  });

  it('applies in prod exactly the plan the reviewer saw: no new plan, no rebuild', () => {
    const prod = deploy.jobs.prod!;
    expect(uses(prod, 'actions/download-artifact')!.with).toEqual({ name: 'prod-plan' });
    expect(uses(prod, 'aws-actions/configure-aws-credentials')!.with).toMatchObject({
      'role-to-assume': '${{ vars.AWS_DEPLOY_ROLE_ARN }}',
    });
    const commands = runs(prod).join('\n');
    expect(commands).toContain('make deploy STAGE=prod PLAN=infra/prod.tfplan');
    expect(commands).not.toMatch(/make (plan|build|test)\b/);
    expect(uses(prod, 'actions/setup-node')).toBeUndefined();
  });

  it.each(['dev', 'prod'])(
    'deploys %s with a role assumed through OIDC before anything needs AWS, and a smoke test',
    (stage) => {
      const job = deploy.jobs[stage]!;
      expect(uses(job, 'aws-actions/configure-aws-credentials')!.with).toMatchObject({
        'aws-region': '${{ vars.AWS_REGION }}',
      });
      expect(runs(job).join('\n')).toMatch(/curl --fail-with-body .*\$\{API_URL\}\/users/);
      const order = job.steps.map((s) => s.uses?.split('@')[0] ?? s.run?.split(' ')[0]);
      expect(order.indexOf('aws-actions/configure-aws-credentials')).toBeLessThan(order.indexOf('make'));
    },
  );
});
