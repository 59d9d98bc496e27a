/**
 * PUT /me/password: a new password, after the current one is checked. Every other session of the
 * user ends at once (whoever knew the old password is signed out); the caller's stays.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import validateChangePasswordBody from '../../generated/validators/changePassword-body';
import { ValidationFailed } from '../shared/errors';
import type { Reply } from '../shared/http-handler';
import { countMetric, MetricName } from '../shared/observability';
import { OUTCOME } from '../shared/outcomes';
import { enforcePasswordPolicy } from '../shared/password-policy';
import { loginPasswordProblem, newPasswordProblem, passwordHasher } from '../shared/passwords';
import { confirmPassword } from '../shared/reauthenticate';
import { readJsonBody } from '../shared/request';
import { requireLiveSession } from '../shared/session-guard';
import { REVOKE_REASON } from '../shared/session-model';
import { revokeSessionsOf } from '../shared/sessions';
import { THROTTLED_OPERATION } from '../shared/throttle-model';
import { updatePasswordHash } from '../shared/users';
import { validated } from '../shared/validation';
import { currentTime } from '../shared/clock';

export async function changePassword(event: APIGatewayProxyEvent): Promise<Reply> {
  const caller = await requireLiveSession(event);
  const { currentPassword, newPassword } = validated(validateChangePasswordBody, readJsonBody(event), 'body');
  const problems = [
    { path: '/currentPassword', message: loginPasswordProblem(currentPassword) },
    { path: '/newPassword', message: newPasswordProblem(newPassword) },
  ].filter((problem): problem is { path: string; message: string } => problem.message !== undefined);
  if (problems.length > 0) throw new ValidationFailed(problems);

  const owner = await confirmPassword(caller, currentPassword, event, THROTTLED_OPERATION.changePassword);
  await enforcePasswordPolicy('/newPassword', newPassword, owner);
  await updatePasswordHash(caller.userId, await passwordHasher().hash(newPassword));
  await revokeSessionsOf(caller.userId, REVOKE_REASON.passwordChange, currentTime(), caller.sessionId);
  countMetric(MetricName.SessionRevoked, { reason: REVOKE_REASON.passwordChange });
  return { status: 204, body: undefined, outcome: OUTCOME.passwordChanged };
}
