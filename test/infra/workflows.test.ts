import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../../scripts/contract/load';
import { loadTerraform } from './support/terraform';

const WORKFLOWS = join(ROOT, '.github', 'workflows');
const VALIDATOR = join(__dirname, 'support', 'validate-workflows.mjs');

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  id?: string;
}
interface Job {
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string; url?: string };
  permissions?: Record<string, string>;
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
      writeFileSync(broken, 'on: push\njobs:\n  a:\n    permissions:\n      id-token: writ\n    steps:\n      - run: echo ${{ secret.X }}\n');
      const errors = validate([broken])[broken]!;
      expect(errors.join('\n')).toMatch(/runs-on/);
      expect(errors.join('\n')).toMatch(/writ/);
      expect(errors.join('\n')).toMatch(/secret/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pin every action to a version and grant only read access by default', () => {
    for (const file of files) {
      const workflow = load(file);
      expect(workflow.permissions).toEqual({ contents: 'read' });
      for (const [id, job] of Object.entries(workflow.jobs)) {
        for (const step of job.steps.filter((s) => s.uses)) {
          expect({ file, id, uses: step.uses }).toEqual({ file, id, uses: expect.stringMatching(/^[\w.-]+\/[\w.-]+@(v\d+|[0-9a-f]{40})$/) });
        }
        // Only jobs that assume an AWS role may ask for an OIDC token.
        const assumesRole = Boolean(uses(job, 'aws-actions/configure-aws-credentials'));
        expect({ file, id, oidc: job.permissions?.['id-token'] === 'write' }).toEqual({ file, id, oidc: assumesRole });
      }
    }
  });

  it('install a Terraform version that versions.tf accepts, and Node matching the Lambda runtime', async () => {
    const tf = await loadTerraform();
    const floor = /^>=\s*(\d+)\.(\d+)/.exec(String(tf.terraform.find((b) => 'required_version' in b)!.required_version))!;
    for (const file of files) {
      const workflow = load(file);
      const version = workflow.env?.TERRAFORM_VERSION;
      expect(version).toMatch(/^\d+\.\d+\.\d+$/);
      const [major, minor] = version!.split('.').map(Number) as [number, number];
      expect(major * 1000 + minor).toBeGreaterThanOrEqual(Number(floor[1]) * 1000 + Number(floor[2]));
      for (const job of Object.values(workflow.jobs)) {
        const terraform = uses(job, 'hashicorp/setup-terraform');
        if (terraform) expect(terraform.with).toEqual({ terraform_version: '${{ env.TERRAFORM_VERSION }}', terraform_wrapper: false });
        expect(uses(job, 'actions/setup-node')?.with?.['node-version']).toBe(22);
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
    expect(runs(plan)).toEqual(['make plan STAGE=dev']);
  });
});

describe('deploy.yml', () => {
  const deploy = load('deploy.yml');

  it('runs on pushes to main, one deployment at a time, never cancelled halfway', () => {
    expect(deploy.on.push).toEqual({ branches: ['main'] });
    expect(deploy.concurrency).toEqual({ group: 'deploy', 'cancel-in-progress': false });
  });

  it('tests, then deploys dev, then prod behind the prod environment', () => {
    expect(runs(deploy.jobs.test!)).toEqual(['make test']);
    expect(deploy.jobs.dev!.needs).toBe('test');
    expect(deploy.jobs.prod!.needs).toBe('dev');
    expect(environmentName(deploy.jobs.dev!)).toBe('dev');
    expect(environmentName(deploy.jobs.prod!)).toBe('prod');
  });

  it.each(['dev', 'prod'])('deploys %s with make deploy, a role assumed through OIDC, and a smoke test', (stage) => {
    const job = deploy.jobs[stage]!;
    expect(uses(job, 'aws-actions/configure-aws-credentials')!.with).toMatchObject({
      'role-to-assume': '${{ vars.AWS_DEPLOY_ROLE_ARN }}',
      'aws-region': '${{ vars.AWS_REGION }}',
    });
    const commands = runs(job).join('\n');
    expect(commands).toContain(`make deploy STAGE=${stage} AUTO_APPROVE=1`);
    expect(commands).toMatch(/curl --fail-with-body .*\$\{API_URL\}\/users/);
    // configure-aws-credentials comes before anything that needs AWS.
    const order = job.steps.map((s) => s.uses?.split('@')[0] ?? s.run?.split(' ')[0]);
    expect(order.indexOf('aws-actions/configure-aws-credentials')).toBeLessThan(order.indexOf('make'));
  });
});
