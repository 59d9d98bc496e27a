/**
 * Runs the validators generated from openapi.yaml (compiled ahead of time, so nothing is
 * compiled at cold start) and turns Ajv's errors into the contract's `{ path, message }` list.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import patternMessages from '../../generated/validators/pattern-messages.json';
import { ValidationFailed } from './errors';
import type { FieldError } from './errors';

/** Where the validated data came from: body errors are JSON Pointers, query and path errors parameter names. */
export type InputLocation = 'body' | 'query' | 'path';

const PATTERN_MESSAGES: Readonly<Record<string, string | undefined>> = patternMessages;

const MAX_PATH_LENGTH = 200;
const MAX_MESSAGE_LENGTH = 500;

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** RFC 6901: a property name inside a JSON Pointer. */
function pointerSegment(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** A parameter name the client sent, quoted in the message when it cannot be a path as it stands. */
const PLAIN_PARAMETER = /^[A-Za-z][A-Za-z0-9_.-]*$/;

export function queryFieldError(name: string, message: string): FieldError {
  if (PLAIN_PARAMETER.test(name) && name.length <= MAX_PATH_LENGTH) return { path: name, message };
  return { path: 'query', message: cut(`parameter ${JSON.stringify(cut(name, 50))} ${message}`, MAX_MESSAGE_LENGTH) };
}

function bodyFieldError(error: ErrorObject): FieldError {
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  if (error.keyword === 'required' && params.missingProperty !== undefined) {
    return { path: `${error.instancePath}/${pointerSegment(params.missingProperty)}`, message: 'is required' };
  }
  if (error.keyword === 'additionalProperties' && params.additionalProperty !== undefined) {
    return { path: `${error.instancePath}/${pointerSegment(params.additionalProperty)}`, message: 'is not allowed' };
  }
  const message =
    (error.keyword === 'pattern' ? PATTERN_MESSAGES[error.schemaPath] : undefined) ?? error.message ?? 'is invalid';
  return { path: error.instancePath === '' ? '/' : error.instancePath, message };
}

/** One entry per field, the first Ajv reports: a blank name is "too short", not also "must match pattern". */
export function toFieldErrors(errors: readonly ErrorObject[], location: InputLocation): FieldError[] {
  const seen = new Set<string>();
  const fields = errors.map((error) => {
    const field = bodyFieldError(error);
    const fitted = { path: cut(field.path, MAX_PATH_LENGTH), message: cut(field.message, MAX_MESSAGE_LENGTH) };
    if (location === 'body') return fitted;
    // Parameters are named as the contract names them: `limit`, not `/limit`.
    return fitted.path === '/'
      ? { path: 'query', message: fitted.message }
      : queryFieldError(field.path.slice(1), fitted.message);
  });
  return fields.filter((field) => {
    // Unknown parameters that cannot be named in a path share `query`; each still gets its entry.
    const key = `${field.path}\n${field.path === 'query' ? field.message : ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The data, typed, when it matches the contract; otherwise a ValidationFailed naming each field. */
export function validated<T>(validate: ValidateFunction<T>, data: unknown, location: InputLocation): T {
  if (validate(data)) return data;
  throw new ValidationFailed(toFieldErrors(validate.errors ?? [], location));
}
