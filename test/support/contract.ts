/**
 * Checks a response against what openapi.yaml declares for its operation and status: the status
 * must be declared, the Content-Type must be the declared media type, the body must match the
 * declared schema, and the declared headers must be present and valid.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { APIGatewayProxyResult } from 'aws-lambda';

type Json = Record<string, unknown>;

const SPEC_ID = 'openapi.json';
const spec = JSON.parse(readFileSync(join(__dirname, '..', '..', 'generated', 'openapi.json'), 'utf8')) as Json;

// OpenAPI 3.0 schemas: `nullable` is Ajv's own keyword; `example` and the like are annotations.
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addFormat('password', true);
ajv.addSchema({ ...spec, $id: SPEC_ID });

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function operation(operationId: string): Json {
  for (const item of Object.values(spec.paths as Record<string, Json>)) {
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (op?.operationId === operationId) return op;
    }
  }
  throw new Error(`openapi.yaml has no operation ${operationId}`);
}

/** Follows a local `$ref` (`#/components/...`) to what it names. */
function deref(value: Json): Json {
  const ref = value.$ref;
  if (typeof ref !== 'string') return value;
  return ref
    .slice(2)
    .split('/')
    .reduce<Json>((node, key) => node[key] as Json, spec);
}

function refOf(value: Json): string {
  const ref = value.$ref;
  if (typeof ref === 'string') return `${SPEC_ID}${ref}`;
  throw new Error('inline schemas are not used by the contract');
}

/** Headers API Gateway adds to every response: a function's own response cannot carry them. */
const ADDED_BY_API_GATEWAY = new Set(['x-amzn-requestid']);

export interface ContractOptions {
  /** Declared headers a test knowingly does without (the CORS origin when CORS_ALLOW_ORIGIN is broken). */
  absentHeaders?: string[];
}

/** Every violation, empty when the response follows the contract. */
export function contractViolations(operationId: string, response: APIGatewayProxyResult, options: ContractOptions = {}): string[] {
  const responses = operation(operationId).responses as Record<string, Json>;
  const declared = responses[String(response.statusCode)];
  if (declared === undefined) return [`status ${response.statusCode} is not declared for ${operationId} (declared: ${Object.keys(responses).join(', ')})`];
  const spec = deref(declared);
  const violations: string[] = [];
  const headers = new Map(Object.entries(response.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]));

  const content = spec.content as Record<string, { schema: Json }> | undefined;
  const [mediaType, media] = Object.entries(content ?? {})[0] ?? [];
  if (mediaType === undefined || media === undefined) {
    // A response declared without content (204) has neither a body nor a Content-Type.
    if (response.body !== '' && response.body !== undefined) violations.push(`a body is sent, none declared: ${response.body}`);
    if (headers.has('content-type')) violations.push(`Content-Type ${headers.get('content-type')} is sent, no content declared`);
  } else {
    if (headers.get('content-type') !== mediaType) violations.push(`Content-Type is ${headers.get('content-type')}, declared ${mediaType}`);
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      return [...violations, 'body is not JSON'];
    }
    const validate = ajv.getSchema(refOf(media.schema)) ?? ajv.compile({ $ref: refOf(media.schema) });
    if (!validate(body)) violations.push(...(validate.errors ?? []).map((e) => `body${e.instancePath} ${e.message ?? 'is invalid'}`));
  }

  for (const [name, header] of Object.entries((spec.headers ?? {}) as Record<string, Json>)) {
    if (ADDED_BY_API_GATEWAY.has(name.toLowerCase())) continue;
    const value = headers.get(name.toLowerCase());
    if (value === undefined) {
      if (!options.absentHeaders?.includes(name)) violations.push(`header ${name} is missing`);
      continue;
    }
    const schema = deref(header).schema as Json;
    const typed = schema.type === 'integer' ? Number(value) : value;
    const validateHeader = ajv.compile(schema);
    if (!validateHeader(typed)) violations.push(`header ${name}: ${JSON.stringify(value)} ${validateHeader.errors?.[0]?.message ?? 'is invalid'}`);
  }
  return violations;
}

/** Fails the test when the response breaks the contract. */
export function expectContract(operationId: string, response: APIGatewayProxyResult, options?: ContractOptions): void {
  const violations = contractViolations(operationId, response, options);
  if (violations.length > 0) throw new Error(`${operationId} answered ${response.statusCode} outside the contract:\n  ${violations.join('\n  ')}\n${response.body}`);
}

/**
 * A validator for one of the contract's named schemas, compiled here from the consumer spec: the
 * judgement a validating proxy or a generated client makes, independent of the functions' code.
 */
export function contractSchema(name: string): (value: unknown) => boolean {
  const validate = ajv.getSchema(`${SPEC_ID}#/components/schemas/${name}`);
  if (validate === undefined) throw new Error(`openapi.yaml has no schema ${name}`);
  return (value) => validate(value) === true;
}

/** The consumer spec the contract checks read (generated/openapi.json), for tests that walk it. */
export function publishedSpec(): Json {
  return spec;
}

/** Whether a value matches the schema at a JSON Pointer of the spec (`#/components/schemas/User`); the errors when not. */
export function schemaErrorsAt(pointer: string, value: unknown): string[] {
  const validate = ajv.getSchema(`${SPEC_ID}${pointer}`) ?? ajv.compile({ $ref: `${SPEC_ID}${pointer}` });
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}
