/**
 * The check every protected operation makes before it acts: the access token is unexpired (the
 * authorizer's Allow may be cached past it) and its session is live and the caller's. A session
 * ended by logout, revocation, a password change or account deletion is refused at once, not
 * when its access tokens expire.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { authorizedCaller } from './caller';
import type { Caller } from './caller';
import { SessionEnded } from './errors';
import { isSessionLive } from './sessions';
import { currentTime } from './clock';

/** Resolves when the caller may act; rejects with SessionEnded (401) otherwise. */
export async function liveSessionOf(caller: Caller, now: Date): Promise<void> {
  if (!(await isSessionLive(caller.sessionId, caller.userId, now))) throw new SessionEnded();
}

/** The caller of a protected operation, once its token and session are both known to be live. */
export async function requireLiveSession(event: APIGatewayProxyEvent): Promise<Caller> {
  const now = currentTime();
  const caller = authorizedCaller(event, () => now.getTime());
  await liveSessionOf(caller, now);
  return caller;
}
