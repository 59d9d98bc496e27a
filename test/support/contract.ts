/**
 * Checks a response against what openapi.yaml declares for its operation and status: the status
 * must be declared; a response declared without content (204) has neither a body nor a
 * Content-Type; otherwise the Content-Type must be a declared media type and the body must match
 * its schema; and the declared headers must be present and valid.
 *
 * One checker, two adapters: `expectContract` for a function's API Gateway proxy result (handler
 * tests), `expectHttpContract` for a fetch Response from the local gateway (end-to-end tests).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { APIGatewayProxyResult } from 'aws-lambda';

type Json = Record<string, unknown>;

const SPEC_ID = 'openapi.json';
/** The consumer spec, generated from openapi.yaml (make test fails when it is stale). */
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
  /**
   * Declared headers a test knowingly does without: the CORS origin when CORS_ALLOW_ORIGIN is
   * broken, X-Request-Id on what API Gateway answers by itself.
   */
  absentHeaders?: string[];
}

/** A response as the checks see it, whichever adapter read it. */
interface Observed {
  status: number;
  /** By lower-cased name. */
  headers: Map<string, string>;
  /** '' when there is none. */
  body: string;
  /** Lower-cased names of declared headers that are added only after this point (by API Gateway). */
  addedLater: ReadonlySet<string>;
  /** API Gateway gives a response without a Content-Type its default one, so over HTTP the header says nothing about a 204. */
  defaultContentType: boolean;
}

function violations(operationId: string, response: Observed, options: ContractOptions): string[] {
  const responses = operation(operationId).responses as Record<string, Json>;
  const declared = responses[String(response.status)];
  if (declared === undefined)
    return [
      `status ${response.status} is not declared for ${operationId} (declared: ${Object.keys(responses).join(', ')})`,
    ];
  const spec = deref(declared);
  const found: string[] = [];
  const { headers, body } = response;

  const content = spec.content as Record<string, { schema: Json }> | undefined;
  if (content === undefined || Object.keys(content).length === 0) {
    // A response declared without content (204) has neither a body nor a Content-Type.
    if (body !== '') found.push(`a body is sent, none declared: ${body}`);
    if (headers.has('content-type') && !response.defaultContentType)
      found.push(`Content-Type ${headers.get('content-type')} is sent, no content declared`);
  } else {
    const contentType = headers.get('content-type');
    const sent = contentType === undefined ? undefined : content[contentType];
    if (sent === undefined) found.push(`Content-Type is ${contentType}, declared ${Object.keys(content).join(' or ')}`);
    // With the wrong Content-Type, the body is still checked against what was declared, so one run shows every fault.
    const media = sent ?? Object.values(content)[0]!;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return [...found, 'body is not JSON'];
    }
    const validate = ajv.getSchema(refOf(media.schema)) ?? ajv.compile({ $ref: refOf(media.schema) });
    if (!validate(parsed))
      found.push(...(validate.errors ?? []).map((e) => `body${e.instancePath} ${e.message ?? 'is invalid'}`));
  }

  for (const [name, header] of Object.entries((spec.headers ?? {}) as Record<string, Json>)) {
    if (response.addedLater.has(name.toLowerCase())) continue;
    const value = headers.get(name.toLowerCase());
    if (value === undefined) {
      if (!options.absentHeaders?.includes(name)) found.push(`header ${name} is missing`);
      continue;
    }
    const schema = deref(header).schema as Json;
    const typed = schema.type === 'integer' ? Number(value) : value;
    const validateHeader = ajv.compile(schema);
    if (!validateHeader(typed))
      found.push(`header ${name}: ${JSON.stringify(value)} ${validateHeader.errors?.[0]?.message ?? 'is invalid'}`);
  }
  return found;
}

function fail(operationId: string, status: number, found: string[], body: string): never {
  throw new Error(`${operationId} answered ${status} outside the contract:\n  ${found.join('\n  ')}\n${body}`);
}

/** A function's proxy result, before API Gateway adds its own headers. */
function fromProxyResult(response: APIGatewayProxyResult): Observed {
  return {
    status: response.statusCode,
    headers: new Map(
      Object.entries(response.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
    ),
    body: response.body ?? '',
    addedLater: ADDED_BY_API_GATEWAY,
    defaultContentType: false,
  };
}

/** Every violation of a function's proxy result, empty when it follows the contract. */
export function contractViolations(
  operationId: string,
  response: APIGatewayProxyResult,
  options: ContractOptions = {},
): string[] {
  return violations(operationId, fromProxyResult(response), options);
}

/** Fails the test when a function's proxy result breaks the contract. */
export function expectContract(
  operationId: string,
  response: APIGatewayProxyResult,
  options: ContractOptions = {},
): void {
  const found = contractViolations(operationId, response, options);
  if (found.length > 0) fail(operationId, response.statusCode, found, response.body);
}

/**
 * Reads a response that came over HTTP, as a client gets it (API Gateway's own headers included),
 * and fails the test when it breaks the contract; returns the parsed body (undefined when there is
 * none) for further assertions.
 */
export async function expectHttpContract(
  operationId: string,
  response: Response,
  options: ContractOptions = {},
): Promise<unknown> {
  const body = await response.text();
  const headers = new Map<string, string>();
  // fetch's Headers give lower-cased names.
  response.headers.forEach((value, name) => headers.set(name, value));
  const found = violations(
    operationId,
    { status: response.status, headers, body, addedLater: new Set(), defaultContentType: true },
    options,
  );
  if (found.length > 0) fail(operationId, response.status, found, body);
  return body === '' ? undefined : JSON.parse(body);
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
  return validate(value)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}
