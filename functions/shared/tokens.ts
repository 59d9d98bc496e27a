/**
 * Access tokens: HS256 JWTs with sub, sid (the session), iat, exp, iss, aud and jti. Verification pins the algorithm,
 * checks issuer, audience and expiry, requires a user id as subject and a session id, refuses `crit` headers and
 * lifetimes longer than the configured one. Every refusal is a
 * TokenRejected whose reason says why, for logs and metrics only.
 *
 * The authorizer loads this module: it must not import mongoose or bcryptjs.
 */
import { createSecretKey, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { CLOCK_TOLERANCE_SECONDS } from './caller';
import { tokenConfig } from './config';
import type { TokenConfig } from './config';
import { TOKEN_REJECTION, TokenRejected } from './errors';
import type { TokenRejection } from './errors';
import { isSessionId, isUserId } from './ids';
import { onceAsync } from './once';

export const TOKEN_ALGORITHM = 'HS256';
/** Our tokens are about 300 characters; anything far longer is not one of them and is not parsed. */
export const MAX_TOKEN_LENGTH = 4096;

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

export interface TokenService {
  issue(userId: string, sessionId: string): IssuedToken;
  /** Throws TokenRejected. */
  verify(token: string): VerifiedToken;
}

function rejectionOf(error: unknown): TokenRejection {
  if (error instanceof jwt.TokenExpiredError) return TOKEN_REJECTION.expired;
  if (error instanceof jwt.NotBeforeError) return TOKEN_REJECTION.notYetValid;
  const message = error instanceof Error ? error.message : '';
  if (message === 'invalid signature') return TOKEN_REJECTION.badSignature;
  // `alg: none` arrives without a signature; any other algorithm is refused by the pinned list.
  if (message === 'invalid algorithm' || message === 'jwt signature is required') return TOKEN_REJECTION.wrongAlgorithm;
  if (message.startsWith('jwt issuer invalid')) return TOKEN_REJECTION.wrongIssuer;
  if (message.startsWith('jwt audience invalid')) return TOKEN_REJECTION.wrongAudience;
  if (message === 'invalid exp value' || message === 'invalid nbf value') return TOKEN_REJECTION.badClaims;
  return TOKEN_REJECTION.malformed;
}

/**
 * @param now the clock, in milliseconds; tests pass their own.
 */
export function createTokenService(config: TokenConfig, now: () => number = Date.now): TokenService {
  // Built once: with a KeyObject jsonwebtoken skips key parsing on every call (about 190k verifies/s against 3.4k with a string).
  const key = createSecretKey(config.secret);
  const seconds = () => Math.floor(now() / 1000);

  return {
    issue(userId, sessionId) {
      const token = jwt.sign({ iat: seconds(), sid: sessionId }, key, {
        algorithm: TOKEN_ALGORITHM,
        expiresIn: config.ttlSeconds,
        issuer: config.issuer,
        audience: config.audience,
        subject: userId,
        jwtid: randomUUID(),
      });
      return { token, expiresIn: config.ttlSeconds };
    },

    verify(token) {
      if (token === '') throw new TokenRejected(TOKEN_REJECTION.missing);
      if (token.length > MAX_TOKEN_LENGTH) throw new TokenRejected(TOKEN_REJECTION.malformed);
      const clock = seconds();
      let verified: jwt.Jwt;
      try {
        verified = jwt.verify(token, key, {
          algorithms: [TOKEN_ALGORITHM],
          issuer: config.issuer,
          audience: config.audience,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          clockTimestamp: clock,
          complete: true,
        });
      } catch (error) {
        throw new TokenRejected(rejectionOf(error), error);
      }
      // RFC 7515 §4.1.11: a `crit` header names extensions the verifier must understand; we understand none.
      if ('crit' in verified.header) throw new TokenRejected(TOKEN_REJECTION.malformed);
      const { payload } = verified;
      // A token we signed always has these; a signed token without them was not made by issue().
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
      // No token of ours lives longer than the configured lifetime: a longer one was not made by issue(), or predates a shorter TTL.
      if (payload.exp - payload.iat > config.ttlSeconds) throw new TokenRejected(TOKEN_REJECTION.badClaims);
      return { userId: payload.sub, sessionId: payload.sid, expiresAt: payload.exp };
    },
  };
}

/** The instance's token service, built once from TokenConfig. */
export const tokenService = onceAsync(async () => createTokenService(await tokenConfig()));
