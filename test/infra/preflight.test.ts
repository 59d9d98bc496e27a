import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INFRA_DIR } from './support/terraform';

/**
 * Runs infra/scripts/preflight.sh in a scratch copy of infra/ with a PATH holding only the
 * shell tools it uses plus fake `terraform` and `aws` commands, so every case is deterministic.
 */
const SHELL_TOOLS = ['sed', 'sort', 'head', 'dirname'];

const DEV_TFVARS = 'region = "eu-west-1"\nstage  = "dev"\nmongodb_uri_parameter_name = "/auth-api/dev/mongodb-uri"\n';

interface Sandbox {
  /** A saved plan to pass as the third argument: its file name, and whether the file exists. */
  savedPlan?: { name: string; exists: boolean };
  terraform?: string | false;
  aws?: boolean;
  env?: Record<string, string>;
  files?: Record<string, string | undefined>;
}

interface Result {
  status: number | null;
  stderr: string;
  awsCalls: string[];
}

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'preflight-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function which(tool: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error(`${tool} is needed to run these tests`);
  return found;
}

function script(path: string, body: string): void {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

function runPreflight(action: string, stage: string, sandbox: Sandbox = {}): Result {
  const dir = mkdtempSync(join(root, 'run-'));
  const infra = join(dir, 'infra');
  const bin = join(dir, 'bin');
  const home = join(dir, 'home');
  mkdirSync(join(infra, 'scripts'), { recursive: true });
  mkdirSync(join(infra, 'env'), { recursive: true });
  mkdirSync(bin, { recursive: true });
  mkdirSync(home, { recursive: true });
  copyFileSync(join(INFRA_DIR, 'scripts', 'preflight.sh'), join(infra, 'scripts', 'preflight.sh'));

  const files: Record<string, string | undefined> = {
    'dev.backend.hcl': 'bucket = "state"\nkey = "auth-api/dev/terraform.tfstate"\nregion = "eu-west-1"\n',
    'dev.tfvars': DEV_TFVARS,
    ...sandbox.files,
  };
  for (const [name, text] of Object.entries(files))
    if (text !== undefined) writeFileSync(join(infra, 'env', name), text);

  for (const tool of SHELL_TOOLS) symlinkSync(which(tool), join(bin, tool));
  if (sandbox.terraform !== false)
    script(join(bin, 'terraform'), `echo "${sandbox.terraform ?? 'Terraform v1.11.4'}"\necho "on linux_amd64"`);
  const awsLog = join(dir, 'aws-calls.log');
  if (sandbox.aws) {
    script(
      join(bin, 'aws'),
      `echo "$*" >> "${awsLog}"
case "$1 $2" in
  "sts get-caller-identity") [ "$FAKE_STS" = ok ] && exit 0; echo "Unable to locate credentials" >&2; exit 255 ;;
  "ssm describe-parameters") echo "\${FAKE_PARAMETER_TYPE:-None}" ;;
  "apigateway get-account") echo "\${FAKE_LOG_ROLE:-None}" ;;
  *) exit 2 ;;
esac`,
    );
  }

  const args = [join(infra, 'scripts', 'preflight.sh'), action, stage];
  if (sandbox.savedPlan) {
    const plan = join(infra, sandbox.savedPlan.name);
    if (sandbox.savedPlan.exists) writeFileSync(plan, 'plan');
    args.push(plan);
  }
  const result = spawnSync(which('bash'), args, {
    env: { PATH: bin, HOME: home, ...sandbox.env },
    encoding: 'utf8',
  });
  let awsCalls: string[] = [];
  try {
    awsCalls = readFileSync(awsLog, 'utf8').trim().split('\n');
  } catch {
    // No aws call was made.
  }
  return { status: result.status, stderr: result.stderr, awsCalls };
}

/** A preflight failure is exactly one line naming the action. */
function expectOneLineFailure(result: Result, action: string, message: RegExp): void {
  expect(result.status).toBe(1);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^${action}: `));
  expect(lines[0]).toMatch(message);
}

const HEALTHY_AWS: Sandbox = {
  aws: true,
  env: { FAKE_STS: 'ok', FAKE_PARAMETER_TYPE: 'SecureString', FAKE_LOG_ROLE: 'arn:aws:iam::123456789012:role/logs' },
};

describe('the deploy preflight', () => {
  it('passes when terraform, credentials, the stage files and the MongoDB parameter are all there', () => {
    const result = runPreflight('deploy', 'dev', HEALTHY_AWS);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.awsCalls).toEqual([
      'sts get-caller-identity --region eu-west-1',
      'ssm describe-parameters --region eu-west-1 --parameter-filters Key=Name,Option=Equals,Values=/auth-api/dev/mongodb-uri --query Parameters[0].Type --output text',
      'apigateway get-account --region eu-west-1 --query cloudwatchRoleArn --output text',
    ]);
  });

  it('asks for STAGE when it is not set', () => {
    expectOneLineFailure(
      runPreflight('deploy', '', HEALTHY_AWS),
      'deploy',
      /STAGE is not set: run `make deploy STAGE=dev`/,
    );
  });

  it('rejects a STAGE that is not a stage name', () => {
    expectOneLineFailure(runPreflight('plan', '../prod', HEALTHY_AWS), 'plan', /STAGE=\.\.\/prod is not a stage name/);
  });

  it('names the missing backend configuration of the stage', () => {
    expectOneLineFailure(runPreflight('plan', 'qa', HEALTHY_AWS), 'plan', /infra\/env\/qa\.backend\.hcl is missing/);
  });

  it('names the missing variables file of the stage', () => {
    const result = runPreflight('deploy', 'dev', { ...HEALTHY_AWS, files: { 'dev.tfvars': undefined } });
    expectOneLineFailure(result, 'deploy', /infra\/env\/dev\.tfvars is missing/);
  });

  it('says terraform is missing', () => {
    expectOneLineFailure(
      runPreflight('destroy', 'dev', { ...HEALTHY_AWS, terraform: false }),
      'destroy',
      /terraform is not installed: install Terraform >= 1\.11/,
    );
  });

  it('says an old terraform is too old', () => {
    expectOneLineFailure(
      runPreflight('plan', 'dev', { ...HEALTHY_AWS, terraform: 'Terraform v1.9.8' }),
      'plan',
      /Terraform 1\.9 is too old: this configuration needs >= 1\.11/,
    );
  });

  it('accepts newer terraform versions, compared as versions rather than text', () => {
    expect(runPreflight('plan', 'dev', { ...HEALTHY_AWS, terraform: 'Terraform v1.100.0' }).status).toBe(0);
  });

  it('says the credentials are missing when the AWS CLI cannot identify the caller', () => {
    const result = runPreflight('deploy', 'dev', { aws: true, env: { FAKE_STS: 'fail' } });
    expectOneLineFailure(result, 'deploy', /no usable AWS credentials: `aws sts get-caller-identity` failed/);
  });

  it('says the credentials are missing when there is no CLI and no credential source', () => {
    expectOneLineFailure(runPreflight('plan', 'dev'), 'plan', /no AWS credentials: set AWS_PROFILE/);
  });

  it('trusts a credential source it can see when there is no AWS CLI', () => {
    expect(runPreflight('plan', 'dev', { env: { AWS_PROFILE: 'dev' } }).status).toBe(0);
    expect(runPreflight('plan', 'dev', { env: { AWS_WEB_IDENTITY_TOKEN_FILE: '/token' } }).status).toBe(0);
  });

  it('says the MongoDB URI parameter does not exist yet', () => {
    const result = runPreflight('deploy', 'dev', {
      ...HEALTHY_AWS,
      env: { ...HEALTHY_AWS.env, FAKE_PARAMETER_TYPE: 'None' },
    });
    expectOneLineFailure(
      result,
      'deploy',
      /SSM parameter \/auth-api\/dev\/mongodb-uri does not exist in eu-west-1: create it as a SecureString/,
    );
  });

  it('refuses a MongoDB URI parameter stored in plain text', () => {
    const result = runPreflight('plan', 'dev', {
      ...HEALTHY_AWS,
      env: { ...HEALTHY_AWS.env, FAKE_PARAMETER_TYPE: 'String' },
    });
    expectOneLineFailure(
      result,
      'plan',
      /SSM parameter \/auth-api\/dev\/mongodb-uri is a String: recreate it as a SecureString/,
    );
  });

  it('says access logging would fail when the account has no API Gateway logging role', () => {
    const result = runPreflight('deploy', 'dev', {
      ...HEALTHY_AWS,
      env: { ...HEALTHY_AWS.env, FAKE_LOG_ROLE: 'None' },
    });
    expectOneLineFailure(result, 'deploy', /set manage_api_gateway_account_logging = true in infra\/env\/dev\.tfvars/);
  });

  it('skips the logging role check when the stage creates that role itself', () => {
    const files = { 'dev.tfvars': `${DEV_TFVARS}manage_api_gateway_account_logging = true # this account\n` };
    const result = runPreflight('deploy', 'dev', {
      ...HEALTHY_AWS,
      files,
      env: { ...HEALTHY_AWS.env, FAKE_LOG_ROLE: 'None' },
    });
    expect(result.status).toBe(0);
    expect(result.awsCalls.some((call) => call.startsWith('apigateway'))).toBe(false);
  });

  it('lets destroy run without the MongoDB parameter', () => {
    const result = runPreflight('destroy', 'dev', { aws: true, env: { FAKE_STS: 'ok' } });
    expect(result.status).toBe(0);
    expect(result.awsCalls).toEqual(['sts get-caller-identity --region eu-west-1']);
  });

  it('names a stage file that does not set the region', () => {
    const result = runPreflight('plan', 'dev', { ...HEALTHY_AWS, files: { 'dev.tfvars': 'stage = "dev"\n' } });
    expectOneLineFailure(result, 'plan', /infra\/env\/dev\.tfvars does not set region/);
  });

  it('passes with the saved plan of the stage to apply', () => {
    const result = runPreflight('deploy', 'dev', { ...HEALTHY_AWS, savedPlan: { name: 'dev.tfplan', exists: true } });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.awsCalls).toHaveLength(3);
  });

  it('says the saved plan to apply does not exist', () => {
    const result = runPreflight('deploy', 'dev', { ...HEALTHY_AWS, savedPlan: { name: 'dev.tfplan', exists: false } });
    expectOneLineFailure(
      result,
      'deploy',
      /the saved plan .*\/infra\/dev\.tfplan does not exist: run `make plan STAGE=dev` first/,
    );
  });

  it('refuses to apply the saved plan of another stage', () => {
    const result = runPreflight('deploy', 'dev', { ...HEALTHY_AWS, savedPlan: { name: 'prod.tfplan', exists: true } });
    expectOneLineFailure(
      result,
      'deploy',
      /prod\.tfplan is not a plan of STAGE=dev: `make plan STAGE=dev` saves infra\/dev\.tfplan/,
    );
    expect(result.awsCalls).toEqual([]);
  });

  it('takes a saved plan only to deploy it', () => {
    const result = runPreflight('destroy', 'dev', { ...HEALTHY_AWS, savedPlan: { name: 'dev.tfplan', exists: true } });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/only deploy applies a saved plan/);
  });

  it('explains its usage when the action is unknown', () => {
    const result = runPreflight('apply', 'dev', HEALTHY_AWS);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^usage: .*preflight\.sh plan\|deploy\|destroy STAGE/);
  });
});
