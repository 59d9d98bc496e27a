/**
 * The errors the functions raise on purpose. Each carries its HTTP status, its problem kind and
 * the outcome it logs; `functions/shared/problem.ts` turns them into responses in one place.
 *
 * `message` is for the logs. `detail` is what a client may read: for a 4xx it is the message
 * (it describes the client's own request), for a 5xx it is a fixed text that reveals nothing.
 */
import type { Outcome } from './outcomes';
import { OUTCOME } from './outcomes';

/** The last segment of a problem's `type` (`urn:auth-api:problem:<kind>`). */
export const PROBLEM_KIND = {
  validation: 'validation',
  malformedJson: 'malformed-json',
  unsupportedMediaType: 'unsupported-media-type',
  payloadTooLarge: 'payload-too-large',
  unauthorized: 'unauthorized',
  invalidCredentials: 'invalid-credentials',
  userNotFound: 'user-not-found',
  emailTaken: 'email-taken',
  invalidRefreshToken: 'invalid-refresh-token',
  sessionNotFound: 'session-not-found',
  invalidToken: 'invalid-token',
  emailNotVerified: 'email-not-verified',
  emailAlreadyVerified: 'email-already-verified',
  tooManyAttempts: 'too-many-attempts',
  internal: 'internal',
  unavailable: 'unavailable',
} as const;

export type ProblemKind = (typeof PROBLEM_KIND)[keyof typeof PROBLEM_KIND];

/** One failing field: a JSON Pointer into the body (`/email`) or a query parameter name (`limit`). */
export interface FieldError {
  path: string;
  message: string;
}

interface HttpErrorOptions {
  status: number;
  kind: ProblemKind;
  title: string;
  /** What the client reads. */
  detail: string;
  outcome: Outcome;
  /** What the logs read; defaults to `detail`. */
  message?: string;
  /** A low-cardinality refinement of the outcome, logged and used as a metric dimension. */
  reason?: string;
  headers?: Readonly<Record<string, string>>;
  cause?: unknown;
}

export class HttpError extends Error {
  readonly status: number;
  readonly kind: ProblemKind;
  readonly title: string;
  readonly detail: string;
  readonly outcome: Outcome;
  readonly reason: string | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(options: HttpErrorOptions) {
    super(options.message ?? options.detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.kind = options.kind;
    this.title = options.title;
    this.detail = options.detail;
    this.outcome = options.outcome;
    this.reason = options.reason;
    this.headers = options.headers ?? {};
  }

  /** middy's rule: only a 4xx describes the client's request, so only a 4xx may show its message. */
  get expose(): boolean {
    return this.status < 500;
  }
}

/** The contract's limit on the `errors` list of a problem. */
export const MAX_FIELD_ERRORS = 100;

export class ValidationFailed extends HttpError {
  override readonly name = 'ValidationFailed';
  /** At most MAX_FIELD_ERRORS entries; `detail` still counts them all. */
  readonly errors: readonly FieldError[];

  constructor(errors: readonly FieldError[]) {
    const count = errors.length;
    super({
      status: 400,
      kind: PROBLEM_KIND.validation,
      title: 'Your request is not valid',
      detail: count === 1 ? '1 field is invalid' : `${count} fields are invalid`,
      outcome: OUTCOME.validationFailed,
    });
    this.errors = errors.slice(0, MAX_FIELD_ERRORS);
  }
}

export class MalformedJson extends HttpError {
  override readonly name = 'MalformedJson';

  constructor(detail: string) {
    super({
      status: 400,
      kind: PROBLEM_KIND.malformedJson,
      title: 'Malformed request body',
      detail,
      outcome: OUTCOME.malformedBody,
    });
  }
}

export class UnsupportedMediaType extends HttpError {
  override readonly name = 'UnsupportedMediaType';

  constructor() {
    super({
      status: 415,
      kind: PROBLEM_KIND.unsupportedMediaType,
      title: 'Unsupported media type',
      detail: 'Send the body as JSON with Content-Type application/json',
      outcome: OUTCOME.unsupportedMediaType,
    });
  }
}

export class PayloadTooLarge extends HttpError {
  override readonly name = 'PayloadTooLarge';

  constructor(limitBytes: number) {
    super({
      status: 413,
      kind: PROBLEM_KIND.payloadTooLarge,
      title: 'Request body too large',
      detail: `The request body must be at most ${limitBytes} bytes`,
      outcome: OUTCOME.payloadTooLarge,
    });
  }
}

export class EmailTaken extends HttpError {
  override readonly name = 'EmailTaken';

  constructor() {
    super({
      status: 409,
      kind: PROBLEM_KIND.emailTaken,
      title: 'Email already registered',
      detail: 'A user with this email is already registered',
      outcome: OUTCOME.emailTaken,
    });
  }
}

/** One answer for an unknown email and a wrong password, so the response does not reveal which emails exist. */
export class InvalidCredentials extends HttpError {
  override readonly name = 'InvalidCredentials';

