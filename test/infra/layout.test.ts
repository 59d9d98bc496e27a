import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Block, TerraformConfig } from './support/terraform';
import { allResources, INFRA_DIR, loadTerraform, nested, parseAssignments } from './support/terraform';

/** Variables where a wrong value would deploy something broken or unsafe, so each must validate. */
const VALIDATED_VARIABLES = [
  'region',
  'allowed_account_ids',
  'name',
  'stage',
  'log_retention_days',
  'log_level',
  'metrics_namespace',
  'cors_allow_origin',
  'authorizer_result_ttl_seconds',
  'throttling_rate_limit',
  'throttling_burst_limit',
  'operation_throttling',
  'function_settings',
  'public_base_url',
  'signing_key_generations',
  'signing_key_current',
  'jwt_audience',
  'access_token_ttl_seconds',
  'bcrypt_cost',
  'mongodb_uri_parameter_name',
  'parameters_kms_key_arn',
  'alarm_email_addresses',
  'alarm_api_5xx_rate_percent',
  'alarm_latency_p99_ms',
  'alarm_function_errors_threshold',
  'alarm_throttles_threshold',
  'alarm_failed_logins_threshold',
  'alarm_refresh_token_reuse_threshold',
  'alarm_throttled_attempts_threshold',
  'waf_rate_limit',
  'email_identity',
  'email_from',
  'app_url',
  'alarm_email_send_failed_threshold',
];

function versionFloor(constraint: string): number[] {
  const match = /^>=\s*(\d+)\.(\d+)/.exec(constraint);
  if (!match) throw new Error(`"${constraint}" has no >= lower bound`);
  return [Number(match[1]), Number(match[2])];
}

let tf: TerraformConfig;

beforeAll(async () => {
  tf = await loadTerraform();
});

describe('the Terraform layout', () => {
  it('keeps the files terraform-aws-modules keep, and the resources in files by concern', () => {
    for (const file of [
      'versions.tf',
      'variables.tf',
      'outputs.tf',
      'main.tf',
      'backend.tf',
      'api.tf',
      'functions.tf',
      'iam.tf',
      'logs.tf',
      'secrets.tf',
      'dashboard.tf',
      'alarms.tf',
      'queries.tf',
      'email.tf',
    ]) {
      expect(tf.files).toContain(file);
    }
  });

  it('puts a lower bound on Terraform (1.11, for write-only attributes) and pins the AWS provider to one exact version', () => {
    const versions = tf.terraform.find((block) => 'required_version' in block)!;
    expect(versionFloor(versions.required_version as string)).toEqual([1, 11]);
    const providers = nested(versions, 'required_providers') as Record<string, { source: string; version: string }>;
    expect(providers.aws!.source).toBe('hashicorp/aws');
    // No operator: `init` can only ever install the version the Terraform tests ran with.
    expect(providers.aws!.version).toMatch(/^\d+\.\d+\.\d+$/);
    const [major, minor] = providers.aws!.version.split('.').map(Number) as [number, number];
    expect(major * 1000 + minor).toBeGreaterThanOrEqual(5100);
  });

  it('documents the command that writes a lock file for every platform the team and CI run on', () => {
    const readme = readFileSync(join(INFRA_DIR, 'README.md'), 'utf8');
    expect(readme).toContain(
      'terraform -chdir=infra providers lock -platform=linux_amd64 -platform=linux_arm64 -platform=darwin_arm64 -platform=darwin_amd64',
    );
  });

  it('locks the pinned AWS provider version when a lock file is committed', async () => {
    const lock = join(INFRA_DIR, '.terraform.lock.hcl');
    if (!existsSync(lock)) return;
    const pinned = (
      nested(
        tf.terraform.find((block) => 'required_providers' in block)!,
        'required_providers',
      ) as Record<string, { version: string }>
    ).aws!.version;
    const locked = (await parseAssignments(lock)) as { provider: Record<string, Array<{ version: string }>> };
    expect(locked.provider['registry.terraform.io/hashicorp/aws']![0]!.version).toBe(pinned);
  });

  it('uses an S3 backend configured per stage from env/<stage>.backend.hcl', () => {
    const backends = tf.terraform.filter((block) => 'backend' in block);
    expect(backends).toHaveLength(1);
    const backend = backends[0]!.backend as Record<string, Block[]>;
    expect(Object.keys(backend)).toEqual(['s3']);
    // Partial configuration: nothing about the bucket or account is committed in the module.
    expect(backend.s3).toEqual([{}]);
  });

  it('names every resource from locals name and tags, and tags everything through the provider', () => {
    expect(tf.locals.name).toBe('${var.name}-${var.stage}');
    expect(String(tf.locals.tags)).toContain('var.tags');
    const aws = tf.providers.aws!;
    expect(aws.region).toBe('${var.region}');
    expect(nested(aws, 'default_tags').tags).toBe('${local.tags}');
  });

  it('declares one resource of a kind as `this` where there is one of a kind', () => {
    for (const address of [
      'aws_api_gateway_rest_api',
      'aws_api_gateway_deployment',
      'aws_api_gateway_stage',
      'aws_lambda_function',
    ]) {
      expect(Object.keys(tf.resources[address] ?? {})).toEqual(['this']);
    }
  });

  it('hard-codes no account id and no region outside variables', () => {
    for (const file of tf.files) {
      const text = readFileSync(join(INFRA_DIR, file), 'utf8');
      expect({ file, accountIds: text.match(/\b\d{12}\b/g) }).toEqual({ file, accountIds: null });
      expect({ file, regions: text.match(/"[a-z]{2}-[a-z]+-\d"/g) }).toEqual({ file, regions: null });
    }
  });
});

