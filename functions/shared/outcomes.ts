/**
 * How an invocation ended, as written in the `outcome` field of its request log line. A fixed,
 * low-cardinality set so that log queries and metric filters can group by it.
 */
export const OUTCOME = {
  registered: 'registered',
  loggedIn: 'logged_in',
  userFound: 'user_found',
  usersListed: 'users_listed',
  refreshed: 'refreshed',
  refreshRefused: 'refresh_refused',
  loggedOut: 'logged_out',
  sessionsListed: 'sessions_listed',
  sessionRevoked: 'session_revoked',
  sessionsRevoked: 'sessions_revoked',
  sessionNotFound: 'session_not_found',
  passwordChanged: 'password_changed',
  accountDeleted: 'account_deleted',
  /** POST /password/forgot and POST /me/email/verification: the email is queued or sent (or, for an unknown address, nothing is). */
  emailAccepted: 'email_accepted',
  passwordReset: 'password_reset',
  emailVerified: 'email_verified',
  invalidLinkToken: 'invalid_link_token',
  emailNotVerified: 'email_not_verified',
  emailAlreadyVerified: 'email_already_verified',
  allowed: 'allowed',
  keysServed: 'keys_served',
  discoveryServed: 'discovery_served',
  validationFailed: 'validation_failed',
  malformedBody: 'malformed_body',
  unsupportedMediaType: 'unsupported_media_type',
  payloadTooLarge: 'payload_too_large',
  emailTaken: 'email_taken',
  invalidCredentials: 'invalid_credentials',
  userNotFound: 'user_not_found',
  /** Refused by the per-account or per-address throttle (429). */
  throttled: 'throttled',
  tokenRejected: 'token_rejected',
  dependencyUnavailable: 'dependency_unavailable',
  configError: 'config_error',
  integrationError: 'integration_error',
  /** An error no class describes: a bug until proven otherwise. */
  error: 'error',
} as const;

export type Outcome = (typeof OUTCOME)[keyof typeof OUTCOME];
