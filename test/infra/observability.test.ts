import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Block, TerraformConfig } from './support/terraform';
import { INFRA_DIR, loadTerraform, resource } from './support/terraform';

/**
 * The dashboard, alarms and saved queries read the functions' metrics and logs. Which metrics,
 * dimensions and values exist is generated data (generated/terraform.json, checked against the code
 * in terraform-data.test.ts); what these tests hold is the wiring: where infra/ reads them from.
 * The rendered dashboard and alarms are checked against that data in infra/tests/wiring.tftest.hcl.
 */
let tf: TerraformConfig;
const read = (file: string) => readFileSync(join(INFRA_DIR, file), 'utf8');

beforeAll(async () => {
  tf = await loadTerraform();
});

describe('the dashboard, alarms and queries', () => {
  it('live in one file each', () => {
    expect(tf.files).toEqual(expect.arrayContaining(['dashboard.tf', 'alarms.tf', 'queries.tf']));
    expect(tf.files).not.toContain('observability.tf');
    expect(Object.keys(tf.resources.aws_cloudwatch_dashboard ?? {})).toEqual(['this']);
    expect(read('dashboard.tf')).toContain('resource "aws_cloudwatch_dashboard" "this"');
    expect(read('queries.tf')).toContain('resource "aws_cloudwatch_query_definition" "this"');
    for (const name of Object.keys(tf.resources.aws_cloudwatch_metric_alarm ?? {})) {
      expect(read('alarms.tf')).toContain(`resource "aws_cloudwatch_metric_alarm" "${name}"`);
    }
  });

  it('read the metric catalogue, the namespace and the service the functions are configured with', () => {
    const environment = tf.locals.common_environment as Record<string, string>;
    expect(tf.locals.app_metrics).toBe('${local.generated.metrics.catalogue}');
    expect(tf.locals.service_dimensions).toEqual({
      '${(local.generated.metrics.service_dimension)}': '${local.service_name}',
    });
    expect(tf.locals.metrics_namespace).toBe('${local.common_environment.POWERTOOLS_METRICS_NAMESPACE}');
    expect(tf.locals.service_name).toBe('${local.common_environment.POWERTOOLS_SERVICE_NAME}');
    expect(environment.POWERTOOLS_METRICS_NAMESPACE).toBe('${var.metrics_namespace}');
    expect(environment.POWERTOOLS_SERVICE_NAME).toBe('${local.name}');
    expect(tf.outputs.metrics_namespace!.value).toBe('${var.metrics_namespace}');
    expect(tf.outputs.service_name!.value).toBe('${local.name}');
  });

  it('name metrics of ours only through the catalogue, in the namespace and with the service dimension', () => {
    const alarms = Object.entries<Block>(tf.resources.aws_cloudwatch_metric_alarm ?? {});
    const ours = alarms.filter(([, alarm]) => alarm.namespace === '${local.metrics_namespace}');
    expect(ours.map(([name]) => name).sort()).toEqual(['failed_logins', 'refresh_token_reuse', 'throttled_attempts']);
    for (const [name, alarm] of ours) {
      expect({ name, metric: alarm.metric_name }).toEqual({
        name,
        metric: expect.stringMatching(/^\$\{local\.app_metrics\.[A-Za-z]+\.name\}$/),
      });
      expect({ name, dimensions: alarm.dimensions }).toEqual({ name, dimensions: '${local.service_dimensions}' });
    }
    const queries = [...read('alarms.tf').matchAll(/metric_name\s*=\s*(\S+)/g)].map((match) => match[1]!);
    const ourQueries = queries.filter((value) => !value.startsWith('"'));
    expect(ourQueries.length).toBeGreaterThan(2);
    for (const value of ourQueries) expect(value).toMatch(/^local\.app_metrics\.[A-Za-z]+\.name$/);
  });

  it('gives every function an errors alarm and a throttles alarm', () => {
    for (const address of [
      'aws_cloudwatch_metric_alarm.function_errors',
      'aws_cloudwatch_metric_alarm.function_throttles',
    ]) {
      expect(resource(tf, address).for_each).toBe('${local.functions}');
    }
    expect(resource(tf, 'aws_lambda_function.this').for_each).toBe('${local.functions}');
  });

  it('sends every alarm to the alarm topic', () => {
    const alarms = Object.entries(tf.resources.aws_cloudwatch_metric_alarm ?? {});
    expect(alarms.map(([name]) => name).sort()).toEqual([
      'api_5xx_rate',
      'api_latency_p99',
      'email_send_failed',
      'failed_logins',
      'function_errors',
      'function_throttles',
      'job_failures',
      'refresh_token_reuse',
      'throttled_attempts',
    ]);
    for (const [name, alarm] of alarms) {
      expect({ name, actions: alarm.alarm_actions }).toEqual({ name, actions: '${local.alarm_actions}' });
    }
    expect(tf.locals.alarm_actions).toEqual(['${aws_sns_topic.alarms.arn}']);
  });

  it('alarms on any refresh token reuse by default, with a threshold an operator can raise', () => {
    const alarm = resource(tf, 'aws_cloudwatch_metric_alarm.refresh_token_reuse');
    expect(alarm.metric_name).toBe('${local.app_metrics.RefreshTokenReuse.name}');
    expect(alarm.threshold).toBe('${var.alarm_refresh_token_reuse_threshold}');
    expect(alarm.comparison_operator).toBe('GreaterThanOrEqualToThreshold');
    expect(alarm.period).toBe('${local.alarm_period}');
    expect(alarm.statistic).toBe('Sum');
    const variable = tf.variables.alarm_refresh_token_reuse_threshold!;
    expect(variable.type).toBe('${number}');
    expect(variable.default).toBe(1);
  });

  it('builds the per-function widgets from the function list, so a new function appears on its own', () => {
    expect(tf.locals.function_names).toContain('aws_lambda_function.this');
    expect(String(tf.locals.widgets)).toContain('local.function_names');
  });

  it('queries the access log on fields its format writes, and the refresh log on the field its reuse warning writes', () => {
    const format = String(tf.locals.access_log_format);
    const source = read('queries.tf');
    for (const field of ['ip', 'httpMethod', 'resourcePath', 'status', 'requestTime'])
      expect(format).toContain(`${field} `);
    const query = (name: string) => new RegExp(`${name} = \\{[\\s\\S]*?EOT\\n([\\s\\S]*?)EOT`).exec(source)?.[1] ?? '';
    for (const field of ['ip', 'httpMethod', 'resourcePath', 'status', 'requestTime'])
      expect(query('failed-logins-by-ip')).toContain(field);
    const refresh = readFileSync(join(INFRA_DIR, '..', 'functions', 'refreshToken', 'refresh.ts'), 'utf8');
    expect(refresh).toMatch(/logger\.warn\([^)]*\{ session_id:/);
    expect(query('refresh-token-reuse')).toContain('ispresent(session_id)');
  });
});
