/**
 * The functions' configuration, typed and read once per cold start. Split by need, so the
 * authorizer reads only what tokens need and never loads database or password settings.
 * Every getter fails with a ConfigError naming the variable; the HTTP wrapper answers it with a
 * 500 problem and logs the variable, so a bad deployment never crash-loops or leaks the cause.
 */
import type { KeyObject } from 'node:crypto';
import { ConfigError } from './errors';
import {
  choiceVariable,
  integerVariable,
  matchingVariable,
  readVariable,
  requiredVariable,
  secretVariable,
} from './env';
import { once, onceAsync } from './once';
import { InvalidKey, KEY_ID, parsePublicKeys, privateKeyFromPem, spkiOf } from './signing-keys';
import type { PublicKeys } from './signing-keys';

/** What verifying a token needs: public values only. */
export interface TokenConfig {
  /** The API's public base URL: `{issuer}/.well-known/openid-configuration` is its discovery document. */
  issuer: string;
  audience: string;
  /** Lifetime of an access token in seconds. */
  ttlSeconds: number;
  /** The public key of every live key generation, by key id. */
  publicKeys: PublicKeys;
}

/** What issuing a token needs besides TokenConfig: the current key, in KMS or (locally) in memory. */
export type SigningConfig = {
  /** The `kid` new tokens carry. */
  keyId: string;
  /** Its public key, from JWT_PUBLIC_KEYS. */
  publicKey: KeyObject;
} & ({ kmsKeyId: string; privateKey?: undefined } | { privateKey: KeyObject; kmsKeyId?: undefined });

export interface SessionConfig {
  /** A session's absolute lifetime: it ends then however often it is refreshed. */
  refreshTtlSeconds: number;
  /** A session not refreshed for this long ends. */
  idleTtlSeconds: number;
  /** How long after a rotation the previous refresh token may still be exchanged once (0: never). */
  reuseIntervalSeconds: number;
}

export interface DatabaseConfig {
  /** A mongodb:// or mongodb+srv:// URI; may hold credentials, so it never appears in an error. */
  uri: string;
  /** How long an operation waits for a reachable server before the function answers 503. */
  serverSelectionTimeoutMs: number;
}

export interface PasswordConfig {
  /** bcrypt cost factor: each step doubles the time of a hash and of a comparison. */
  cost: number;
}

export interface HttpConfig {
  /** The value of Access-Control-Allow-Origin: one origin or `*`. */
  corsAllowOrigin: string;
}

/** An http(s) base URL without a trailing slash, query or fragment, so `{issuer}/.well-known/...` is a URL. */
const ISSUER_URL = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._~-]+)*$/;

/** One of Powertools' log levels. */
export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

export interface ObservabilityConfig {
  serviceName: string;
  metricsNamespace: string;
  logLevel: LogLevelName;
  /**
   * Set when LOG_LEVEL is invalid. The logger must exist to report anything, so it starts at INFO
   * and every invocation answers this error instead of running.
   */
  logLevelError?: ConfigError;
}

export const tokenConfig = once((): TokenConfig => {
  requiredVariable('JWT_ISSUER');
  const issuer = matchingVariable(
    'JWT_ISSUER',
    ISSUER_URL,
    '',
    "the API's public base URL, such as https://api.example.com (no trailing slash)",
  );
  const audience = requiredVariable('JWT_AUDIENCE');
  // Short, since a refresh token renews it: 15 minutes, as Cognito's and Auth0's defaults go.
  const ttlSeconds = integerVariable('ACCESS_TOKEN_TTL', { fallback: 900, min: 60, max: 86_400 });
  let publicKeys: PublicKeys;
  try {
    publicKeys = parsePublicKeys(requiredVariable('JWT_PUBLIC_KEYS'));
  } catch (error) {
    if (error instanceof InvalidKey) throw new ConfigError('JWT_PUBLIC_KEYS', `JWT_PUBLIC_KEYS ${error.message}`);
    throw error;
  }
  return { issuer, audience, ttlSeconds, publicKeys };
});

/**
 * The current signing key: JWT_SIGNING_KEY_ID names it among JWT_PUBLIC_KEYS, and exactly one of
 * JWT_SIGNING_KMS_KEY (a KMS key id or ARN; deployments) or JWT_SIGNING_PRIVATE_KEY (a PKCS#8 PEM;
 * `make dev` and tests) says who holds its private half.
 */
