/**
 * Checks a live response against openapi.yaml: the status is one the operation declares, and the
 * body matches the schema of that response's media type.
 */
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { JsonSchema, OpenApiDocument } from '../../scripts/contract/load';
import { listOperations, loadContract } from '../../scripts/contract/load';

const contract: OpenApiDocument = loadContract();
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema({ $id: 'contract', $defs: rewriteRefs(contract.components.schemas) });

function rewriteRefs(schema: unknown): JsonSchema {
  return JSON.parse(JSON.stringify(schema).replaceAll('"$ref":"#/components/schemas/', '"$ref":"contract#/$defs/')) as JsonSchema;
}

interface ResponseObject {
  $ref?: string;
  content?: Record<string, { schema: JsonSchema }>;
  headers?: Record<string, unknown>;
}

function resolveResponse(response: ResponseObject): ResponseObject {
  if (!response.$ref) return response;
  const name = response.$ref.split('/').pop()!;
  return (contract.components.responses as Record<string, ResponseObject>)[name]!;
}

const compiled = new Map<string, ValidateFunction>();

export interface ContractCheck {
  ok: boolean;
  problems: string[];
}

/** Whether `status` and `body` (parsed JSON) with this content type are what the contract promises for the operation. */
export function checkResponse(operationId: string, status: number, contentType: string | null, body: unknown): ContractCheck {
  const operation = listOperations(contract).find((op) => op.operationId === operationId);
  if (!operation) return { ok: false, problems: [`no operation ${operationId}`] };
  const declared = (operation.operation.responses as Record<string, ResponseObject>)[String(status)];
  if (!declared) return { ok: false, problems: [`${operationId} does not declare status ${status}`] };
  const response = resolveResponse(declared);
  const mediaType = (contentType ?? '').split(';')[0]!.trim();
  if (response.content === undefined) {
    // Declared without content (204): there must be no body. API Gateway adds its default
    // Content-Type to a response the integration sent without one, so the header says nothing here.
    return body === undefined ? { ok: true, problems: [] } : { ok: false, problems: [`${operationId} ${status} declares no content, got a body`] };
  }
  const content = response.content?.[mediaType];
  if (!content) return { ok: false, problems: [`${operationId} ${status} is not declared as ${mediaType || 'no content type'}`] };
  const key = `${operationId} ${status} ${mediaType}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(rewriteRefs(content.schema));
    compiled.set(key, validate);
  }
  const ok = validate(body);
  return { ok, problems: ok ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`) };
}

/** Reads a response and checks it; returns the parsed body for further assertions. */
export async function expectContract(operationId: string, response: Response): Promise<unknown> {
  const text = await response.text();
  const body: unknown = text === '' ? undefined : JSON.parse(text);
  const check = checkResponse(operationId, response.status, response.headers.get('content-type'), body);
  if (!check.ok) throw new Error(`${operationId} answered ${response.status} outside the contract: ${check.problems.join('; ')}\n${JSON.stringify(body)}`);
  return body;
}
