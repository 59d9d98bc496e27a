import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Block, TerraformConfig } from './support/terraform';
import { allResources, INFRA_DIR, loadTerraform, nested, references, resource } from './support/terraform';

/** The configuration functions/shared/config.ts reads that is not secret; the secrets come by parameter name. */
const PLAIN_CONFIGURATION = [
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'ACCESS_TOKEN_TTL',
  'REFRESH_TOKEN_TTL',
  'SESSION_IDLE_TTL',
  'REFRESH_REUSE_INTERVAL',
  'BCRYPT_COST',
  'LOG_LEVEL',
  'CORS_ALLOW_ORIGIN',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
];
const PARAMETER_VARIABLES = { mongodb_uri: 'MONGODB_URI_PARAMETER' };

/** Expressions that would put a secret value (not a name) somewhere Terraform records or a function exposes. */
const SECRET_VALUE =
  /ephemeral\.|random_password|\.value_wo\b|aws_ssm_parameter\.[a-z_]+(\[[^\]]+\])?\.(value|insecure_value)\b|data\.aws_ssm_parameter|private_key|PRIVATE KEY/;

let tf: TerraformConfig;

beforeAll(async () => {
  tf = await loadTerraform();
});

describe('secrets', () => {
  it('keeps every secret value out of Lambda environments: they carry configuration and parameter names only', () => {
    const environment = nested(resource(tf, 'aws_lambda_function.this'), 'environment');
    expect(String(environment.variables).replace(/\s+/g, ' ')).toBe(
      '${merge(local.common_environment, local.configured_environment, { for secret in each.value.secrets : local.parameters[secret].environment_variable => local.parameters[secret].name }, local.token_environment[each.value.tokens], local.email_environment[each.value.email])}',
    );
    // The sender's settings: names and addresses, no secret (SES authorizes the function's role).
    const email = (tf.locals.email_environment as Record<string, Record<string, string>>).send!;
    expect(Object.keys(email).sort()).toEqual(['APP_URL', 'EMAIL_CONFIGURATION_SET', 'EMAIL_FROM', 'EMAIL_TRANSPORT']);
    for (const [name, value] of Object.entries(email)) {
      expect({ name, value: SECRET_VALUE.test(value) }).toEqual({ name, value: false });
    }
    const common = tf.locals.common_environment as Record<string, string>;
    expect(Object.keys(common).sort()).toEqual([...PLAIN_CONFIGURATION].sort());
    for (const [name, value] of Object.entries(common)) {
      expect({ name, value: SECRET_VALUE.test(value) }).toEqual({ name, value: false });
      expect(references(value).every((ref) => ref.startsWith('var.') || ref.startsWith('local.'))).toBe(true);
    }
  });

  it('hands functions the names of the SSM parameters, never their values', () => {
    const parameters = tf.locals.parameters as Record<
      string,
      { environment_variable: string; name: string; arn: string }
    >;
    expect(Object.keys(parameters).sort()).toEqual(Object.keys(PARAMETER_VARIABLES).sort());
    for (const [key, environmentVariable] of Object.entries(PARAMETER_VARIABLES)) {
      const parameter = parameters[key]!;
      expect(parameter.environment_variable).toBe(environmentVariable);
      expect(SECRET_VALUE.test(parameter.name)).toBe(false);
      expect(parameter.arn).toMatch(
        /^arn:\$\{local\.partition\}:ssm:\$\{var\.region\}:\$\{local\.account_id\}:parameter\$\{/,
      );
    }
    expect(parameters.mongodb_uri!.name).toBe('${var.mongodb_uri_parameter_name}');
  });

  it('lets a function read the MongoDB URI only when it uses the database, and no other parameter', () => {
    // What the code does comes from generated/terraform.json (checked against the bundles in
    // terraform-data.test.ts); the rendered environments and policies in infra/tests/wiring.tftest.hcl.
    const profiles = String(tf.locals.function_profiles).replace(/\s+/g, ' ');
    expect(profiles).toContain('for key, code in local.generated.functions : key => merge(');
    expect(profiles).toContain('secrets = code.uses_database ? ["mongodb_uri"] : []');
    expect(String(tf.locals.functions)).toContain('local.function_profiles[key]');
    expect(tf.locals.function_defaults).not.toHaveProperty('secrets');
    // var.function_settings may resize a function but cannot widen what it reads.
    expect(tf.variables.function_settings!.type).not.toContain('secrets');
  });

  it('never creates or reads the MongoDB URI: Terraform knows only its parameter name', () => {
    const parameters = allResources(tf).filter(([address]) => address.startsWith('aws_ssm_parameter.'));
    expect(parameters.map(([address]) => address)).toEqual([]);
    expect(tf.data.aws_ssm_parameter).toBeUndefined();
    expect(tf.variables.mongodb_uri_parameter_name).not.toHaveProperty('default');
  });

  it('records no secret value in any resource attribute, local or output', () => {
    const places: Array<[string, unknown]> = [
      ...allResources(tf),
      ...Object.entries(tf.locals).map(([name, value]) => [`local.${name}`, value] as [string, unknown]),
      ...Object.entries(tf.outputs).map(([name, block]) => [`output.${name}`, block.value] as [string, unknown]),
    ];
    for (const [place, value] of places) {
      expect({ place, secret: SECRET_VALUE.test(JSON.stringify(value)) }).toEqual({ place, secret: false });
    }
  });

  it('puts no secret in the committed stage settings', () => {
    const dir = join(INFRA_DIR, 'env');
    for (const file of readdirSync(dir)) {
      const text = readFileSync(join(dir, file), 'utf8');
      expect({ file, uri: /mongodb(\+srv)?:\/\//.test(text) }).toEqual({ file, uri: false });
      expect({ file, secret: /^\s*(jwt_secret|password|secret|private_key)\s*=|PRIVATE KEY/m.test(text) }).toEqual({
        file,
        secret: false,
      });
    }
  });

  it('describes secret-holding variables by name only', () => {
    for (const [name, variable] of Object.entries<Block>(tf.variables)) {
      if (!/secret|mongodb/.test(name)) continue;
      expect({ name, parameterName: /_parameter_name$/.test(name) }).toEqual({ name, parameterName: true });
      expect(variable.sensitive).toBeUndefined();
    }
  });
});