export const signingConfig = once((): SigningConfig => {
  const { publicKeys } = tokenConfig();
  requiredVariable('JWT_SIGNING_KEY_ID');
  const keyId = matchingVariable('JWT_SIGNING_KEY_ID', KEY_ID, '', '1-64 letters, digits, - or _');
  const publicKey = publicKeys.get(keyId);
  if (publicKey === undefined)
    throw new ConfigError(
      'JWT_SIGNING_KEY_ID',
      `JWT_SIGNING_KEY_ID ${JSON.stringify(keyId)} is not a key id of JWT_PUBLIC_KEYS`,
    );
  const kmsKeyId = readVariable('JWT_SIGNING_KMS_KEY');
  const pem = readVariable('JWT_SIGNING_PRIVATE_KEY');
  if (kmsKeyId !== undefined && pem !== undefined)
    throw new ConfigError(
      'JWT_SIGNING_KMS_KEY',
      'JWT_SIGNING_KMS_KEY and JWT_SIGNING_PRIVATE_KEY are both set; set only one',
    );
  if (kmsKeyId !== undefined) return { keyId, publicKey, kmsKeyId };
  if (pem === undefined)
    throw new ConfigError(
      'JWT_SIGNING_KMS_KEY',
      'JWT_SIGNING_KMS_KEY is required (or, outside AWS, JWT_SIGNING_PRIVATE_KEY)',
    );
  let privateKey: KeyObject;
  try {
    privateKey = privateKeyFromPem(pem);
  } catch (error) {
    // Never the value: it is the one secret here.
    if (error instanceof InvalidKey)
      throw new ConfigError('JWT_SIGNING_PRIVATE_KEY', `JWT_SIGNING_PRIVATE_KEY ${error.message}`);
    throw error;
  }
  if (spkiOf(privateKey) !== spkiOf(publicKey)) {
    throw new ConfigError(
      'JWT_SIGNING_PRIVATE_KEY',
      `JWT_SIGNING_PRIVATE_KEY is not the private key of ${keyId} in JWT_PUBLIC_KEYS`,
    );
  }
  return { keyId, publicKey, privateKey };
});

export const sessionConfig = once((): SessionConfig => {
  const refreshTtlSeconds = integerVariable('REFRESH_TOKEN_TTL', {
    fallback: 30 * 86_400,
    min: 3600,
    max: 365 * 86_400,
  });
  const idleTtlSeconds = integerVariable('SESSION_IDLE_TTL', { fallback: 7 * 86_400, min: 300, max: 365 * 86_400 });
  if (idleTtlSeconds > refreshTtlSeconds) {
    throw new ConfigError(
      'SESSION_IDLE_TTL',
      `SESSION_IDLE_TTL must not exceed REFRESH_TOKEN_TTL (${refreshTtlSeconds}), got ${idleTtlSeconds}`,
    );
  }
  // Auth0's default is 0: any second use of a refresh token ends its session.
  const reuseIntervalSeconds = integerVariable('REFRESH_REUSE_INTERVAL', { fallback: 0, min: 0, max: 300 });
  return { refreshTtlSeconds, idleTtlSeconds, reuseIntervalSeconds };
});

export const databaseConfig = onceAsync(async (): Promise<DatabaseConfig> => {
  const serverSelectionTimeoutMs = integerVariable('MONGODB_SERVER_SELECTION_TIMEOUT_MS', {
    fallback: 2000,
    min: 50,
    max: 30_000,
  });
  const uri = await secretVariable('MONGODB_URI');
  if (!/^mongodb(\+srv)?:\/\/\S+$/.test(uri.value)) {
    throw new ConfigError(uri.variable, `${uri.source} must be a mongodb:// or mongodb+srv:// connection string`);
  }
  return { uri: uri.value, serverSelectionTimeoutMs };
});

export const passwordConfig = once((): PasswordConfig => ({
  // 10 is OWASP's minimum for bcrypt; past 20 a login takes longer than a Lambda should wait.
  cost: integerVariable('BCRYPT_COST', { fallback: 10, min: 4, max: 20 }),
}));

export const httpConfig = once((): HttpConfig => ({
  corsAllowOrigin: matchingVariable(
    'CORS_ALLOW_ORIGIN',
    /^(\*|https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)$/,
    '*',
    '* or an origin such as https://app.example.com',
  ),
}));

/** Never throws: observability must work to report the configuration errors of everything else. */
export function observabilityConfig(): ObservabilityConfig {
  const serviceName = readVariable('POWERTOOLS_SERVICE_NAME') ?? 'auth-api';
  const metricsNamespace = readVariable('POWERTOOLS_METRICS_NAMESPACE') ?? 'AuthApi';
  try {
    return { serviceName, metricsNamespace, logLevel: choiceVariable('LOG_LEVEL', LOG_LEVELS, 'INFO') };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { serviceName, metricsNamespace, logLevel: 'INFO', logLevelError: error };
  }
}

/** `on` or `off`, as the password and throttle switches are written. */
const ON_OFF = /^(on|off)$/;

export interface PasswordPolicyConfig {
  /** Whether new passwords are also looked up in Have I Been Pwned's range API. */
  pwnedCheck: boolean;
  /** The range API's base URL; `/range/<5 hex>` is appended. */
  pwnedUrl: string;
  /** How long a lookup may take before the password is accepted without it. */
  pwnedTimeoutMs: number;
}

