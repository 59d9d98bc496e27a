/** DELETE /me/sessions: log out everywhere, the current session included. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Reply } from '../shared/http-handler';
import { countMetric, MetricName } from '../shared/observability';
import { OUTCOME } from '../shared/outcomes';
import { requireLiveSession } from '../shared/session-guard';
import { REVOKE_REASON } from '../shared/session-model';
import { revokeSessionsOf } from '../shared/sessions';
import { currentTime } from '../shared/clock';

export async function revokeAllSessions(event: APIGatewayProxyEvent): Promise<Reply> {
  const caller = await requireLiveSession(event);
  await revokeSessionsOf(caller.userId, REVOKE_REASON.all, currentTime());
  countMetric(MetricName.SessionRevoked, { reason: REVOKE_REASON.all });
  return { status: 204, body: undefined, outcome: OUTCOME.sessionsRevoked };
}
