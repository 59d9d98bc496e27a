import { listOperations, loadContract } from '../../scripts/contract/load';
import type { TerraformConfig } from './support/terraform';
import { loadTerraform, nested, resource } from './support/terraform';

const operations = listOperations(loadContract());

/** The access log fields operators and the Logs Insights queries rely on. */
const REQUIRED_CONTEXT = [
  '$context.requestId',
  '$context.identity.sourceIp',
  '$context.httpMethod',
  '$context.resourcePath',
  '$context.status',
  '$context.responseLatency',
  '$context.authorizer.error',
  '$context.integration.error',
];

/** REST API $context variables valid in access logs; a typo would log a literal. */
const KNOWN_CONTEXT = new Set([
  ...REQUIRED_CONTEXT,
  '$context.extendedRequestId',
  '$context.identity.userAgent',
  '$context.requestTime',
  '$context.requestTimeEpoch',
  '$context.path',
  '$context.protocol',
  '$context.responseLength',
  '$context.integrationLatency',
  '$context.integration.status',
  '$context.authorizer.status',
  '$context.authorizer.latency',
  '$context.authorizer.principalId',
  '$context.error.message',
  '$context.error.responseType',
]);

let tf: TerraformConfig;

beforeAll(async () => {
  tf = await loadTerraform();
});

describe('the API and its stage', () => {
  it('imports the body as a regional API, ignoring the server URL path (that is the stage)', () => {
    const api = resource(tf, 'aws_api_gateway_rest_api.this');
    expect(nested(api, 'endpoint_configuration').types).toEqual(['REGIONAL']);
    expect(api.parameters).toEqual({ basepath: 'ignore' });
    expect(api.name).toBe('${local.name}');
  });

  it('redeploys whenever the body changes, creating the new deployment before the old one goes', () => {
    const deployment = resource(tf, 'aws_api_gateway_deployment.this');
    expect(deployment.triggers).toEqual({ redeployment: '${sha1(aws_api_gateway_rest_api.this.body)}' });
    expect(nested(deployment, 'lifecycle').create_before_destroy).toBe(true);
  });

  it('serves the current deployment under the stage name, after the account logging role exists', () => {
    const stage = resource(tf, 'aws_api_gateway_stage.this');
    expect(stage.deployment_id).toBe('${aws_api_gateway_deployment.this.id}');
    expect(stage.stage_name).toBe('${var.stage}');
    expect(stage.depends_on).toEqual(['${aws_api_gateway_account.this}']);
  });

  it('writes one JSON access log line per request, with the fields operators need, to a log group with retention', () => {
    const stage = resource(tf, 'aws_api_gateway_stage.this');
    const settings = nested(stage, 'access_log_settings');
    expect(settings.destination_arn).toBe('${aws_cloudwatch_log_group.access.arn}');
    expect(settings.format).toBe('${local.access_log_format}');
    const format = String(tf.locals.access_log_format);
    expect(format).toMatch(/^\$\{jsonencode\(\{/);
    const used = format.match(/\$context\.[A-Za-z.]+/g) ?? [];
    for (const field of REQUIRED_CONTEXT) expect(used).toContain(field);
    for (const field of used) expect({ field, known: KNOWN_CONTEXT.has(field) }).toEqual({ field, known: true });
    // Every value is a quoted string: API Gateway writes "-" for a missing value.
    expect(format).not.toMatch(/=\s*\$context/);
    expect(resource(tf, 'aws_cloudwatch_log_group.access').retention_in_days).toBe('${var.log_retention_days}');
  });

  it('turns on detailed metrics and stage-wide throttling, and never logs request bodies', () => {
    const all = resource(tf, 'aws_api_gateway_method_settings.stage');
    expect(all.method_path).toBe('*/*');
    expect(nested(all, 'settings')).toEqual({
      metrics_enabled: true,
      throttling_rate_limit: '${var.throttling_rate_limit}',
      throttling_burst_limit: '${var.throttling_burst_limit}',
      logging_level: 'OFF',
      data_trace_enabled: false,
    });
  });

  it('throttles chosen operations harder, repeating the stage-wide settings a method override replaces', () => {
    const override = resource(tf, 'aws_api_gateway_method_settings.operation');
    expect(override.for_each).toBe('${var.operation_throttling}');
    expect(override.method_path).toBe(
      '${trimprefix(local.operations[each.key].path, "/")}/${local.operations[each.key].method}',
    );
    expect(nested(override, 'settings')).toEqual({
      metrics_enabled: true,
      throttling_rate_limit: '${each.value.rate_limit}',
      throttling_burst_limit: '${each.value.burst_limit}',
      logging_level: 'OFF',
      data_trace_enabled: false,
    });
    expect(override.depends_on).toEqual(['${aws_api_gateway_method_settings.stage}']);
  });

  it('throttles the public POST routes that take credentials harder than the stage by default', () => {
    const defaults = tf.variables.operation_throttling!.default as Record<
      string,
      { rate_limit: number; burst_limit: number }
    >;
    const byId = new Map(operations.map((op) => [op.operationId, op]));
    expect(Object.keys(defaults).sort()).toEqual([
      'forgotPassword',
      'login',
      'logout',
      'refreshToken',
      'register',
      'resetPassword',
      'verifyEmail',
    ]);
    for (const [operationId, limits] of Object.entries(defaults)) {
      const op = byId.get(operationId)!;
      expect(op.method).toBe('post');
      expect(op.securitySchemes).toEqual([]);
      expect(limits.rate_limit).toBeLessThan(tf.variables.throttling_rate_limit!.default as number);
      expect(limits.burst_limit).toBeLessThan(tf.variables.throttling_burst_limit!.default as number);
    }
  });

  it('outputs the invoke URL of the stage', () => {
    expect(tf.outputs.api_url!.value).toBe('${aws_api_gateway_stage.this.invoke_url}');
    expect(tf.outputs.stage!.value).toBe('${aws_api_gateway_stage.this.stage_name}');
  });
});
