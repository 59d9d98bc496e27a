/** GET /me/sessions: the caller's live sessions, newest first, the current one marked. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { components } from '../../generated/api-types';
import type { Reply } from '../shared/http-handler';
import { OUTCOME } from '../shared/outcomes';
import { requireLiveSession } from '../shared/session-guard';
import { listLiveSessions } from '../shared/sessions';
import { currentTime } from '../shared/clock';

export type SessionList = components['schemas']['SessionList'];

export async function listSessions(event: APIGatewayProxyEvent): Promise<Reply> {
  const caller = await requireLiveSession(event);
  const sessions = await listLiveSessions(caller.userId, currentTime());
  const body: SessionList = {
    items: sessions.map((session) => ({
      id: session.id,
      createdAt: session.createdAt.toISOString(),
      lastUsedAt: session.lastUsedAt.toISOString(),
      expiresAt: session.expiresAt.toISOString(),
      userAgent: session.userAgent,
      ipAddress: session.ipAddress,
      current: session.id === caller.sessionId,
    })),
  };
  return { status: 200, body, outcome: OUTCOME.sessionsListed };
}
