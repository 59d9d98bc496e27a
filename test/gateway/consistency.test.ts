/**
 * The local gateway, the contract and the Terraform configuration must agree on which operations
 * exist, which function serves each, and which ones the authorizer guards: a route that exists
 * locally but not in AWS (or is public in one and guarded in the other) would make local testing lie.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { listFunctionKeys } from '../../scripts/build';
import {
  AUTHORIZER_FUNCTION,
  BEARER_SCHEME,
  IDENTITY_VALIDATION_EXPRESSION,
  TEMPLATE_VARIABLES,
} from '../../scripts/contract/api-gateway';
import { listOperations, loadContract } from '../../scripts/contract/load';
import type { TerraformData } from '../../scripts/contract/terraform-data';
import { DEFINITION_TEMPLATE_PATH, ROOT } from '../../scripts/paths';
import { compileApi, identityValidationExpression, loadDefinition, localTemplateVariables } from '../../local/gateway';

interface OperationView {
  operationId: string;
  method: string;
  path: string;
  functionKey: string;
  guarded: boolean;
}

const sortViews = (views: OperationView[]) => [...views].sort((a, b) => a.operationId.localeCompare(b.operationId));

function gatewayView() {
  const api = compileApi(loadDefinition(localTemplateVariables({ functionKeys: listFunctionKeys() })));
  const operations = api.routes.flatMap((route): OperationView[] =>
    route.integration.type === 'aws_proxy'
      ? [
          {
            operationId: route.operationId ?? '',
            method: route.method,
            path: route.resourcePath,
            functionKey: route.integration.functionKey,
            guarded: route.authorizer !== undefined,
          },
        ]
      : [],
  );
  return { api, operations: sortViews(operations) };
}

function contractView(): OperationView[] {
  return sortViews(
    listOperations(loadContract()).map((op) => ({
      operationId: op.operationId,
      method: op.method.toUpperCase(),
      path: op.path,
      functionKey: op.operationId,
      guarded: op.securitySchemes.includes(BEARER_SCHEME),
    })),
  );
}

describe('the local gateway and the contract', () => {
  it('serve the same operations, each by the function named after it, guarded exactly where the contract says', () => {
    expect(gatewayView().operations).toEqual(contractView());
  });

  it('guard with the authorizer function, its identity validation expression and the TTL given', () => {
    const { api } = gatewayView();

    expect(api.authorizers).toHaveLength(1);
    expect(api.authorizers[0]).toMatchObject({
      name: BEARER_SCHEME,
      functionKey: AUTHORIZER_FUNCTION,
      header: 'Authorization',
      ttlSeconds: 300,
    });
    expect(api.authorizers[0]!.validationExpression?.source).toBe(
      identityValidationExpression(IDENTITY_VALIDATION_EXPRESSION).source,
    );
  });

  it('need exactly the functions `make build` bundles', () => {
    expect([...gatewayView().api.functionKeys].sort()).toEqual([...listFunctionKeys()].sort());
  });

  it('answer the CORS preflight on every path of the contract, without the authorizer', () => {
    const { api } = gatewayView();
    const preflights = api.routes.filter((r) => r.method === 'OPTIONS');

    expect(preflights.map((r) => r.resourcePath).sort()).toEqual(
      [...new Set(contractView().map((op) => op.path))].sort(),
    );
    expect(preflights.every((r) => r.integration.type === 'mock' && r.authorizer === undefined)).toBe(true);
  });
});

const INFRA = join(ROOT, 'infra');
const tfFiles = existsSync(INFRA) ? readdirSync(INFRA).filter((name) => name.endsWith('.tf')) : [];

type Hcl = Record<string, unknown>;

async function terraformLocals(): Promise<{ locals: Hcl; resources: Record<string, Record<string, Hcl[]>> }> {
  const locals: Hcl = {};
  const resources: Record<string, Record<string, Hcl[]>> = {};
  for (const name of tfFiles) {
    const parsed = (await parse(name, readFileSync(join(INFRA, name), 'utf8'))) as {
      locals?: Hcl[];
      resource?: Record<string, Record<string, Hcl[]>>;
    };
    for (const block of parsed.locals ?? []) Object.assign(locals, block);
    for (const [type, byName] of Object.entries(parsed.resource ?? {})) Object.assign((resources[type] ??= {}), byName);
  }
  return { locals, resources };
}

// Skipped only while infra/ has no Terraform files: there is nothing to compare against yet.
(tfFiles.length > 0 ? describe : describe.skip)('the local gateway and the Terraform configuration', () => {
  let tf: Awaited<ReturnType<typeof terraformLocals>>;
  beforeAll(async () => {
    tf = await terraformLocals();
  });

  it('render the same template file with the same variable names', () => {
    const template = String(tf.locals.api_template).replace('${path.module}', INFRA);
    const variables = tf.locals.api_template_variables as Hcl;

    expect(resolve(template)).toBe(DEFINITION_TEMPLATE_PATH);
    expect(Object.keys(variables).sort()).toEqual(Object.values(TEMPLATE_VARIABLES).sort());
    // Every function's invoke ARN, built from the name aws_lambda_function.this gives it (infra/api.tf says why).
    expect(variables[TEMPLATE_VARIABLES.invokeArns]).toBe('${local.function_invoke_arns}');
    expect(String(tf.locals.function_invoke_arns)).toMatch(
      /for key in local\.function_keys : key => "arn:.*:lambda:path\/2015-03-31\/functions\/arn:.*:function:\$\{local\.name\}-\$\{key\}\/invocations"/,
    );
  });

  it('read the operations, the authorizer key and the function keys from the generated data', () => {
    expect(String(tf.locals.generated)).toContain('/../generated/terraform.json');
    expect(tf.locals.operations).toBe('${local.generated.operations}');
    expect(tf.locals.authorizer_function).toBe('${local.generated.authorizer_function}');
    expect(String(tf.locals.function_keys)).toBe('${keys(local.generated.functions)}');
  });

  it('create one Lambda function per function key, which the invoke ARNs are built from', () => {
    const lambda = tf.resources.aws_lambda_function?.this?.[0];

    expect(lambda?.for_each).toBe('${local.functions}');
    expect(String(tf.locals.functions)).toMatch(/for key in local\.function_keys : key =>/);
  });

  it('guard the same operations: what Terraform reads matches the gateway', () => {
    const generated = JSON.parse(readFileSync(join(ROOT, 'generated', 'terraform.json'), 'utf8')) as TerraformData;
    const terraformOperations = Object.entries(generated.operations).map(([operationId, op]): OperationView => ({
      operationId,
      method: op.method,
      path: op.path,
      functionKey: op.function,
      guarded: op.authorizer,
    }));

    expect(sortViews(terraformOperations)).toEqual(gatewayView().operations);
    expect(Object.keys(generated.functions).sort()).toEqual([...gatewayView().api.functionKeys].sort());
    expect(generated.authorizer_function).toBe(AUTHORIZER_FUNCTION);
  });
});
