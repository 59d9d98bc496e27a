/**
 * POST /login: exchanges an email and password for a token. An unknown email and a wrong password
 * get one answer, and both paths run one bcrypt comparison, so neither the body nor the timing
 * says which emails are registered.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { components } from '../../generated/api-types';
import validateLoginBody from '../../generated/validators/login-body';
import { EmailNotVerified, InvalidCredentials, ValidationFailed } from '../shared/errors';
import type { Reply } from '../shared/http-handler';
import { countMetric, MetricName } from '../shared/observability';
import { OUTCOME } from '../shared/outcomes';
import { loginPasswordProblem, passwordHasher } from '../shared/passwords';
import { readJsonBody } from '../shared/request';
import { signIn } from '../shared/sign-in';
import { beginLogin } from '../shared/throttle';
import { tokenIssuer } from '../shared/token-issuer';
import { linkConfig, sessionConfig } from '../shared/config';
import { validatedUserInput } from '../shared/user-input';
import { findCredentials } from '../shared/users';

export type LoginRequest = components['schemas']['LoginRequest'];
export type AuthToken = components['schemas']['AuthToken'];

export function parseLogin(event: APIGatewayProxyEvent): LoginRequest {
  const login = validatedUserInput(validateLoginBody, readJsonBody(event));
  const problem = loginPasswordProblem(login.password);
  if (problem !== undefined) throw new ValidationFailed([{ path: '/password', message: problem }]);
  return login;
}

export async function login(request: LoginRequest, event: APIGatewayProxyEvent): Promise<Reply> {
  // Configuration first: a deployment without a token key answers 500 before any password work or write.
  sessionConfig();
  linkConfig();
  await tokenIssuer();
  // Before the password is checked, and counted as a failure until it succeeds: while the account
  // or the address is throttled, even the right password gets 429.
  const attempt = await beginLogin(request.email, event);
  const passwords = passwordHasher();
  const credentials = await findCredentials(request.email);
  const valid =
    credentials === undefined
      ? await passwords.verifyUnknownUser(request.password)
      : await passwords.verify(request.password, credentials.passwordHash);
  if (credentials === undefined || !valid) {
    countMetric(MetricName.LoginFailed);
    throw new InvalidCredentials();
  }
  await attempt.succeeded();
  // Only once the password is known to be right: otherwise the answer would say which emails exist.
  if (linkConfig().requireVerifiedEmail && !credentials.emailVerified) throw new EmailNotVerified();
  countMetric(MetricName.LoginSucceeded);
  const body: AuthToken = await signIn(credentials.id, event);
  return { status: 200, body, outcome: OUTCOME.loggedIn };
}
