/**
 * The settings of `make dev`, read once from the environment. A bad value stops the start with a
 * message naming the variable; an absent one gets a local default.
 */
import { devSigningKey, DevSigningKeyError } from './signing-key';
import type { DevSigningKey } from './signing-key';
import { LOG_FORMATS } from './request-log';
import type { LogFormat } from './request-log';

/** Names of the functions' own settings the gateway passes through (functions/shared/config.ts reads them). */
const FUNCTION_SETTINGS = [
  'ACCESS_TOKEN_TTL',
  'BCRYPT_COST',
  'LOG_LEVEL',
  'MONGODB_SERVER_SELECTION_TIMEOUT_MS',
  'POWERTOOLS_LOG_LEVEL',
  'POWERTOOLS_METRICS_DISABLED',
  'LOGIN_MAX_FAILURES',
  'LOGIN_BACKOFF_SECONDS',
  'LOGIN_MAX_BACKOFF_SECONDS',
  'ADDRESS_LOGIN_FAILURES',
  'ADDRESS_LOGIN_WINDOW_SECONDS',
  'ADDRESS_REGISTRATIONS',
  'ADDRESS_REGISTRATION_WINDOW_SECONDS',
  'ADDRESS_REFRESH_FAILURES',
  'ADDRESS_REFRESH_WINDOW_SECONDS',
  'ADDRESS_EMAIL_REQUESTS',
  'ADDRESS_EMAIL_WINDOW_SECONDS',
  'ADDRESS_LINK_FAILURES',
  'ADDRESS_LINK_WINDOW_SECONDS',
  'ACCOUNT_EMAIL_REQUESTS',
  'ACCOUNT_EMAIL_WINDOW_SECONDS',
  'PASSWORD_RESET_TTL',
  'EMAIL_VERIFICATION_TTL',
  'REQUIRE_VERIFIED_EMAIL',
  'REFRESH_TOKEN_TTL',
  'SESSION_IDLE_TTL',
  'REFRESH_REUSE_INTERVAL',
  'PWNED_PASSWORDS_CHECK',
  'PWNED_PASSWORDS_URL',
  'PWNED_PASSWORDS_TIMEOUT_MS',
] as const;

/** The sender of the emails the outbox keeps; .localhost never leaves the machine (RFC 6761). */
export const LOCAL_EMAIL_FROM = 'no-reply@auth-api.localhost';

/** The stage name the local gateway serves and the name its resources would carry in AWS. */
export const LOCAL_STAGE = 'local';
const LOCAL_NAME = `auth-api-${LOCAL_STAGE}`;

export interface DevConfig {
  port: number;
  /** Port of the local Lambda Invoke API the functions call (0: any free port; they are told which). */
  lambdaPort: number;
  host: string;
  /** Unset: start the embedded MongoDB. */
  mongodbUri?: string;
  /** Seconds; API Gateway's default is 300, 0 disables the cache. */
  authorizerTtlSeconds: number;
  corsAllowOrigin: string;
  /** Default timeout of every function, in milliseconds. */
  functionTimeoutMs: number;
  /** Per-function timeouts in milliseconds, from FUNCTION_TIMEOUTS. */
  functionTimeoutsMs: Record<string, number>;
  maxInstances: number;
  logFormat: LogFormat;
  /** The key that signs tokens: made for the run unless JWT_SIGNING_PRIVATE_KEY is set. */
  signingKey: DevSigningKey;
  /**
   * The environment every function gets, as Terraform's `environment.variables` would. JWT_ISSUER
   * is the gateway's URL, known once it listens, unless the environment sets it.
   */
  functionEnvironment: Record<string, string>;
}

export class DevConfigError extends Error {
  override name = 'DevConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new DevConfigError(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  return value;
}

/** Seconds, as Lambda's timeout setting takes them; fractions allowed locally for quick experiments. */
function seconds(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > 900)
    throw new DevConfigError(`${name} must be a number of seconds from 0 to 900, not "${raw}"`);
  return Math.round(value * 1000);
}