  constructor() {
    super({
      status: 401,
      kind: PROBLEM_KIND.invalidCredentials,
      title: 'Invalid credentials',
      detail: 'The email or password is incorrect',
      outcome: OUTCOME.invalidCredentials,
    });
  }
}

export class UserNotFound extends HttpError {
  override readonly name = 'UserNotFound';

  constructor() {
    super({
      status: 404,
      kind: PROBLEM_KIND.userNotFound,
      title: 'User not found',
      detail: 'The user this token was issued to no longer exists',
      outcome: OUTCOME.userNotFound,
    });
  }
}

/** The password given to confirm a sensitive change (new password, account deletion) is wrong. */
export class WrongPassword extends HttpError {
  override readonly name = 'WrongPassword';

  constructor() {
    super({
      status: 401,
      kind: PROBLEM_KIND.invalidCredentials,
      title: 'Invalid credentials',
      detail: 'The password is incorrect',
      outcome: OUTCOME.invalidCredentials,
    });
  }
}

/** Why a new password was refused: the `reason` dimension of PasswordRejected. */
export const PASSWORD_REJECTION = {
  /** On the bundled list of common passwords. */
  common: 'common',
  /** Contains the user's name or email. */
  personal: 'personal',
  /** Found by the breached-password service. */
  breached: 'breached',
} as const;

export type PasswordRejection = (typeof PASSWORD_REJECTION)[keyof typeof PASSWORD_REJECTION];

/** Why a refresh token was refused: the `reason` dimension of RefreshRefused, never told to the client. */
export const REFRESH_REJECTION = {
  malformed: 'malformed',
  unknown: 'unknown',
  expired: 'expired',
  idle: 'idle',
  revoked: 'revoked',
  reuse: 'reuse',
} as const;

export type RefreshRejection = (typeof REFRESH_REJECTION)[keyof typeof REFRESH_REJECTION];

/**
 * Why an email was not sent: the `reason` dimension of EmailSendFailed. The request that wanted it
 * still answers as if it had been sent, so the client never learns which emails exist.
 */
export const EMAIL_FAILURE = {
  /** The deployment is wrong (identity, permission, configuration set, a setting) and will stay so until fixed. */
  misconfigured: 'misconfigured',
  /** The provider refused this message or recipient (an SES sandbox, a malformed address). */
  rejected: 'rejected',
  /** The sending rate or the daily quota is exceeded. */
  throttled: 'throttled',
  /** No answer in time, or a server error: another try may work. */
  unavailable: 'unavailable',
} as const;

export type EmailFailure = (typeof EMAIL_FAILURE)[keyof typeof EMAIL_FAILURE];

/** One answer for every refused refresh token, so its shape, age or history reveals nothing. */
export class InvalidRefreshToken extends HttpError {
  override readonly name = 'InvalidRefreshToken';

  constructor(readonly rejection: RefreshRejection) {
    super({
      status: 401,
      kind: PROBLEM_KIND.invalidRefreshToken,
      title: 'Invalid refresh token',
      detail: 'The refresh token is not valid; log in again',
      message: `refresh token refused: ${rejection}`,
      outcome: OUTCOME.refreshRefused,
      reason: rejection,
    });
  }
}

/** One answer for a session that is not the caller's, has ended or never existed. */
export class SessionNotFound extends HttpError {
  override readonly name = 'SessionNotFound';

  constructor() {
    super({
      status: 404,
      kind: PROBLEM_KIND.sessionNotFound,
      title: 'Session not found',
      detail: 'You have no live session with this id',
      outcome: OUTCOME.sessionNotFound,
    });
  }
}

/** Why a token was refused: the `reason` dimension of the AuthorizerRejected metric. */
export const TOKEN_REJECTION = {
  missing: 'missing',
  malformed: 'malformed',
  expired: 'expired',
  notYetValid: 'not_yet_valid',
  /**
   * No live key verifies the signature, or the `kid` names none (missing, never ours, or retired):
   * one reason, since every value is one more metric the authorizer's error alarm reads, and
   * CloudWatch allows it ten.
   */
  badSignature: 'bad_signature',
  wrongAlgorithm: 'wrong_algorithm',
  wrongIssuer: 'wrong_issuer',
  wrongAudience: 'wrong_audience',
  badClaims: 'bad_claims',
} as const;

export type TokenRejection = (typeof TOKEN_REJECTION)[keyof typeof TOKEN_REJECTION];

/**
 * The authorizer turns it into API Gateway's 401; a protected operation that finds the token
 * expired answers the same 401 itself. The client never learns the reason, the logs do.
 */
export class TokenRejected extends HttpError {
  override readonly name = 'TokenRejected';

