/**
 * The password check before a sensitive change (a new password, account deletion): a valid
 * session is not enough, whoever holds it must also know the password.
 */
import type { Caller } from './caller';
import { SessionEnded, WrongPassword } from './errors';
import { passwordHasher } from './passwords';
import { findPasswordHash } from './users';

/** Resolves when the password is the caller's; rejects with WrongPassword (401) otherwise. */
export async function confirmPassword(caller: Caller, password: string): Promise<void> {
  const hash = await findPasswordHash(caller.userId);
  // The session check passed, so the user was there a moment ago: treat a vanished user as an ended session.
  if (hash === undefined) throw new SessionEnded();
  if (!(await passwordHasher().verify(password, hash))) throw new WrongPassword();
}
