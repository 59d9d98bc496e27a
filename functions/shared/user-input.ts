/**
 * User fields as the contract describes them: a body is validated as sent (so the contract,
 * a validating proxy and this API agree on every input), then normalized for storage: names
 * trimmed and put in Unicode NFC, emails trimmed and lower-cased (`Ada@Example.com ` and
 * `ada@example.com` are one account). The normalized body is validated again, because NFC can
 * lengthen a name past its limit; that rare case is a 400 like any other, never a 500 from the
 * database layer.
 */
import type { ValidateFunction } from 'ajv';
import { ValidationFailed } from './errors';
import { toFieldErrors, validated } from './validation';

interface UserFields {
  name?: string;
  email?: string;
}

/** Only what can be stored: validated input, so each field is a string of the contract's shape. */
export function normalizeUserFields<T extends UserFields>(body: T): T {
  const copy: T = { ...body };
  if (copy.name !== undefined) copy.name = copy.name.trim().normalize('NFC');
  // The contract allows only ASCII in an email, so lower-casing cannot change its length.
  if (copy.email !== undefined) copy.email = copy.email.trim().toLowerCase();
  return copy;
}

/** The body, validated as sent, normalized, and validated once more in its stored form. */
export function validatedUserInput<T extends UserFields>(validate: ValidateFunction<T>, body: unknown): T {
  const normalized = normalizeUserFields(validated(validate, body, 'body'));
  if (validate(normalized)) return normalized;
  throw new ValidationFailed(
    toFieldErrors(validate.errors ?? [], 'body').map((error) => ({
      ...error,
      message: `${error.message} once normalized (trimmed, Unicode NFC)`,
    })),
  );
}