  constructor(
    readonly rejection: TokenRejection,
    cause?: unknown,
  ) {
    super({
      status: 401,
      kind: PROBLEM_KIND.unauthorized,
      title: 'Unauthorized',
      detail: 'A valid access token is required',
      message: `token rejected: ${rejection}`,
      outcome: OUTCOME.tokenRejected,
      reason: rejection,
      // RFC 6750 §3: a 401 for a bearer token names the scheme, and why without saying more.
      headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
      cause,
    });
  }
}

/**
 * The access token is valid but its session has ended (logout, revocation, password change,
 * account deletion, expiry): the same 401 as a refused token, so a revoked session stops working
 * at once even while API Gateway still serves the authorizer's cached Allow.
 */
export class SessionEnded extends HttpError {
  override readonly name = 'SessionEnded';

  constructor() {
    super({
      status: 401,
      kind: PROBLEM_KIND.unauthorized,
      title: 'Unauthorized',
      detail: 'A valid access token is required',
      message: 'the session of the access token has ended',
      outcome: OUTCOME.tokenRejected,
      reason: 'session_ended',
      headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
    });
  }
}

/**
 * Too many failed logins for an account, or too many attempts from one address: the same answer
 * whichever it is, and for a registered email and an unknown one alike, with the seconds to wait.
 */
export class TooManyAttempts extends HttpError {
  override readonly name = 'TooManyAttempts';

  constructor(
    readonly retryAfterSeconds: number,
    scope: string,
  ) {
    super({
      status: 429,
      kind: PROBLEM_KIND.tooManyAttempts,
      title: 'Too many attempts',
      detail: `Too many attempts; try again in ${retryAfterSeconds} seconds`,
      message: `too many attempts (${scope}); retry after ${retryAfterSeconds} s`,
      outcome: OUTCOME.throttled,
      reason: scope,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}

/** An emailed link's token that is unknown, used, expired or superseded: one answer for all, which says no more. */
export class InvalidLinkToken extends HttpError {
  override readonly name = 'InvalidLinkToken';

  constructor() {
    super({
      status: 400,
      kind: PROBLEM_KIND.invalidToken,
      title: 'Invalid or expired link',
      detail: 'This link is not valid any more; ask for a new one',
      outcome: OUTCOME.invalidLinkToken,
    });
  }
}

/** Right credentials, but REQUIRE_VERIFIED_EMAIL is on and the account's email is not verified yet. */
export class EmailNotVerified extends HttpError {
  override readonly name = 'EmailNotVerified';

  constructor() {
    super({
      status: 403,
      kind: PROBLEM_KIND.emailNotVerified,
      title: 'Email not verified',
      detail: 'Verify your email address with the link we sent before logging in',
      outcome: OUTCOME.emailNotVerified,
    });
  }
}

export class EmailAlreadyVerified extends HttpError {
  override readonly name = 'EmailAlreadyVerified';

  constructor() {
    super({
      status: 409,
      kind: PROBLEM_KIND.emailAlreadyVerified,
      title: 'Email already verified',
      detail: 'Your email address is verified already',
      outcome: OUTCOME.emailAlreadyVerified,
    });
  }
}

/** Seconds a client should wait before retrying after a 503. */
export const RETRY_AFTER_SECONDS = 5;

/** A dependency did not answer; retrying later may work. */
export class DependencyUnavailable extends HttpError {
  override readonly name: string = 'DependencyUnavailable';

  constructor(
    readonly dependency: string,
    cause: unknown,
  ) {
    super({
      status: 503,
      kind: PROBLEM_KIND.unavailable,
      title: 'Service unavailable',
      detail: 'The service is temporarily unavailable; try again shortly',
      message: `${dependency} is unavailable`,
      outcome: OUTCOME.dependencyUnavailable,
      reason: dependency,
      headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
      cause,
    });
  }
}

export class DatabaseUnavailable extends DependencyUnavailable {
  override readonly name = 'DatabaseUnavailable';

  constructor(cause: unknown) {
    super('database', cause);
  }
}

const INTERNAL = {
  status: 500,
  kind: PROBLEM_KIND.internal,
  title: 'Internal error',
  detail: 'Internal error',
} as const;

/** A configuration variable is missing or invalid; the message names it (and never holds a secret's value). */
export class ConfigError extends HttpError {
  override readonly name = 'ConfigError';

  constructor(
    readonly variable: string,
    message: string,
    cause?: unknown,
  ) {
    super({ ...INTERNAL, message, outcome: OUTCOME.configError, cause });
  }
}

/** API Gateway called the function in a way the deployment should make impossible (no authorizer context, an odd method ARN). */
export class IntegrationError extends HttpError {
  override readonly name = 'IntegrationError';

  constructor(message: string) {
    super({ ...INTERNAL, message, outcome: OUTCOME.integrationError });
  }
}
