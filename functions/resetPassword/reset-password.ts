/**
 * POST /password/reset: a new password with the token of a reset link. The token is checked and
 * the new password judged by the password rules before the token is spent (a refused password
 * leaves the link working), then spent atomically: of two concurrent resets with one link, one
 * wins. Every session of the user ends, so access tokens issued before are refused at once.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import validateResetPasswordBody from '../../generated/validators/resetPassword-body';
import { currentTime } from '../shared/clock';
import { InvalidLinkToken, ValidationFailed } from '../shared/errors';
import type { Reply } from '../shared/http-handler';
import { LINK_PURPOSE } from '../shared/link-token-model';
import { forgetLinkTokens, peekLinkToken, redeemLinkToken } from '../shared/link-tokens';
import { countMetric, MetricName } from '../shared/observability';
import { OUTCOME } from '../shared/outcomes';
import { enforcePasswordPolicy } from '../shared/password-policy';
import { newPasswordProblem, passwordHasher } from '../shared/passwords';
import { readJsonBody } from '../shared/request';
import { REVOKE_REASON } from '../shared/session-model';
import { revokeSessionsOf } from '../shared/sessions';
import { beginLinkRedemption, clearAccountLock } from '../shared/throttle';
import { THROTTLED_OPERATION } from '../shared/throttle-model';
import { findUser, updatePasswordHash } from '../shared/users';
import { validated } from '../shared/validation';

export async function resetPassword(event: APIGatewayProxyEvent): Promise<Reply> {
  const { token, newPassword } = validated(validateResetPasswordBody, readJsonBody(event), 'body');
  const problem = newPasswordProblem(newPassword);
  if (problem !== undefined) throw new ValidationFailed([{ path: '/newPassword', message: problem }]);

  const attempt = await beginLinkRedemption(event, THROTTLED_OPERATION.resetPassword);
  const userId = await peekLinkToken(token, LINK_PURPOSE.passwordReset, currentTime());
  const owner = userId === undefined ? undefined : await findUser(userId);
  if (userId === undefined || owner === undefined) throw new InvalidLinkToken();
  await attempt.succeeded();

  await enforcePasswordPolicy('/newPassword', newPassword, owner);
  const passwordHash = await passwordHasher().hash(newPassword);
  // Spent only now, and only if no concurrent reset spent it during the hashing.
  if ((await redeemLinkToken(token, LINK_PURPOSE.passwordReset, currentTime())) !== userId)
    throw new InvalidLinkToken();
  if (!(await updatePasswordHash(userId, passwordHash, { emailVerified: true }))) throw new InvalidLinkToken();
  await revokeSessionsOf(userId, REVOKE_REASON.passwordReset, currentTime());
  countMetric(MetricName.SessionRevoked, { reason: REVOKE_REASON.passwordReset });
  await Promise.all([forgetLinkTokens(userId, LINK_PURPOSE.passwordReset), clearAccountLock(owner.email)]);
  return { status: 204, body: undefined, outcome: OUTCOME.passwordReset };
}
