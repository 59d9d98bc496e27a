/**
 * Normalizes user fields before validation, so the contract's limits apply to what is stored:
 * names are trimmed, emails trimmed and lower-cased (`Ada@Example.com ` and `ada@example.com`
 * are one account).
 */
const NORMALIZE: Readonly<Record<string, (value: string) => string>> = {
  name: (value) => value.trim(),
  email: (value) => value.trim().toLowerCase(),
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A copy of the body with its string `name` and `email` normalized; anything else is left for the validator to refuse. */
export function normalizeUserFields(body: unknown): unknown {
  if (!isPlainObject(body)) return body;
  // Spreading keeps own keys such as `__proto__` from JSON.parse, so the validator still sees and refuses them.
  const copy: Record<string, unknown> = { ...body };
  for (const [field, normalize] of Object.entries(NORMALIZE)) {
    const value = copy[field];
    if (typeof value === 'string') copy[field] = normalize(value);
  }
  return copy;
}