describe('the module interface', () => {
  it('gives every variable a type and a description', () => {
    const names = Object.keys(tf.variables);
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) {
      const variable = tf.variables[name]!;
      expect({ name, hasType: typeof variable.type === 'string' && variable.type.length > 0 }).toEqual({
        name,
        hasType: true,
      });
      expect({
        name,
        hasDescription: typeof variable.description === 'string' && variable.description.trim().length > 10,
      }).toEqual({ name, hasDescription: true });
    }
  });

  it('validates every variable whose wrong value would deploy something broken', () => {
    for (const name of VALIDATED_VARIABLES) {
      const variable = tf.variables[name];
      expect({ name, declared: Boolean(variable) }).toEqual({ name, declared: true });
      const rules = (variable!.validation ?? []) as Block[];
      expect({ name, rules: rules.length > 0 }).toEqual({ name, rules: true });
      for (const rule of rules) {
        expect(typeof rule.condition).toBe('string');
        expect(String(rule.error_message)).toMatch(/must/);
      }
    }
  });

  it('gives every output a description', () => {
    const names = Object.keys(tf.outputs);
    expect(names).toEqual(expect.arrayContaining(['api_url', 'stage', 'function_names']));
    for (const name of names) {
      expect({ name, description: typeof tf.outputs[name]!.description === 'string' }).toEqual({
        name,
        description: true,
      });
    }
  });

  it('documents every variable and output in infra/README.md', () => {
    const readme = readFileSync(join(INFRA_DIR, 'README.md'), 'utf8');
    for (const name of [...Object.keys(tf.variables), ...Object.keys(tf.outputs)]) {
      expect({ name, documented: readme.includes(`\`${name}\``) }).toEqual({ name, documented: true });
    }
  });

  it('ships offline Terraform tests that override every resource and account lookup, so they never reach AWS', async () => {
    const tests = readdirSync(join(INFRA_DIR, 'tests')).filter((f) => f.endsWith('.tftest.hcl'));
    expect(tests.length).toBeGreaterThan(0);
    expect(existsSync(join(INFRA_DIR, 'scripts', 'validate.sh'))).toBe(true);
    const dataSources = Object.entries(tf.data)
      .filter(([type]) => type !== 'aws_iam_policy_document') // rendered by the provider itself, offline
      .flatMap(([type, byName]) => Object.keys(byName).map((name) => `data.${type}.${name}`));
    for (const file of tests) {
      const test = await parseAssignments(join(INFRA_DIR, 'tests', file));
      const targets = (key: string) =>
        ((test[key] ?? []) as Block[]).map((o) => String(o.target).replace(/^\$\{|\}$/g, ''));
      expect({ file, resources: targets('override_resource').sort() }).toEqual({
        file,
        resources: allResources(tf)
          .map(([address]) => address)
          .sort(),
      });
      expect({ file, data: targets('override_data').sort() }).toEqual({ file, data: dataSources.sort() });
      const provider = (test.provider as Record<string, Block[]>).aws![0]!;
      expect(provider).toMatchObject({
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
      });
    }
  });
});