export const passwordPolicyConfig = once((): PasswordPolicyConfig => ({
  pwnedCheck: matchingVariable('PWNED_PASSWORDS_CHECK', ON_OFF, 'off', 'on or off') === 'on',
  pwnedUrl: matchingVariable(
    'PWNED_PASSWORDS_URL',
    /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._~/-]*)?$/,
    'https://api.pwnedpasswords.com',
    'an http(s) URL without query',
  ),
  // Short: a registration should not wait on a third party; past it the check is skipped and counted.
  pwnedTimeoutMs: integerVariable('PWNED_PASSWORDS_TIMEOUT_MS', { fallback: 1000, min: 100, max: 5000 }),
}));

export interface LinkConfig {
  /** How long a password reset link works. */
  passwordResetTtlSeconds: number;
  /** How long an email verification link works. */
  emailVerificationTtlSeconds: number;
  /** Whether login is refused (403) until the account's email is verified. */
  requireVerifiedEmail: boolean;
}

export const linkConfig = once((): LinkConfig => ({
  passwordResetTtlSeconds: integerVariable('PASSWORD_RESET_TTL', { fallback: 1800, min: 300, max: 86_400 }),
  emailVerificationTtlSeconds: integerVariable('EMAIL_VERIFICATION_TTL', {
    fallback: 86_400,
    min: 3600,
    max: 7 * 86_400,
  }),
  requireVerifiedEmail: matchingVariable('REQUIRE_VERIFIED_EMAIL', ON_OFF, 'off', 'on or off') === 'on',
}));

/** A limit on attempts from one client address within a fixed window. */
export interface AddressLimit {
  /** Attempts allowed per window; the next one is refused until the window ends. */
  limit: number;
  windowSeconds: number;
}

export interface ThrottleConfig {
  /** Consecutive failed logins of one account before it is refused for a while. */
  maxFailures: number;
  /** The first refusal's length; each further failure doubles it. */
  backoffSeconds: number;
  /** The longest refusal. */
  maxBackoffSeconds: number;
  /**
   * Per client address: failed logins, registrations (every attempt), failed refreshes, emails
   * asked for (every request) and emailed-link tokens that did not work.
   */
  address: {
    login: AddressLimit;
    register: AddressLimit;
    refreshToken: AddressLimit;
    emailRequests: AddressLimit;
    linkFailures: AddressLimit;
  };
  /** Per account (known or not, by the hash of its email): emails asked for, every request. */
  account: { emailRequests: AddressLimit };
}

/** Retry-After is at most an hour in the contract, so no refusal lasts longer. */
const MAX_REFUSAL_SECONDS = 3600;

function addressLimit(limitVariable: string, windowVariable: string, fallback: AddressLimit): AddressLimit {
  return {
    limit: integerVariable(limitVariable, { fallback: fallback.limit, min: 1, max: 1_000_000 }),
    windowSeconds: integerVariable(windowVariable, {
      fallback: fallback.windowSeconds,
      min: 60,
      max: MAX_REFUSAL_SECONDS,
    }),
  };
}

export const throttleConfig = once((): ThrottleConfig => {
  const maxFailures = integerVariable('LOGIN_MAX_FAILURES', { fallback: 5, min: 1, max: 100 });
  const backoffSeconds = integerVariable('LOGIN_BACKOFF_SECONDS', { fallback: 30, min: 1, max: MAX_REFUSAL_SECONDS });
  const maxBackoffSeconds = integerVariable('LOGIN_MAX_BACKOFF_SECONDS', {
    fallback: 900,
    min: 1,
    max: MAX_REFUSAL_SECONDS,
  });
  if (maxBackoffSeconds < backoffSeconds) {
    throw new ConfigError(
      'LOGIN_MAX_BACKOFF_SECONDS',
      `LOGIN_MAX_BACKOFF_SECONDS must be at least LOGIN_BACKOFF_SECONDS (${backoffSeconds}), got ${maxBackoffSeconds}`,
    );
  }
  return {
    maxFailures,
    backoffSeconds,
    maxBackoffSeconds,
    address: {
      login: addressLimit('ADDRESS_LOGIN_FAILURES', 'ADDRESS_LOGIN_WINDOW_SECONDS', { limit: 50, windowSeconds: 900 }),
      register: addressLimit('ADDRESS_REGISTRATIONS', 'ADDRESS_REGISTRATION_WINDOW_SECONDS', {
        limit: 20,
        windowSeconds: 3600,
      }),
      refreshToken: addressLimit('ADDRESS_REFRESH_FAILURES', 'ADDRESS_REFRESH_WINDOW_SECONDS', {
        limit: 50,
        windowSeconds: 900,
      }),
      emailRequests: addressLimit('ADDRESS_EMAIL_REQUESTS', 'ADDRESS_EMAIL_WINDOW_SECONDS', {
        limit: 20,
        windowSeconds: 3600,
      }),
      linkFailures: addressLimit('ADDRESS_LINK_FAILURES', 'ADDRESS_LINK_WINDOW_SECONDS', {
        limit: 50,
        windowSeconds: 900,
      }),
    },
    account: {
      emailRequests: addressLimit('ACCOUNT_EMAIL_REQUESTS', 'ACCOUNT_EMAIL_WINDOW_SECONDS', {
        limit: 5,
        windowSeconds: 3600,
      }),
    },
  };
});
