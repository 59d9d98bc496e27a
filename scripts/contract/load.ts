import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { CONTRACT_PATH } from '../paths';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** The parts of an OpenAPI 3.0 document the generators read; everything else passes through untouched. */
export interface OpenApiDocument {
  openapi: string;
  /** Path items: operations under method names, and other fields besides. */
  paths: Record<string, Record<string, unknown>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes?: Record<string, Record<string, unknown>>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export type JsonSchema = Record<string, unknown>;

export interface ParameterObject {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  required?: boolean;
  schema: JsonSchema;
}

export interface OperationObject {
  operationId: string;
  security?: Array<Record<string, string[]>>;
  parameters?: ParameterObject[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, unknown>;
  [key: string]: unknown;
}

/** One operation of the contract, flattened: what every generator iterates over. */
export interface Operation {
  operationId: string;
  method: HttpMethod;
  path: string;
  /** The security schemes the operation requires; empty for public operations. */
  securitySchemes: string[];
  operation: OperationObject;
}

export function loadContract(path = CONTRACT_PATH): OpenApiDocument {
  return parse(readFileSync(path, 'utf8')) as OpenApiDocument;
}

export function listOperations(doc: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method] as OperationObject | undefined;
      if (!operation) continue;
      if (!/^[a-z][A-Za-z0-9]*$/.test(operation.operationId ?? '')) {
        // The operationId is a folder name, a Terraform key and a template variable: keep it an identifier.
        throw new Error(`${method.toUpperCase()} ${path}: operationId must be a camelCase identifier`);
      }
      const securitySchemes = (operation.security ?? (doc.security as OperationObject['security']) ?? []).flatMap(
        (requirement) => Object.keys(requirement),
      );
      operations.push({ operationId: operation.operationId, method, path, securitySchemes, operation });
    }
  }
  return operations;
}
