import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionFacts } from '../../scripts/contract/terraform-data';
import { ROOT } from '../../scripts/paths';
import type { Block, TerraformConfig } from './support/terraform';
import { allResources, dataSource, INFRA_DIR, loadTerraform, nested, references, resource } from './support/terraform';

/**
 * The token signing keys in infra/keys.tf, read offline: KMS holds every private key, only the
 * functions that issue tokens may sign and only with the current generation, and every function
 * that verifies or publishes tokens gets the live public keys in its configuration.
 */

type TokenUse = 'none' | 'verify' | 'sign';

let tf: TerraformConfig;

beforeAll(async () => {
  tf = await loadTerraform();
});

/**
 * What each function does with tokens, as local.function_profiles derives it from
 * generated/terraform.json (whose facts terraform-data.test.ts checks against the bundles).
 */
function tokenUse(): Record<string, TokenUse> {
  const data = JSON.parse(readFileSync(join(ROOT, 'generated', 'terraform.json'), 'utf8')) as {
    functions: Record<string, FunctionFacts>;
  };
  return Object.fromEntries(
    Object.entries(data.functions).map(([key, code]) => [
      key,
      code.signs_tokens ? 'sign' : code.reads_token_keys ? 'verify' : 'none',
    ]),
  );
}

function statements(document: Block): Block[] {
  const direct = (document.statement ?? []) as Block[];
  const dynamic = ((document.dynamic as Record<string, Block[]> | undefined)?.statement ?? []).flatMap(
    (block) => (block.content ?? []) as Block[],
  );
  return [...direct, ...dynamic];
}

