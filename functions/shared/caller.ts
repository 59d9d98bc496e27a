/**
 * Who is calling a protected operation, from what the authorizer passed on in the request context
 * (never from anything the client sent), and the check every protected operation makes before it
 * acts: API Gateway caches an Allow per token for the authorizer's TTL (300 s by default), so a
 * token used just before its `exp` would otherwise keep working after it. The expiry is checked
 * here with the authorizer's own clock tolerance, and an expired token gets the authorizer's 401.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { IntegrationError, TOKEN_REJECTION, TokenRejected } from './errors';

/** Allowed clock skew between the signer and the verifier, in seconds: the authorizer's and ours. */
export const CLOCK_TOLERANCE_SECONDS = 5;

/** The names of the values the authorizer puts in `requestContext.authorizer`. */
export const AUTHORIZER_CONTEXT = { userId: 'userId', sessionId: 'sid', expiresAt: 'exp' } as const;

export interface Caller {
  userId: string;
  /** The session the access token belongs to. */
  sessionId: string;
  /** The access token's `exp`, in seconds since the epoch. */
  expiresAt: number;
}

/** API Gateway passes context values on as strings or numbers, depending on the integration. */
function epochSeconds(value: unknown): number | undefined {
  const seconds = typeof value === 'string' && /^\d{1,12}$/.test(value) ? Number(value) : value;
  return typeof seconds === 'number' && Number.isSafeInteger(seconds) && seconds > 0 ? seconds : undefined;
}

/**
 * The caller, once its token is known to be unexpired.
 *
 * Without a user id or an expiry, API Gateway called us without our authorizer: a deployment
 * error (500), not the client's (401 is the authorizer's answer, before we run).
 *
 * @param now the clock, in milliseconds; tests pass their own.
 */
export function authorizedCaller(event: APIGatewayProxyEvent, now: () => number = Date.now): Caller {
  const context: Readonly<Record<string, unknown>> | null | undefined = event.requestContext?.authorizer;
  const userId = context?.[AUTHORIZER_CONTEXT.userId];
  const sessionId = context?.[AUTHORIZER_CONTEXT.sessionId];
  const expiresAt = epochSeconds(context?.[AUTHORIZER_CONTEXT.expiresAt]);
  if (
    typeof userId !== 'string' ||
    userId === '' ||
    typeof sessionId !== 'string' ||
    sessionId === '' ||
    expiresAt === undefined
  ) {
    throw new IntegrationError(
      'no user id, session id or token expiry in requestContext.authorizer: is the route behind the authorizer?',
    );
  }
  if (Math.floor(now() / 1000) >= expiresAt + CLOCK_TOLERANCE_SECONDS) throw new TokenRejected(TOKEN_REJECTION.expired);
  return { userId, sessionId, expiresAt };
}