/** `authorizer=3,listUsers=10` → { authorizer: 3000, listUsers: 10000 } */
function timeouts(env: Env): Record<string, number> {
  const raw = env.FUNCTION_TIMEOUTS;
  if (!raw) return {};
  const out: Record<string, number> = {};
  for (const item of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^([A-Za-z][A-Za-z0-9]*)=(.+)$/.exec(item);
    if (!match) throw new DevConfigError(`FUNCTION_TIMEOUTS must look like "authorizer=3,listUsers=10", not "${raw}"`);
    out[match[1]!] = seconds(`FUNCTION_TIMEOUTS (${match[1]})`, match[2]!);
  }
  return out;
}

export function readDevConfig(env: Env = process.env): DevConfig {
  const logFormat = env.LOG_FORMAT ?? LOG_FORMATS.pretty;
  if (logFormat !== LOG_FORMATS.pretty && logFormat !== LOG_FORMATS.json)
    throw new DevConfigError(`LOG_FORMAT must be "pretty" or "json", not "${logFormat}"`);
  const corsAllowOrigin = env.CORS_ALLOW_ORIGIN || '*';
  if (corsAllowOrigin !== '*' && !/^https?:\/\/[A-Za-z0-9.-]+(:\d+)?$/.test(corsAllowOrigin)) {
    throw new DevConfigError(
      `CORS_ALLOW_ORIGIN must be * or one origin such as http://localhost:5173, not "${corsAllowOrigin}"`,
    );
  }
  const port = integer(env, 'PORT', 3000, 0, 65535);
  let signingKey: DevSigningKey;
  try {
    signingKey = devSigningKey(env);
  } catch (error) {
    if (error instanceof DevSigningKeyError) throw new DevConfigError(error.message);
    throw error;
  }

  const functionEnvironment: Record<string, string> = {
    ...signingKey.environment,
    ...(env.JWT_ISSUER ? { JWT_ISSUER: env.JWT_ISSUER } : {}),
    // Nothing is sent: the functions hand their emails to make dev's outbox (EMAIL_OUTBOX_URL, set once it listens).
    EMAIL_TRANSPORT: 'local',
    EMAIL_FROM: env.EMAIL_FROM || LOCAL_EMAIL_FROM,
    // The gateway's URL unless set, known once it listens, like JWT_ISSUER.
    ...(env.APP_URL ? { APP_URL: env.APP_URL } : {}),
    JWT_AUDIENCE: env.JWT_AUDIENCE || `${LOCAL_NAME}-api`,
    CORS_ALLOW_ORIGIN: corsAllowOrigin,
    POWERTOOLS_SERVICE_NAME: env.POWERTOOLS_SERVICE_NAME || LOCAL_NAME,
    POWERTOOLS_METRICS_NAMESPACE: env.POWERTOOLS_METRICS_NAMESPACE || 'AuthApi',
  };
  for (const name of FUNCTION_SETTINGS) {
    const value = env[name];
    if (value !== undefined && value !== '') functionEnvironment[name] = value;
  }

  return {
    port,
    lambdaPort: integer(env, 'LAMBDA_PORT', 0, 0, 65535),
    host: env.HOST || '127.0.0.1',
    ...(env.MONGODB_URI ? { mongodbUri: env.MONGODB_URI } : {}),
    authorizerTtlSeconds: integer(env, 'AUTHORIZER_TTL', 300, 0, 3600),
    corsAllowOrigin,
    functionTimeoutMs: env.FUNCTION_TIMEOUT ? seconds('FUNCTION_TIMEOUT', env.FUNCTION_TIMEOUT) : 6000,
    functionTimeoutsMs: timeouts(env),
    maxInstances: integer(env, 'LAMBDA_MAX_INSTANCES', 1, 1, 64),
    logFormat,
    signingKey,
    functionEnvironment,
  };
}
