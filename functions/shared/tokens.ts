/**
 * Access tokens: ES256 JWTs with a `kid` header and sub, sid (the session), iat, exp, iss, aud and
 * jti. Verification pins the algorithm, picks the public key by `kid` among the live key
 * generations (an unknown, missing or retired one is refused), checks issuer, audience and
 * expiry, requires a user id as subject and a session id, and refuses `crit` and any header our
 * tokens never carry (`jwk`, `jku`, `x5u`, ...), and lifetimes longer than the configured one.
 * Every refusal is a TokenRejected whose reason says why, for logs and metrics only.
 *
 * Issuing lives in token-issuer.ts. The authorizer loads this module: it must not import the AWS
 * SDK, mongoose or bcryptjs, and it holds public keys only.
 */
import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { CLOCK_TOLERANCE_SECONDS } from './caller';
import { tokenConfig } from './config';
import type { TokenConfig } from './config';
import { TOKEN_REJECTION, TokenRejected } from './errors';
import type { TokenRejection } from './errors';
import { isSessionId, isUserId } from './ids';
import { once } from './once';
import { TOKEN_ALGORITHM } from './signing-keys';

export { TOKEN_ALGORITHM } from './signing-keys';

/** Our tokens are about 400 characters; anything far longer is not one of them and is not parsed. */
export const MAX_TOKEN_LENGTH = 4096;

/** The header parameters our tokens carry. Any other (`jwk`, `jku`, `x5u`, `x5c`, `crit`, ...) means someone else made it. */
const TOKEN_HEADER_PARAMETERS = new Set(['alg', 'typ', 'kid']);

export interface IssuedToken {
  token: string;
  /** Seconds until it expires. */
  expiresIn: number;
}

export interface VerifiedToken {
  userId: string;
  sessionId: string;
  /** The token's `exp`, in seconds since the epoch. */
  expiresAt: number;
}

export interface TokenVerifier {
  /** Throws TokenRejected. */
  verify(token: string): VerifiedToken;
}

function rejectionOf(error: unknown): TokenRejection {
  if (error instanceof jwt.TokenExpiredError) return TOKEN_REJECTION.expired;
  if (error instanceof jwt.NotBeforeError) return TOKEN_REJECTION.notYetValid;
  const message = error instanceof Error ? error.message : '';
  // An ES256 token without a signature is one whose signature does not verify.
  if (message === 'invalid signature' || message === 'jwt signature is required') return TOKEN_REJECTION.badSignature;
  if (message.startsWith('jwt issuer invalid')) return TOKEN_REJECTION.wrongIssuer;
  if (message.startsWith('jwt audience invalid')) return TOKEN_REJECTION.wrongAudience;
  if (message === 'invalid exp value' || message === 'invalid nbf value') return TOKEN_REJECTION.badClaims;
  return TOKEN_REJECTION.malformed;
}

/** The JOSE header, read only to choose the key; jsonwebtoken then checks everything, the header included. */
function headerOf(token: string): Record<string, unknown> {
  const end = token.indexOf('.');
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(token.slice(0, end === -1 ? 0 : end), 'base64url').toString('utf8'));
  } catch {
    throw new TokenRejected(TOKEN_REJECTION.malformed);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw new TokenRejected(TOKEN_REJECTION.malformed);
  return header as Record<string, unknown>;
}

/** The public key a token names, after the checks that need no signature. */
function keyFor(token: string, publicKeys: TokenConfig['publicKeys']): KeyObject {
  const header = headerOf(token);
  // RFC 7515 §4.1.11: a `crit` header names extensions the verifier must understand; we understand none.
  if ('crit' in header) throw new TokenRejected(TOKEN_REJECTION.malformed);
  // Pinned before the key is chosen: `none`, HS256 keyed with our public key and every other algorithm stop here.
  if (header.alg !== TOKEN_ALGORITHM) throw new TokenRejected(TOKEN_REJECTION.wrongAlgorithm);
  if (Object.keys(header).some((name) => !TOKEN_HEADER_PARAMETERS.has(name)))
    throw new TokenRejected(TOKEN_REJECTION.malformed);
  // Only ever a lookup among our own keys: a `kid` is never a path, a URL or a key.
  const key = typeof header.kid === 'string' ? publicKeys.get(header.kid) : undefined;
  if (key === undefined) throw new TokenRejected(TOKEN_REJECTION.badSignature);
  return key;
}

/**
 * @param now the clock, in milliseconds; tests pass their own.
 */
export function createTokenVerifier(config: TokenConfig, now: () => number = Date.now): TokenVerifier {
  const seconds = () => Math.floor(now() / 1000);

  return {
    verify(token) {
      if (token === '') throw new TokenRejected(TOKEN_REJECTION.missing);
      if (token.length > MAX_TOKEN_LENGTH) throw new TokenRejected(TOKEN_REJECTION.malformed);
      const key = keyFor(token, config.publicKeys);
      const clock = seconds();
      let payload: string | jwt.JwtPayload;
      try {
        payload = jwt.verify(token, key, {
          algorithms: [TOKEN_ALGORITHM],
          issuer: config.issuer,
          audience: config.audience,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          clockTimestamp: clock,
        });
      } catch (error) {
        throw new TokenRejected(rejectionOf(error), error);
      }
      // A token we signed always has these; a signed token without them was not made by our issuer.
      if (
        typeof payload === 'string' ||
        typeof payload.exp !== 'number' ||
        typeof payload.iat !== 'number' ||
        !isUserId(payload.sub) ||
        !isSessionId(payload.sid)
      ) {
        throw new TokenRejected(TOKEN_REJECTION.badClaims);
      }
      if (payload.iat > clock + CLOCK_TOLERANCE_SECONDS) throw new TokenRejected(TOKEN_REJECTION.notYetValid);
      // No token of ours lives longer than the configured lifetime: a longer one was not made by our issuer, or predates a shorter TTL.
      if (payload.exp - payload.iat > config.ttlSeconds) throw new TokenRejected(TOKEN_REJECTION.badClaims);
      return { userId: payload.sub, sessionId: payload.sid, expiresAt: payload.exp };
    },
  };
}

/** The instance's verifier, built once from TokenConfig. */
export const tokenVerifier = once(() => createTokenVerifier(tokenConfig()));
