/**
 * DELETE /me: deletes the account and every session of it, after the password is checked. The
 * user's tokens stop working at once, and the email is free to register again.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import validateDeleteMeBody from '../../generated/validators/deleteMe-body';
import { ValidationFailed } from '../shared/errors';
import type { Reply } from '../shared/http-handler';
import { countMetric, MetricName } from '../shared/observability';
import { OUTCOME } from '../shared/outcomes';
import { loginPasswordProblem } from '../shared/passwords';
import { confirmPassword } from '../shared/reauthenticate';
import { readJsonBody } from '../shared/request';
import { requireLiveSession } from '../shared/session-guard';
import { REVOKE_REASON } from '../shared/session-model';
import { deleteSessionsOf } from '../shared/sessions';
import { THROTTLED_OPERATION } from '../shared/throttle-model';
import { deleteUser } from '../shared/users';
import { validated } from '../shared/validation';

export async function deleteMe(event: APIGatewayProxyEvent): Promise<Reply> {
  const caller = await requireLiveSession(event);
  const { password } = validated(validateDeleteMeBody, readJsonBody(event), 'body');
  const problem = loginPasswordProblem(password);
  if (problem !== undefined) throw new ValidationFailed([{ path: '/password', message: problem }]);

  await confirmPassword(caller, password, event, THROTTLED_OPERATION.deleteMe);
  // Sessions first: a failure between the two leaves a user who can log in again, never live sessions without a user.
  await deleteSessionsOf(caller.userId);
  await deleteUser(caller.userId);
  countMetric(MetricName.SessionRevoked, { reason: REVOKE_REASON.accountDeleted });
  return { status: 204, body: undefined, outcome: OUTCOME.accountDeleted };
}