describe('token signing keys', () => {
  it('makes one asymmetric P-256 signing key in KMS per listed generation', () => {
    const key = resource(tf, 'aws_kms_key.signing');

    expect(key.for_each).toBe('${toset(var.signing_key_generations)}');
    expect(key.customer_master_key_spec).toBe('ECC_NIST_P256');
    expect(key.key_usage).toBe('SIGN_VERIFY');
    expect(key.deletion_window_in_days).toBe(30);
    expect(tf.variables.signing_key_generations).toMatchObject({ type: '${list(string)}', default: ['1'] });
  });

  it('signs with the generation signing_key_current names, which must be a published one', () => {
    expect(tf.locals.current_signing_key_generation).toBe(
      '${var.signing_key_current != null ? var.signing_key_current : one(var.signing_key_generations)}',
    );
    expect(tf.locals.current_signing_key_arn).toBe('${aws_kms_key.signing[local.current_signing_key_generation].arn}');
    const current = tf.variables.signing_key_current!;
    expect(current).toMatchObject({ type: '${string}', default: null });
    const conditions = (current.validation as Block[]).map((rule) => String(rule.condition));
    expect(conditions).toEqual([
      '${var.signing_key_current == null ? length(var.signing_key_generations) == 1 : true}',
      '${var.signing_key_current == null ? true : contains(var.signing_key_generations, var.signing_key_current)}',
    ]);
  });

  it('grants kms:Sign on a new signing key before the issuers switch to it, and revokes the old grant only after', () => {
    // A policy named after its generation is replaced when the signing key changes; with
    // create_before_destroy the new grant is created, then the functions (which depend on it)
    // are updated, then the old grant is deleted.
    const policy = resource(tf, 'aws_iam_role_policy.sign_tokens');
    expect(policy.name).toBe('sign-tokens-${local.current_signing_key_generation}');
    expect(nested(policy, 'lifecycle')).toMatchObject({ create_before_destroy: true });
    expect(resource(tf, 'aws_lambda_function.this').depends_on).toContain('${aws_iam_role_policy.sign_tokens}');
  });

  it('derives what a function does with tokens from its code: it signs when it bundles the token issuer, verifies when it reads the public keys', () => {
    const profiles = String(tf.locals.function_profiles).replace(/\s+/g, ' ');
    expect(profiles).toContain('tokens = code.signs_tokens ? "sign" : code.reads_token_keys ? "verify" : "none"');
    expect(tf.locals.function_defaults).not.toHaveProperty('tokens');
    expect(tf.variables.function_settings!.type).not.toContain('tokens');
    const uses = tokenUse();
    expect(uses.authorizer).toBe('verify');
    expect(uses.getJwks).toBe('verify');
    expect(uses.getOpenIdConfiguration).toBe('verify');
    expect(uses.me).toBe('none');
  });

  it('lets only the functions that issue tokens call kms:Sign, and only on the current key', () => {
    const uses = tokenUse();
    expect(
      Object.entries(uses)
        .filter(([, use]) => use === 'sign')
        .map(([key]) => key)
        .sort(),
    ).toEqual(['login', 'refreshToken', 'register']);

    const policy = resource(tf, 'aws_iam_role_policy.sign_tokens');
    expect(policy.for_each).toBe('${local.token_issuers}');
    expect(String(tf.locals.token_issuers).replace(/\s+/g, ' ')).toBe(
      '${{ for key, function in local.functions : key => function if function.tokens == "sign" }}',
    );
    expect(policy.policy).toBe('${data.aws_iam_policy_document.sign_tokens.json}');
    const [statement, ...others] = statements(dataSource(tf, 'aws_iam_policy_document.sign_tokens'));
    expect(others).toEqual([]);
    expect(statement).toMatchObject({ actions: ['kms:Sign'], resources: ['${local.current_signing_key_arn}'] });
    expect(statement!.condition).toEqual([
      { test: 'StringEquals', variable: 'kms:SigningAlgorithm', values: ['ECDSA_SHA_256'] },
      { test: 'StringEquals', variable: 'kms:MessageType', values: ['DIGEST'] },
    ]);
  });

  it('gives no KMS permission to the authorizer, or to any function beyond kms:Sign for issuers and kms:Decrypt of its own parameters', () => {
    expect(tokenUse().authorizer).toBe('verify');
    const kmsActions = Object.entries(tf.data.aws_iam_policy_document ?? {}).flatMap(([name, document]) =>
      statements(document).flatMap((s) =>
        (s.actions as string[]).filter((a) => a.startsWith('kms:')).map((action) => `${name}: ${action}`),
      ),
    );
    expect(kmsActions.sort()).toEqual(['function: kms:Decrypt', 'sign_tokens: kms:Sign']);
    // kms:Decrypt is there only for functions that read a parameter: the authorizer reads none.
    const decrypt = (
      (dataSource(tf, 'aws_iam_policy_document.function').dynamic as Record<string, Block[]>).statement ?? []
    ).find((block) => ((block.content as Block[])[0]!.actions as string[]).includes('kms:Decrypt'))!;
    expect(decrypt.for_each).toContain('length(each.value.secrets) == 0 ? []');
  });

  it('hands the public key of every live generation to each function that verifies or publishes tokens', () => {
    const publicKeys = dataSource(tf, 'aws_kms_public_key.signing');
    expect(publicKeys).toMatchObject({ for_each: '${aws_kms_key.signing}', key_id: '${each.value.arn}' });
    expect(String(tf.locals.signing_public_keys).replace(/\s+/g, ' ')).toBe(
      '${{ for generation in var.signing_key_generations : generation => data.aws_kms_public_key.signing[generation].public_key }}',
    );
    const environment = tf.locals.token_environment as Record<TokenUse, Record<string, string>>;
    expect(environment.none).toEqual({});
    expect(environment.verify).toEqual({ JWT_PUBLIC_KEYS: '${jsonencode(local.signing_public_keys)}' });
    expect(environment.sign).toEqual({
      JWT_PUBLIC_KEYS: '${jsonencode(local.signing_public_keys)}',
      JWT_SIGNING_KEY_ID: '${local.current_signing_key_generation}',
      JWT_SIGNING_KMS_KEY: '${local.current_signing_key_arn}',
    });
    // The names functions/shared/config.ts reads.
    const config = readFileSync(join(ROOT, 'functions', 'shared', 'config.ts'), 'utf8');
    for (const name of Object.keys(environment.sign)) expect(config).toContain(`'${name}'`);
    expect(String(nested(resource(tf, 'aws_lambda_function.this'), 'environment').variables)).toContain(
      'local.token_environment[each.value.tokens]',
    );
  });

  it('has no private key material anywhere: no generated or imported key, no private key variable, nothing read from a private attribute', () => {
    const types = allResources(tf).map(([address]) => address.split('.')[0]!);
    for (const type of [
      'tls_private_key',
      'aws_kms_external_key',
      'aws_kms_replica_external_key',
      'random_password',
      'aws_ssm_parameter',
    ])
      expect(types).not.toContain(type);
    expect(tf.ephemeral).toEqual({});
    const everything = JSON.stringify([tf.resources, tf.data, tf.locals, tf.outputs, tf.variables]);
    expect(everything).not.toMatch(/private_key|key_material|PRIVATE KEY|JWT_SIGNING_PRIVATE_KEY/);
    for (const file of readdirSync(join(INFRA_DIR, 'env')))
      expect(readFileSync(join(INFRA_DIR, 'env', file), 'utf8')).not.toMatch(/PRIVATE KEY|private_key/);
    // Only the public half is read from KMS.
    expect(references(tf.locals.signing_public_keys)).toEqual([
      'var.signing_key_generations',
      'data.aws_kms_public_key.signing',
    ]);
  });

  it('makes the issuer the API base URL: the custom domain when set, else the stage invoke URL', () => {
    expect(tf.locals.jwt_issuer).toBe(
      '${coalesce(var.public_base_url, "https://${aws_api_gateway_rest_api.this.id}.execute-api.${var.region}.${data.aws_partition.current.dns_suffix}/${var.stage}")}',
    );
    expect((tf.locals.common_environment as Record<string, string>).JWT_ISSUER).toBe('${local.jwt_issuer}');
    expect(tf.outputs.jwks_url!.value).toBe('${local.jwt_issuer}/.well-known/jwks.json');
  });
});
