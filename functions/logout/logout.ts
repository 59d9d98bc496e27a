/**
 * POST /logout: ends the session a refresh token belongs to. Always 204: logging out twice, or
 * with a token that was never valid, is not an error, and the answer says nothing about the token.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import validateLogoutBody from '../../generated/validators/logout-body';
import type { Reply } from '../shared/http-handler';
import { countMetric, MetricName } from '../shared/observability';
import { OUTCOME } from '../shared/outcomes';
import { readJsonBody } from '../shared/request';
import { REVOKE_REASON } from '../shared/session-model';
import { revokeByRefreshToken } from '../shared/sessions';
import { validated } from '../shared/validation';
import { currentTime } from '../shared/clock';

export async function logout(event: APIGatewayProxyEvent): Promise<Reply> {
  const { refreshToken } = validated(validateLogoutBody, readJsonBody(event), 'body');
  const revoked = await revokeByRefreshToken(refreshToken, REVOKE_REASON.logout, currentTime());
  countMetric(MetricName.Logout);
  if (revoked) countMetric(MetricName.SessionRevoked, { reason: REVOKE_REASON.logout });
  return { status: 204, body: undefined, outcome: OUTCOME.loggedOut };
}
