/**
 * DELETE /me/sessions/{sessionId}: ends one of the caller's sessions. Another user's session, an
 * ended one and an unknown id get one 404, so ids of other users' sessions cannot be probed.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import validateRevokeSessionPath from '../../generated/validators/revokeSession-path';
import { SessionNotFound } from '../shared/errors';
import type { Reply } from '../shared/http-handler';
import { countMetric, MetricName } from '../shared/observability';
import { OUTCOME } from '../shared/outcomes';
import { requireLiveSession } from '../shared/session-guard';
import { REVOKE_REASON } from '../shared/session-model';
import { revokeSession as endSession } from '../shared/sessions';
import { validated } from '../shared/validation';
import { currentTime } from '../shared/clock';

export async function revokeSession(event: APIGatewayProxyEvent): Promise<Reply> {
  const caller = await requireLiveSession(event);
  const { sessionId } = validated(validateRevokeSessionPath, { ...event.pathParameters }, 'path');
  if (!(await endSession(sessionId, caller.userId, REVOKE_REASON.user, currentTime()))) throw new SessionNotFound();
  countMetric(MetricName.SessionRevoked, { reason: REVOKE_REASON.user });
  return { status: 204, body: undefined, outcome: OUTCOME.sessionRevoked };
}
