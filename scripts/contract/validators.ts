import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import standaloneCode from 'ajv/dist/standalone';
import type { JsonSchema, OpenApiDocument, Operation } from './load';

/** A validator module to write under generated/validators/. */
export interface ValidatorSource {
  /** File name without extension, e.g. `register-body`. */
  name: string;
  js: string;
  dts: string;
}

const CONTRACT_ID = 'contract';

/**
 * Ajv's message for a failed `pattern` quotes the regular expression, which tells a person
 * nothing; a named schema may say in words what its pattern asks for.
 */
const PATTERN_MESSAGE = 'x-pattern-message';

/**
 * Builds one Ajv instance per kind of input. Bodies are never coerced (a number where
 * a string belongs is an error); query strings are, because every query value is a string.
 */
function newAjv(doc: OpenApiDocument, coerceTypes: boolean): Ajv {
  const ajv = new Ajv({
    code: { source: true, lines: true },
    allErrors: true,
    strict: true,
    coerceTypes,
    useDefaults: coerceTypes,
    // Annotation keywords of OpenAPI that carry no validation (Ajv knows `nullable` already).
    keywords: ['example', 'x-internal', PATTERN_MESSAGE],
  });
  // The formats the contract uses; `password` is OpenAPI's UI hint and accepts any string.
  addFormats(ajv, ['email', 'date-time', 'uri-reference', 'int32', 'password']);
  ajv.addSchema({ $id: CONTRACT_ID, $defs: toJsonSchemaRefs(doc.components.schemas) });
  return ajv;
}

function toJsonSchemaRefs(schema: JsonSchema): JsonSchema {
  // `#/components/schemas/X` refs resolve against the contract's schemas, registered as `contract#/$defs/X`.
  return JSON.parse(
    JSON.stringify(schema).replaceAll('"$ref":"#/components/schemas/', `"$ref":"${CONTRACT_ID}#/$defs/`),
  ) as JsonSchema;
}

function parametersSchema(op: Operation, location: 'query' | 'path'): JsonSchema | undefined {
  const params = (op.operation.parameters ?? []).filter((p) => p.in === location);
  if (params.length === 0) return undefined;
  return {
    type: 'object',
    additionalProperties: false,
    required: params.filter((p) => p.required).map((p) => p.name),
    properties: Object.fromEntries(params.map((p) => [p.name, toJsonSchemaRefs(p.schema)])),
  };
}

function moduleFor(ajv: Ajv, name: string, schema: JsonSchema, typeExpression: string): ValidatorSource {
  const validate = ajv.compile(schema);
  const js = `// Generated from openapi.yaml by scripts/generate.ts. Do not edit.\n${standaloneCode(ajv, validate)}\n`;
  const dts = [
    '// Generated from openapi.yaml by scripts/generate.ts. Do not edit.',
    "import type { ValidateFunction } from 'ajv';",
    "import type { components, operations } from '../api-types';",
    '',
    `declare const validate: ValidateFunction<${typeExpression}>;`,
    'export default validate;',
    '',
  ].join('\n');
  return { name, js, dts };
}

/** Standalone validators for every request body, query string and set of path parameters in the contract. */
export function buildValidators(doc: OpenApiDocument, operations: Operation[]): ValidatorSource[] {
  const sources: ValidatorSource[] = [];
  for (const op of operations) {
    const body = op.operation.requestBody?.content['application/json']?.schema;
    if (body) {
      const ref = typeof body.$ref === 'string' ? body.$ref.split('/').pop() : undefined;
      const type = ref
        ? `components['schemas']['${ref}']`
        : `NonNullable<operations['${op.operationId}']['requestBody']>['content']['application/json']`;
      sources.push(moduleFor(newAjv(doc, false), `${op.operationId}-body`, toJsonSchemaRefs(body), type));
    }
    const query = parametersSchema(op, 'query');
    if (query) {
      sources.push(
        moduleFor(
          newAjv(doc, true),
          `${op.operationId}-query`,
          query,
          `NonNullable<operations['${op.operationId}']['parameters']['query']>`,
        ),
      );
    }
    // Path parameters are strings as they stand: nothing to coerce.
    const path = parametersSchema(op, 'path');
    if (path) {
      sources.push(
        moduleFor(
          newAjv(doc, false),
          `${op.operationId}-path`,
          path,
          `operations['${op.operationId}']['parameters']['path']`,
        ),
      );
    }
  }
  return sources;
}

/**
 * Standalone validators for named schemas that code outside the request path must enforce the
 * same way: the user model checks stored names and emails with the contract's own rules, so a
 * limit counts the same unit (code points) in the schema, the request validator and the model.
 */
export function buildSchemaValidators(doc: OpenApiDocument, names: readonly string[]): ValidatorSource[] {
  return names.map((name) => {
    if (doc.components.schemas[name] === undefined) throw new Error(`openapi.yaml has no schema ${name}`);
    return moduleFor(
      newAjv(doc, false),
      `schema-${name}`,
      { $ref: `${CONTRACT_ID}#/$defs/${name}` },
      `components['schemas']['${name}']`,
    );
  });
}

/**
 * What each named schema's pattern asks for, in words, keyed by the `schemaPath` Ajv reports
 * (`contract#/$defs/<name>/pattern`): functions/shared/validation.ts shows it instead of the regex.
 */
export function buildPatternMessages(doc: OpenApiDocument): string {
  const messages: Record<string, string> = {};
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    const message = schema[PATTERN_MESSAGE];
    if (typeof message === 'string') messages[`${CONTRACT_ID}#/$defs/${name}/pattern`] = message;
  }
  return `${JSON.stringify(messages, null, 2)}\n`;
}
