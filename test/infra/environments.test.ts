import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TerraformConfig } from './support/terraform';
import { INFRA_DIR, loadTerraform, parseAssignments } from './support/terraform';

const ENV_DIR = join(INFRA_DIR, 'env');
/** What an S3 backend config for one stage holds; anything else is likely a typo. */
const BACKEND_KEYS = ['bucket', 'key', 'region', 'encrypt', 'use_lockfile', 'kms_key_id', 'profile', 'assume_role'];

const stages = [...new Set(readdirSync(ENV_DIR).map((f) => f.replace(/\.(backend\.hcl|tfvars)$/, '')))].sort();

let tf: TerraformConfig;

beforeAll(async () => {
  tf = await loadTerraform();
});

describe('the stage settings in infra/env', () => {
  it('ship examples for dev and prod', () => {
    expect(stages).toEqual(expect.arrayContaining(['dev', 'prod']));
  });

  it.each(stages)('pair %s.tfvars with %s.backend.hcl', (stage) => {
    const files = readdirSync(ENV_DIR);
    expect(files).toContain(`${stage}.tfvars`);
    expect(files).toContain(`${stage}.backend.hcl`);
  });

  it.each(stages)(
    'set in %s.tfvars only declared variables, every required one, and the matching stage',
    async (stage) => {
      const values = await parseAssignments(join(ENV_DIR, `${stage}.tfvars`));
      for (const name of Object.keys(values))
        expect({ name, declared: name in tf.variables }).toEqual({ name, declared: true });
      const required = Object.entries(tf.variables)
        .filter(([, variable]) => !('default' in variable))
        .map(([name]) => name);
      expect(required.sort()).toEqual(['app_url', 'email_identity', 'mongodb_uri_parameter_name', 'region', 'stage']);
      for (const name of required) expect({ name, set: name in values }).toEqual({ name, set: true });
      expect(values.stage).toBe(stage);
      expect(String(values.mongodb_uri_parameter_name)).toContain(`/${stage}/`);
    },
  );

  it.each(stages)(
    'throttle in %s at least the routes the default throttles harder: setting operation_throttling replaces the default',
    async (stage) => {
      const values = await parseAssignments(join(ENV_DIR, `${stage}.tfvars`));
      if (!('operation_throttling' in values)) return;
      const defaults = Object.keys(tf.variables.operation_throttling!.default as Record<string, unknown>);
      expect(Object.keys(values.operation_throttling as Record<string, unknown>).sort()).toEqual(
        expect.arrayContaining(defaults.sort()),
      );
    },
  );

  it.each(stages)('keep the %s state in its own encrypted, locked object', async (stage) => {
    const backend = await parseAssignments(join(ENV_DIR, `${stage}.backend.hcl`));
    for (const key of Object.keys(backend)) expect(BACKEND_KEYS).toContain(key);
    expect(backend).toMatchObject({ encrypt: true, use_lockfile: true });
    expect(backend.key).toBe(`auth-api/${stage}/terraform.tfstate`);
    expect(typeof backend.bucket).toBe('string');
    expect(typeof backend.region).toBe('string');
  });

  it('never share a state object between stages', async () => {
    const keys = await Promise.all(
      stages.map(async (stage) => (await parseAssignments(join(ENV_DIR, `${stage}.backend.hcl`))).key),
    );
    expect(new Set(keys).size).toBe(stages.length);
  });
});
