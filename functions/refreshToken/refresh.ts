/**
 * POST /token/refresh: exchanges a refresh token for a new access token and a new refresh token.
 * Every refusal is one 401; only the logs and the RefreshRefused metric say why. A refresh token
 * used twice ends its session: that is how a stolen copy is found out, whoever used it first.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import validateRefreshBody from '../../generated/validators/refreshToken-body';
import { sessionConfig } from '../shared/config';
import { InvalidRefreshToken, REFRESH_REJECTION } from '../shared/errors';
import type { Reply } from '../shared/http-handler';
import { countMetric, logger, MetricName } from '../shared/observability';
import { OUTCOME } from '../shared/outcomes';
import { readJsonBody } from '../shared/request';
import { REVOKE_REASON } from '../shared/session-model';
import { rotateRefreshToken } from '../shared/sessions';
import { tokensFor } from '../shared/sign-in';
import { beginRefresh } from '../shared/throttle';
import { tokenIssuer } from '../shared/token-issuer';
import { validated } from '../shared/validation';
import { currentTime } from '../shared/clock';

export async function refresh(event: APIGatewayProxyEvent): Promise<Reply> {
  const { refreshToken } = validated(validateRefreshBody, readJsonBody(event), 'body');
  const config = sessionConfig();
  await tokenIssuer();
  const attempt = await beginRefresh(event);
  const now = currentTime();
  const rotation = await rotateRefreshToken(refreshToken, now, config);
  if (!rotation.ok) {
    countMetric(MetricName.RefreshRefused, { reason: rotation.reason });
    if (rotation.reason === REFRESH_REJECTION.reuse) {
      countMetric(MetricName.RefreshTokenReuse);
      // The session id is enough to investigate; the token never appears in a log.
      logger.warn('refresh token reused: session revoked', { session_id: rotation.revokedSessionId ?? null });
      if (rotation.revokedSessionId !== undefined)
        countMetric(MetricName.SessionRevoked, { reason: REVOKE_REASON.reuse });
    }
    throw new InvalidRefreshToken(rotation.reason);
  }
  await attempt.succeeded();
  countMetric(MetricName.RefreshSucceeded);
  return { status: 200, body: await tokensFor(rotation.session, now), outcome: OUTCOME.refreshed };
}
