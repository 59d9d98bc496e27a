/**
 * The local gateway, the contract and the Terraform configuration must agree on which operations
 * exist, which function serves each, and which ones the authorizer guards: a route that exists
 * locally but not in AWS (or is public in one and guarded in the other) would make local testing lie.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { listFunctionKeys } from '../../scripts/build';
import { AUTHORIZER_FUNCTION, BEARER_SCHEME, IDENTITY_VALIDATION_EXPRESSION, TEMPLATE_VARIABLES } from '../../scripts/contract/api-gateway';
import { HTTP_METHODS, listOperations, loadContract, ROOT } from '../../scripts/contract/load';
import { compileApi, identityValidationExpression } from '../../local/gateway/api';
import { DEFINITION_TEMPLATE_PATH, loadDefinition, localTemplateVariables } from '../../local/gateway/definition';

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
      ? [{ operationId: route.operationId ?? '', method: route.method, path: route.resourcePath, functionKey: route.integration.functionKey, guarded: route.authorizer !== undefined }]
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
    expect(api.authorizers[0]).toMatchObject({ name: BEARER_SCHEME, functionKey: AUTHORIZER_FUNCTION, header: 'Authorization', ttlSeconds: 300 });
    expect(api.authorizers[0]!.validationExpression?.source).toBe(identityValidationExpression(IDENTITY_VALIDATION_EXPRESSION).source);
  });

  it('need exactly the functions `make build` bundles', () => {
    expect([...gatewayView().api.functionKeys].sort()).toEqual([...listFunctionKeys()].sort());
  });

  it('answer the CORS preflight on every path of the contract, without the authorizer', () => {
    const { api } = gatewayView();
    const preflights = api.routes.filter((r) => r.method === 'OPTIONS');

    expect(preflights.map((r) => r.resourcePath).sort()).toEqual([...new Set(contractView().map((op) => op.path))].sort());
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
    const parsed = (await parse(name, readFileSync(join(INFRA, name), 'utf8'))) as { locals?: Hcl[]; resource?: Record<string, Record<string, Hcl[]>> };
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
    expect(String(variables[TEMPLATE_VARIABLES.invokeArns])).toMatch(/for key, \w+ in aws_lambda_function\.this : key => \w+\.invoke_arn/);
  });

  it('derive operations from the contract with the same methods, security scheme and authorizer key', () => {
    expect(tf.locals.http_methods).toEqual([...HTTP_METHODS]);
    expect(tf.locals.bearer_scheme).toBe(BEARER_SCHEME);
    expect(tf.locals.authorizer_function).toBe(AUTHORIZER_FUNCTION);
    expect(String(tf.locals.contract)).toContain('/../openapi.yaml');
    expect(String(tf.locals.function_keys)).toBe('${concat(keys(local.operations), [local.authorizer_function])}');
  });

  it('create one Lambda function per function key, which the invoke ARNs are built from', () => {
    const lambda = tf.resources.aws_lambda_function?.this?.[0];

    expect(lambda?.for_each).toBe('${local.functions}');
    expect(String(tf.locals.functions)).toMatch(/for key in local\.function_keys : key =>/);
  });

  it('guard the same operations: Terraform’s own rule, applied to the contract, matches the gateway', () => {
    // locals.operations in infra/main.tf: every method in http_methods, `bearer` when a requirement names bearer_scheme.
    const contract = loadContract();
    const methods = tf.locals.http_methods as string[];
    const scheme = String(tf.locals.bearer_scheme);
    const terraformOperations: OperationView[] = [];
    for (const [path, item] of Object.entries(contract.paths)) {
      for (const [method, operation] of Object.entries(item as Record<string, { operationId: string; security?: Array<Record<string, unknown>> }>)) {
        if (!methods.includes(method)) continue;
        const requirements = operation.security ?? (contract.security as Array<Record<string, unknown>> | undefined) ?? [];
        terraformOperations.push({
          operationId: operation.operationId,
          method: method.toUpperCase(),
          path,
          functionKey: operation.operationId,
          guarded: requirements.some((r) => Object.keys(r).includes(scheme)),
        });
      }
    }
    const terraformKeys = [...terraformOperations.map((op) => op.operationId), String(tf.locals.authorizer_function)];

    expect(sortViews(terraformOperations)).toEqual(gatewayView().operations);
    expect(terraformKeys.sort()).toEqual([...gatewayView().api.functionKeys].sort());
  });
});
