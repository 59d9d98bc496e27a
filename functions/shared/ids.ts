/** A user id as the API shows it: a MongoDB ObjectId in lower-case hex. Kept apart from the model so the authorizer can check ids without loading mongoose. */
export const USER_ID_PATTERN = /^[0-9a-f]{24}$/;

export function isUserId(value: unknown): value is string {
  return typeof value === 'string' && USER_ID_PATTERN.test(value);
}

/** A session id: also an ObjectId in lower-case hex. */
export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && USER_ID_PATTERN.test(value);
}
