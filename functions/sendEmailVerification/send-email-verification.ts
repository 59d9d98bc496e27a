/**
 * POST /me/email/verification: a new verification link for the signed-in user (earlier ones stop
 * working), throttled like every email asked for. The caller is known, so this one sends at once.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { sendVerificationLink } from '../shared/account-emails';
import { EmailAlreadyVerified, UserNotFound } from '../shared/errors';
import type { Reply } from '../shared/http-handler';
import { OUTCOME } from '../shared/outcomes';
import { requireLiveSession } from '../shared/session-guard';
import { beginEmailRequest } from '../shared/throttle';
import { THROTTLED_OPERATION } from '../shared/throttle-model';
import { findUser } from '../shared/users';

export const VERIFICATION_SENT = {
  accepted: true,
  detail: 'A verification link is on its way to your email address',
} as const;

export async function sendEmailVerification(event: APIGatewayProxyEvent): Promise<Reply> {
  const caller = await requireLiveSession(event);
  const user = await findUser(caller.userId);
  if (user === undefined) throw new UserNotFound();
  if (user.emailVerified) throw new EmailAlreadyVerified();
  await beginEmailRequest(user.email, event, THROTTLED_OPERATION.sendEmailVerification);
  await sendVerificationLink(user);
  return { status: 202, body: VERIFICATION_SENT, outcome: OUTCOME.emailAccepted };
}
