/**
 * The functions' configuration for tests: one baseline, process.env restored after every test.
 */
import { CURRENT_KEY, signingVariables } from './keys';

export const TEST_ISSUER = 'https://auth-api.example.test';
export const TEST_AUDIENCE = 'auth-api-test-clients';
export const TEST_ORIGIN = 'https://app.example.com';

export const TEST_ENV = {
  // Tokens are signed by the local signer with a fixed test key (test/support/keys.ts).
  ...signingVariables(CURRENT_KEY),
  JWT_ISSUER: TEST_ISSUER,
  JWT_AUDIENCE: TEST_AUDIENCE,
  ACCESS_TOKEN_TTL: '3600',
  // Cost 4 keeps tests fast; one test checks that the default is 10.
  BCRYPT_COST: '4',
  CORS_ALLOW_ORIGIN: TEST_ORIGIN,
  MONGODB_SERVER_SELECTION_TIMEOUT_MS: '500',
  LOG_LEVEL: 'INFO',
  // Every test event comes from one address: limits a file would reach by its own registrations
  // and failures are lifted; the throttle tests set the limits they exercise.
  ADDRESS_LOGIN_FAILURES: '1000000',
  ADDRESS_REGISTRATIONS: '1000000',
  ADDRESS_REFRESH_FAILURES: '1000000',
  ADDRESS_EMAIL_REQUESTS: '1000000',
  ADDRESS_LINK_FAILURES: '1000000',
  // Emails go to a local outbox: the one global setup started, or a test's own (test/support/outbox.ts).
  EMAIL_TRANSPORT: 'local',
  EMAIL_FROM: 'no-reply@auth-api.test',
  APP_URL: TEST_ORIGIN,
} as const;

/** Variables the functions read; cleared first so a developer's shell cannot change a test. */
const FUNCTION_VARIABLES = [
  'MONGODB_URI',
  'MONGODB_URI_PARAMETER',
  'MONGODB_SERVER_SELECTION_TIMEOUT_MS',
  'JWT_PUBLIC_KEYS',
  'JWT_SIGNING_KEY_ID',
  'JWT_SIGNING_KMS_KEY',
  'JWT_SIGNING_PRIVATE_KEY',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'ACCESS_TOKEN_TTL',
  'REFRESH_TOKEN_TTL',
  'SESSION_IDLE_TTL',
  'REFRESH_REUSE_INTERVAL',
  'BCRYPT_COST',
  'CORS_ALLOW_ORIGIN',
  'LOG_LEVEL',
  'LOGIN_MAX_FAILURES',
  'LOGIN_BACKOFF_SECONDS',
  'LOGIN_MAX_BACKOFF_SECONDS',
  'ADDRESS_LOGIN_FAILURES',
  'ADDRESS_LOGIN_WINDOW_SECONDS',
  'ADDRESS_REGISTRATIONS',
  'ADDRESS_REGISTRATION_WINDOW_SECONDS',
  'ADDRESS_REFRESH_FAILURES',
  'ADDRESS_REFRESH_WINDOW_SECONDS',
  'PWNED_PASSWORDS_CHECK',
  'PWNED_PASSWORDS_URL',
  'PWNED_PASSWORDS_TIMEOUT_MS',
  'EMAIL_TRANSPORT',
  'EMAIL_FROM',
  'EMAIL_CONFIGURATION_SET',
  'EMAIL_OUTBOX_URL',
  'APP_URL',
  'PASSWORD_RESET_TTL',
  'EMAIL_VERIFICATION_TTL',
  'REQUIRE_VERIFIED_EMAIL',
  'ADDRESS_EMAIL_REQUESTS',
  'ADDRESS_EMAIL_WINDOW_SECONDS',
  'ADDRESS_LINK_FAILURES',
  'ADDRESS_LINK_WINDOW_SECONDS',
  'ACCOUNT_EMAIL_REQUESTS',
  'ACCOUNT_EMAIL_WINDOW_SECONDS',
  'POWERTOOLS_DEV',
  'POWERTOOLS_METRICS_DISABLED',
];

/** Restores process.env after every test of the file. */
export function restoreEnvAfterEach(): void {
  let saved: NodeJS.ProcessEnv = {};
  beforeEach(() => {
    saved = { ...process.env };
  });
  afterEach(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  });
}

/** Sets (or, for undefined, removes) variables. */
export function setEnv(variables: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(variables)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

/** The baseline configuration plus a MongoDB URI, replacing whatever the functions' variables held. */
export function configureFunctions(mongodbUri: string, overrides: Record<string, string | undefined> = {}): void {
  setEnv(Object.fromEntries(FUNCTION_VARIABLES.map((name) => [name, undefined])));
  setEnv({ ...TEST_ENV, MONGODB_URI: mongodbUri, EMAIL_OUTBOX_URL: process.env.TEST_SINK_OUTBOX_URL, ...overrides });
}
