import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Block, TerraformConfig } from './support/terraform';
import { INFRA_DIR, loadTerraform, nested, parseAssignments, resource } from './support/terraform';

/**
 * The optional AWS WAF web ACL (waf.tf), read offline: off by default and on for prod, a per-IP
 * rate rule scoped to the public POST routes of the contract, AWS's IP reputation list, and the
 * association with the stage. infra/tests/wiring.tftest.hcl renders it with Terraform.
 */
let tf: TerraformConfig;

beforeAll(async () => {
  tf = await loadTerraform();
});

const acl = () => resource(tf, 'aws_wafv2_web_acl.this');
const rules = () => (acl().rule ?? []) as Block[];
const rule = (name: string) => rules().find((candidate) => candidate.name === name)!;

describe('the WAF web ACL', () => {
  it('lives in waf.tf and exists only with waf_enabled, which is off by default', () => {
    expect(readFileSync(join(INFRA_DIR, 'waf.tf'), 'utf8')).toContain('resource "aws_wafv2_web_acl" "this"');
    expect(tf.variables.waf_enabled).toMatchObject({ type: '${bool}', default: false });
    expect(acl().count).toBe('${var.waf_enabled ? 1 : 0}');
    expect(resource(tf, 'aws_wafv2_web_acl_association.this').count).toBe('${var.waf_enabled ? 1 : 0}');
  });

  it('is on for prod', async () => {
    const prod = await parseAssignments(join(INFRA_DIR, 'env', 'prod.tfvars'));
    expect(prod.waf_enabled).toBe(true);
  });

  it('is regional and associated with the stage, letting through what no rule blocks', () => {
    expect(acl().scope).toBe('REGIONAL');
    expect(nested(acl(), 'default_action')).toHaveProperty('allow');
    const association = resource(tf, 'aws_wafv2_web_acl_association.this');
    expect(association.resource_arn).toBe('${aws_api_gateway_stage.this.arn}');
    expect(association.web_acl_arn).toBe('${aws_wafv2_web_acl.this[0].arn}');
  });

  it('blocks an IP over waf_rate_limit requests to the public POST routes in 5 minutes with a 429 problem and Retry-After', () => {
    const rate = rule('rate-limit-public-posts');
    const statement = nested(nested(rate, 'statement'), 'rate_based_statement');
    expect(statement).toMatchObject({
      limit: '${var.waf_rate_limit}',
      aggregate_key_type: 'IP',
      evaluation_window_sec: 300,
    });
    const text = readFileSync(join(INFRA_DIR, 'waf.tf'), 'utf8');
    expect(text).toMatch(/search_string\s+=\s+"POST"/);
    expect(text).toMatch(/for_each = local\.waf_public_post_paths/);
    expect(tf.locals.waf_public_post_paths).toContain('operation.method == "POST" && !operation.authorizer');
    const response = nested(nested(nested(rate, 'action'), 'block'), 'custom_response');
    expect(response).toMatchObject({ response_code: 429, custom_response_body_key: 'rate-limited' });
    expect(nested(response, 'response_header')).toEqual({ name: 'Retry-After', value: '300' });
    expect(nested(acl(), 'custom_response_body')).toMatchObject({
      key: 'rate-limited',
      content_type: 'APPLICATION_JSON',
    });
  });

  it('answers the block with the contract’s throttled problem', () => {
    expect(tf.locals.waf_throttled_problem).toEqual({
      type: 'urn:auth-api:problem:throttled',
      title: 'Too many requests',
      status: 429,
      detail: 'Too many requests; try again later',
    });
  });

  it('runs AWS’s managed IP reputation list after the rate rule', () => {
    const reputation = rule('aws-ip-reputation-list');
    expect(nested(nested(reputation, 'statement'), 'managed_rule_group_statement')).toEqual({
      vendor_name: 'AWS',
      name: 'AWSManagedRulesAmazonIpReputationList',
    });
    expect(nested(reputation, 'override_action')).toHaveProperty('none');
    expect(rules().map((candidate) => [candidate.name, candidate.priority])).toEqual([
      ['rate-limit-public-posts', 0],
      ['aws-ip-reputation-list', 1],
    ]);
  });

  it('publishes metrics and sampled requests for every rule and the ACL', () => {
    for (const block of [acl(), ...rules()])
      expect(nested(block, 'visibility_config')).toMatchObject({
        cloudwatch_metrics_enabled: true,
        sampled_requests_enabled: true,
      });
  });

  it('validates the rate limit against WAF’s bounds', () => {
    const variable = tf.variables.waf_rate_limit!;
    expect(variable).toMatchObject({ type: '${number}', default: 300 });
    expect(((variable.validation ?? []) as Block[]).length).toBeGreaterThan(0);
  });
});
