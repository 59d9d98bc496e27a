import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { AUTHORIZER_FUNCTION } from '../../scripts/contract/api-gateway';
import { listOperations, loadContract } from '../../scripts/contract/load';
import type { TerraformData } from '../../scripts/contract/terraform-data';
import { ROOT } from '../../scripts/paths';
import type { Block, TerraformConfig } from './support/terraform';
import { dataSource, INFRA_DIR, loadTerraform, nested, resource } from './support/terraform';

const operations = listOperations(loadContract());
const functionKeys = [...operations.map((op) => op.operationId), AUTHORIZER_FUNCTION];
/** The committed generated data, as Terraform reads it (its freshness is `make check-generated`'s). */
const generated = JSON.parse(readFileSync(join(ROOT, 'generated', 'terraform.json'), 'utf8')) as TerraformData;
/** API Gateway abandons a Lambda integration after 29 seconds. */
const INTEGRATION_LIMIT_SECONDS = 29;

const squash = (expression: unknown) => String(expression).replace(/\s+/g, ' ').trim();

interface FunctionSettings {
  memory_size: number;
  timeout: number;
  reserved_concurrency: number;
  secrets: string[];
}

/** The sizes main.tf gives a function, from its defaults and what the generated data says about the code. */
function sizes(tf: TerraformConfig): Record<string, Omit<FunctionSettings, 'secrets'>> {
  const defaults = tf.locals.function_defaults as Omit<FunctionSettings, 'secrets'>;
  return Object.fromEntries(
    functionKeys.map((key) => [
      key,
      {
        ...defaults,
        ...(generated.functions[key]!.hashes_passwords ? { memory_size: 1024 } : {}),
        ...(key === AUTHORIZER_FUNCTION ? { memory_size: 256, timeout: 5 } : {}),
      },
    ]),
  );
}

let tf: TerraformConfig;

beforeAll(async () => {
  tf = await loadTerraform();
});

