/**
 * Refresh tokens: opaque random values, never JWTs, so nothing can be read from or forged into
 * them. Only their SHA-256 hash is stored: a copy of the database holds no usable token, and a
 * plain hash suffices because the token itself carries 256 random bits (no guessing to slow down).
 */
import { createHash, randomBytes } from 'node:crypto';

const TOKEN_BYTES = 32;
/** base64url of 32 bytes, without padding. */
const SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function newRefreshToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** Whether a string can be one of our tokens; anything else is refused without a lookup. */
export function isRefreshTokenShaped(token: string): boolean {
  return SHAPE.test(token);
}

/** What is stored and looked up: the SHA-256 of the token, in hex. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
