/**
 * The password check before a sensitive change (a new password, account deletion): a valid
 * session is not enough, whoever holds it must also know the password. Guesses made here count
 * against the account as failed logins do (throttle.ts), so a stolen access token cannot be used
 * to guess the password at leisure, and a locked account is locked here too.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Caller } from './caller';
import { SessionEnded, WrongPassword } from './errors';
import type { PasswordOwner } from './password-policy';
import { passwordHasher } from './passwords';
import { beginPasswordCheck } from './throttle';
import type { ThrottledOperation } from './throttle-model';
import { findPasswordCheck } from './users';

/** Resolves with whose password it is when it is the caller's; rejects with WrongPassword (401) otherwise, or 429 while the account is throttled. */
export async function confirmPassword(
  caller: Caller,
  password: string,
  event: Pick<APIGatewayProxyEvent, 'requestContext'>,
  operation: ThrottledOperation,
): Promise<PasswordOwner> {
  const user = await findPasswordCheck(caller.userId);
  // The session check passed, so the user was there a moment ago: treat a vanished user as an ended session.
  if (user === undefined) throw new SessionEnded();
  const attempt = await beginPasswordCheck(user.email, event, operation);
  if (!(await passwordHasher().verify(password, user.passwordHash))) throw new WrongPassword();
  await attempt.succeeded();
  return { name: user.name, email: user.email };
}
