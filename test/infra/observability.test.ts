import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HttpError} from '../../functions/shared/errors';
import { ConfigError, DependencyUnavailable, IntegrationError, TOKEN_REJECTION } from '../../functions/shared/errors';
import { METRIC_DIMENSIONS, MetricName, SERVICE_DIMENSION } from '../../functions/shared/observability';
import { OUTCOME } from '../../functions/shared/outcomes';
import type { Block, TerraformConfig } from './support/terraform';
import { INFRA_DIR, loadTerraform, resource } from './support/terraform';

/**
 * The dashboard and alarms read the functions' metrics by name, namespace and dimension set;
 * CloudWatch shows nothing for a combination nobody publishes. These tests hold infra/ to what
 * functions/shared/observability.ts declares, so renaming a metric or a dimension in one place
 * fails here instead of leaving an empty widget or an alarm that never fires.
 */
let tf: TerraformConfig;
let source: string;

beforeAll(async () => {
  tf = await loadTerraform();
  source = readFileSync(join(INFRA_DIR, 'observability.tf'), 'utf8');
});

const appMetrics = () => tf.locals.app_metrics as Record<string, string[]>;

/** The metric names in our namespace that an expression string names, by any of the ways observability.tf refers to them. */
function referencedAppMetrics(text: string): string[] {
  const found = [
    ...text.matchAll(/local\.app_metric(?:_search)?\.([A-Za-z]+)/g),
    ...text.matchAll(/metric_name\s*=\s*"([A-Za-z]+)"/g),
    ...text.matchAll(/\[local\.metrics_namespace,\s*"([A-Za-z]+)"/g),
  ].map((match) => match[1]!);
  return [...new Set(found)];
}

describe('the dashboard and alarms against the metrics the code emits', () => {
  it('lists every metric it reads with exactly the name and dimensions the code publishes', () => {
    expect(Object.keys(appMetrics()).sort()).toEqual(Object.values(MetricName).sort());
    for (const [name, dimensions] of Object.entries(appMetrics())) {
      expect({ name, dimensions: [...dimensions].sort() }).toEqual({ name, dimensions: [...METRIC_DIMENSIONS[name as MetricName]].sort() });
    }
  });

  it('reads the namespace and service the functions are configured with', () => {
    const environment = tf.locals.common_environment as Record<string, string>;
    expect(tf.locals.metrics_namespace).toBe('${local.common_environment.POWERTOOLS_METRICS_NAMESPACE}');
    expect(tf.locals.service_name).toBe('${local.common_environment.POWERTOOLS_SERVICE_NAME}');
    expect(environment.POWERTOOLS_METRICS_NAMESPACE).toBe('${var.metrics_namespace}');
    expect(environment.POWERTOOLS_SERVICE_NAME).toBe('${local.name}');
    expect(tf.outputs.metrics_namespace!.value).toBe('${var.metrics_namespace}');
    expect(tf.outputs.service_name!.value).toBe('${local.name}');
  });

  it('names in widgets and alarms only metrics the code emits, always with the service dimension', () => {
    const named = referencedAppMetrics(source).filter((name) => !['Invocations', 'Errors', 'Duration', 'Throttles', 'ConcurrentExecutions', 'Latency', 'Count'].includes(name));
    expect(named.length).toBeGreaterThan(5);
    for (const name of named) expect({ name, emitted: name in METRIC_DIMENSIONS }).toEqual({ name, emitted: true });
    // Our namespace appears only next to the service dimension: `[namespace, name, "service", ...]` or `service = ...`.
    const dimensionLists = [...source.matchAll(/\[local\.metrics_namespace, [^\]]*\]/g)].map((match) => match[0]);
    expect(dimensionLists.length).toBeGreaterThan(0);
    for (const list of dimensionLists) expect(list).toContain(`"${SERVICE_DIMENSION}", local.service_name`);
  });

  it('asks alarms for the dimension values the code can publish', () => {
    expect([...(tf.locals.token_rejections as string[])].sort()).toEqual(Object.values(TOKEN_REJECTION).sort());
    const serverOutcomes = [new ConfigError('X', 'x'), new IntegrationError('x'), new DependencyUnavailable('database', undefined)].map((error: HttpError) => error.outcome);
    expect([...(tf.locals.server_error_outcomes as string[])].sort()).toEqual([...serverOutcomes, OUTCOME.error].sort());
    for (const outcome of serverOutcomes) expect(Object.values(OUTCOME)).toContain(outcome);
  });

  it('gives every function an errors alarm and a throttles alarm', () => {
    for (const address of ['aws_cloudwatch_metric_alarm.function_errors', 'aws_cloudwatch_metric_alarm.function_throttles']) {
      expect(resource(tf, address).for_each).toBe('${local.functions}');
    }
    expect(resource(tf, 'aws_lambda_function.this').for_each).toBe('${local.functions}');
  });

  it('sends every alarm to the alarm topic', () => {
    const alarms = Object.entries(tf.resources.aws_cloudwatch_metric_alarm ?? {});
    expect(alarms.map(([name]) => name).sort()).toEqual(['api_5xx_rate', 'api_latency_p99', 'failed_logins', 'function_errors', 'function_throttles']);
    for (const [name, alarm] of alarms) {
      expect({ name, actions: (alarm as Block).alarm_actions }).toEqual({ name, actions: '${local.alarm_actions}' });
    }
    expect(tf.locals.alarm_actions).toEqual(['${aws_sns_topic.alarms.arn}']);
  });

  it('builds the per-function widgets from the function list, so a new function appears on its own', () => {
    expect(tf.locals.function_names).toContain('aws_lambda_function.this');
    expect(String(tf.locals.widgets)).toContain('local.function_names');
  });

  it('queries the access log on fields its format writes', () => {
    const format = String(tf.locals.access_log_format);
    for (const field of ['ip', 'httpMethod', 'resourcePath', 'status', 'requestTime']) expect(format).toContain(`${field} `);
    const query = /failed-logins-by-ip = \{[\s\S]*?EOT\n([\s\S]*?)EOT/.exec(source)?.[1] ?? '';
    for (const field of ['ip', 'httpMethod', 'resourcePath', 'status', 'requestTime']) expect(query).toContain(field);
  });
});