describe('the functions Terraform derives from the contract', () => {
  it('reads the operations, the authorizer and the functions from the generated data, as the build lists them', () => {
    expect(tf.locals.generated).toBe('${jsondecode(file("${path.module}/../generated/terraform.json"))}');
    expect(tf.locals.operations).toBe('${local.generated.operations}');
    expect(tf.locals.authorizer_function).toBe('${local.generated.authorizer_function}');
    expect(tf.locals.function_keys).toBe('${keys(local.generated.functions)}');
    expect(Object.keys(generated.functions).sort()).toEqual([...functionKeys].sort());
  });

  it('makes one function per function key', () => {
    expect(squash(tf.locals.functions)).toMatch(/^\$\{\{ for key in local\.function_keys : key => merge\(/);
  });

  it('drives every per-function resource from the same map', () => {
    for (const block of [
      resource(tf, 'aws_lambda_function.this'),
      resource(tf, 'aws_cloudwatch_log_group.function'),
      resource(tf, 'aws_iam_role.function'),
      resource(tf, 'aws_iam_role_policy.function'),
      dataSource(tf, 'aws_iam_policy_document.function'),
    ]) {
      expect(block.for_each).toBe('${local.functions}');
    }
  });

  it('sizes every function within memory limits and under the integration timeout, more memory where bcrypt runs, less where no database is used', () => {
    const profiles = squash(tf.locals.function_profiles);
    expect(profiles).toContain('code.hashes_passwords ? { memory_size = 1024 } : {}');
    expect(profiles).toContain(
      '!code.uses_database && !code.hashes_passwords ? { memory_size = 256, timeout = 5 } : {}',
    );
    for (const [key, settings] of Object.entries(sizes(tf))) {
      expect({ key, memory: settings.memory_size >= 128 && settings.memory_size <= 10240 }).toEqual({
        key,
        memory: true,
      });
      expect({ key, timeout: settings.timeout >= 1 && settings.timeout <= INTEGRATION_LIMIT_SECONDS }).toEqual({
        key,
        timeout: true,
      });
    }
  });

  it('issues 15-minute access tokens by default, as the code does: a refresh token renews them', () => {
    expect(tf.variables.access_token_ttl_seconds!.default).toBe(900);
    expect((tf.locals.common_environment as Record<string, string>).ACCESS_TOKEN_TTL).toBe(
      '${tostring(var.access_token_ttl_seconds)}',
    );
  });

  it('runs the build output on nodejs22.x and arm64 with the index.handler entry point', () => {
    const fn = resource(tf, 'aws_lambda_function.this');
    expect(fn.runtime).toBe('nodejs22.x');
    expect(fn.architectures).toEqual(['arm64']);
    expect(fn.handler).toBe('index.handler');
    expect(fn.function_name).toBe('${local.name}-${each.key}');
    expect(fn.memory_size).toBe('${each.value.memory_size}');
    expect(fn.timeout).toBe('${each.value.timeout}');
    expect(fn.reserved_concurrent_executions).toBe('${each.value.reserved_concurrency}');
  });

  it('uploads the zips scripts/build.ts writes, hashed so a new build redeploys', async () => {
    const build = await import('../../scripts/build');
    expect([...build.listFunctionKeys()].sort()).toEqual([...functionKeys].sort());
    expect(squash(tf.locals.function_zips)).toBe(
      '${{ for key in local.function_keys : key => "${path.module}/../dist/${key}.zip" }}',
    );
    for (const key of functionKeys) {
      expect(relative(INFRA_DIR, build.zipPathFor(key))).toBe(`../dist/${key}.zip`);
    }
    const fn = resource(tf, 'aws_lambda_function.this');
    expect(fn.filename).toBe('${local.function_zips[each.key]}');
    expect(fn.source_code_hash).toContain('filebase64sha256(local.function_zips[each.key])');
    const preconditions = nested(fn, 'lifecycle').precondition as Block[];
    expect(preconditions.map((p) => p.condition)).toContain('${fileexists(local.function_zips[each.key])}');
  });

  it('gives every function its own log group with retention, and JSON logs sent there', () => {
    const group = resource(tf, 'aws_cloudwatch_log_group.function');
    // Lambda's own default group name for the function, so tools that assume it still work.
    expect(group.name).toBe('/aws/lambda/${local.name}-${each.key}');
    expect(group.retention_in_days).toBe('${var.log_retention_days}');
    const logging = nested(resource(tf, 'aws_lambda_function.this'), 'logging_config');
    expect(logging.log_group).toBe('${aws_cloudwatch_log_group.function[each.key].name}');
    expect(logging.log_format).toBe('JSON');
    expect(logging.application_log_level).toBe('${var.log_level}');
  });

  it('gives every function its own role and policy', () => {
    expect(resource(tf, 'aws_lambda_function.this').role).toBe('${aws_iam_role.function[each.key].arn}');
    expect(resource(tf, 'aws_iam_role.function').name).toBe('${local.name}-${each.key}');
    const policy = resource(tf, 'aws_iam_role_policy.function');
    expect(policy.role).toBe('${aws_iam_role.function[each.key].id}');
    expect(policy.policy).toBe('${data.aws_iam_policy_document.function[each.key].json}');
    expect(resource(tf, 'aws_lambda_function.this').depends_on).toEqual([
      '${aws_iam_role_policy.function}',
      '${aws_iam_role_policy.sign_tokens}',
      '${aws_iam_role_policy.send_email}',
      '${aws_iam_role_policy.defer_jobs}',
    ]);
  });
});

describe('who may invoke the functions', () => {
  it('lets API Gateway invoke each function, for this API only', () => {
    const permission = resource(tf, 'aws_lambda_permission.api_gateway');
    expect(permission.for_each).toBe('${local.invoke_permissions}');
    expect(permission.function_name).toBe('${aws_lambda_function.this[each.key].function_name}');
    expect(permission.principal).toBe('apigateway.amazonaws.com');
    expect(permission.action).toBe('lambda:InvokeFunction');
    expect(permission.source_arn).toBe('${each.value.source_arn}');
  });

  it('scopes each operation to its own method and path, and the authorizer to this API authorizers', () => {
    const permissions = squash(tf.locals.invoke_permissions);
    expect(permissions).toContain('for operation in local.operations : operation.function =>');
    expect(permissions).toContain(
      'source_arn = "${aws_api_gateway_rest_api.this.execution_arn}/*/${operation.method}${replace(operation.path,',
    );
    expect(permissions).toContain(
      '(local.authorizer_function) = { source_arn = "${aws_api_gateway_rest_api.this.execution_arn}/authorizers/*" }',
    );
    expect(permissions).not.toMatch(/execution_arn\}\/\*"/);
  });

  it('turns path parameters into the wildcard execute-api ARNs use', () => {
    const pattern = /replace\(operation\.path, "(.*?)", "\*"\)/.exec(squash(tf.locals.invoke_permissions))![1]!;
    // Terraform's replace() takes a /regex/ in a string; JSON unescaping gives the same source.
    const regex = new RegExp((JSON.parse(`"${pattern}"`) as string).slice(1, -1), 'g');
    expect('/users/{id}/sessions/{sessionId}'.replace(regex, '*')).toBe('/users/*/sessions/*');
    for (const op of operations.filter((o) => !o.path.includes('{'))) expect(op.path.replace(regex, '*')).toBe(op.path);
  });
});
