/**
 * POST /register: creates a user and returns a token for it. Duplicate emails are caught by the
 * unique index, not by a lookup first, so concurrent registrations of one email cannot both win.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { components } from '../../generated/api-types';
import validateRegisterBody from '../../generated/validators/register-body';
import { EmailTaken, ValidationFailed } from '../shared/errors';
import type { Reply } from '../shared/http-handler';
import { countMetric, MetricName } from '../shared/observability';
import { OUTCOME } from '../shared/outcomes';
import { enforcePasswordPolicy } from '../shared/password-policy';
import { newPasswordProblem, passwordHasher } from '../shared/passwords';
import { readJsonBody } from '../shared/request';
import { signIn } from '../shared/sign-in';
import { beginRegistration } from '../shared/throttle';
import { tokenIssuer } from '../shared/token-issuer';
import { sendVerificationLink } from '../shared/account-emails';
import { linkConfig, sessionConfig } from '../shared/config';
import { validatedUserInput } from '../shared/user-input';
import { deleteSessionsOf } from '../shared/sessions';
import { deleteUser, insertUser } from '../shared/users';

export type Registration = components['schemas']['RegisterRequest'];
export type RegisterResponse = components['schemas']['RegisterResponse'];

/** The request's registration, normalized and checked against the contract and bcrypt's byte limit. */
export function parseRegistration(event: APIGatewayProxyEvent): Registration {
  const registration = validatedUserInput(validateRegisterBody, readJsonBody(event));
  const problem = newPasswordProblem(registration.password);
  if (problem !== undefined) throw new ValidationFailed([{ path: '/password', message: problem }]);
  return registration;
}

export async function register(registration: Registration, event: APIGatewayProxyEvent): Promise<Reply> {
  // Configuration first: a deployment without a token key answers 500 before any password work or write.
  sessionConfig();
  linkConfig();
  await tokenIssuer();
  // Counted before the password policy, so refused passwords count against the address too.
  await beginRegistration(event);
  await enforcePasswordPolicy('/password', registration.password, registration);
  const passwordHash = await passwordHasher().hash(registration.password);
  let user;
  try {
    user = await insertUser({ name: registration.name, email: registration.email, passwordHash });
  } catch (error) {
    if (error instanceof EmailTaken) countMetric(MetricName.RegistrationEmailTaken);
    throw error;
  }
  let tokens;
  try {
    tokens = await signIn(user.id, event);
  } catch (error) {
    // No token, no account: a registration that could not sign in (KMS did not answer) is undone,
    // so that retrying it registers instead of answering 409 for an account nobody can use yet.
    await Promise.all([deleteSessionsOf(user.id), deleteUser(user.id)]).catch(() => undefined);
    throw error;
  }
  countMetric(MetricName.RegistrationSucceeded);
  const body: RegisterResponse = { ...tokens, user };
  // Never fails the registration: a verification email that did not leave is logged and counted, and can be asked for again.
  await sendVerificationLink(user);
  return { status: 201, body, outcome: OUTCOME.registered };
}
