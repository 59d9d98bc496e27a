/**
 * Where the benchmark's own files are (the repository's are in scripts/paths.ts) and the environment
 * each function gets: the variables Terraform sets (infra/functions.tf) plus the ones Lambda's
 * runtime sets, and nothing from the caller's shell.
 */
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { lambdaStandInVariables } from './lambda-stand-in';

export const BENCH_DIR = __dirname;
export const OUT_DIR = join(BENCH_DIR, 'out');
export const HOST = join(BENCH_DIR, 'host.cjs');
export const TARGETS_DIR = join(BENCH_DIR, 'targets');
export const ORIGINAL_DIR = join(BENCH_DIR, 'baseline', 'original');

/** What the benchmark runs with, fixed for one run. */
export interface BenchConfig {
  mongoUri: string;
  /** The tutorial's HS256 secret, and the HS256 comparison target's. */
  jwtSecret: string;
  /** The P-256 key our functions sign with through their local signer (KMS stands in for it in AWS). */
  signingKey: { kid: string; privatePem: string; spki: string };
  jwtIssuer: string;
  jwtAudience: string;
  bcryptCost: number;
  /** Where the functions post their emails (the local outbox) and queue their deferred jobs (bench/lambda-stand-in.ts). */
  services: BenchServices;
}

/** The local stand-ins for what the functions call in AWS besides the database: SES and Lambda's Invoke. */
export interface BenchServices {
  outboxUrl: string;
  lambdaUrl: string;
}

/** The sender and link base the bench's emails carry; nothing leaves the machine. */
export const BENCH_EMAIL_FROM = 'no-reply@auth-api.bench.example';
export const BENCH_APP_URL = 'https://app.bench.example';

const DEFAULT_BCRYPT_COST = 10;

/** Reads BCRYPT_COST as the functions do, so the benchmark measures the cost a deployment would use. */
export function readBcryptCost(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_BCRYPT_COST;
  const cost = Number(value);
  if (!Number.isInteger(cost) || cost < 4 || cost > 31)
    throw new Error(`BCRYPT_COST must be a whole number from 4 to 31, got '${value}'`);
  return cost;
}

function newSigningKey(): BenchConfig['signingKey'] {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    kid: 'bench',
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    spki: createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

export function newBenchConfig(mongoUri: string, bcryptCost: number, services: BenchServices): BenchConfig {
  return {
    mongoUri,
    services,
    // A fresh secret and key per run: nothing the benchmark signs is valid anywhere else.
    jwtSecret: randomBytes(48).toString('base64'),
    signingKey: newSigningKey(),
    jwtIssuer: 'https://auth-api.bench.example',
    jwtAudience: 'auth-api-bench-api',
    bcryptCost,
  };
}

export function functionEnvironment(
  config: BenchConfig,
  functionName: string,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    TZ: ':UTC',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    MONGODB_URI: config.mongoUri,
    JWT_PUBLIC_KEYS: JSON.stringify({ [config.signingKey.kid]: config.signingKey.spki }),
    JWT_SIGNING_KEY_ID: config.signingKey.kid,
    JWT_SIGNING_PRIVATE_KEY: config.signingKey.privatePem,
    // Read by the tutorial's code and the HS256 comparison target only.
    JWT_SECRET: config.jwtSecret,
    JWT_ISSUER: config.jwtIssuer,
    JWT_AUDIENCE: config.jwtAudience,
    ACCESS_TOKEN_TTL: '3600',
    BCRYPT_COST: String(config.bcryptCost),
    LOG_LEVEL: 'INFO',
    CORS_ALLOW_ORIGIN: '*',
    POWERTOOLS_SERVICE_NAME: 'auth-api',
    POWERTOOLS_METRICS_NAMESPACE: 'AuthApi',
    // Every benchmark request comes from one address: it measures the work, not the address throttle.
    ADDRESS_LOGIN_FAILURES: '1000000',
    ADDRESS_REGISTRATIONS: '1000000',
    ADDRESS_REFRESH_FAILURES: '1000000',
    ADDRESS_EMAIL_REQUESTS: '1000000',
    // The same email asked for again and again: the work of counting it, never a refusal.
    ACCOUNT_EMAIL_REQUESTS: '1000000',
    // Emails go to a local outbox, as in `make dev`; in AWS, SES sends them (infra/email.tf).
    EMAIL_TRANSPORT: 'local',
    EMAIL_OUTBOX_URL: config.services.outboxUrl,
    EMAIL_FROM: BENCH_EMAIL_FROM,
    APP_URL: BENCH_APP_URL,
    // What Lambda's runtime adds: credentials, and here where Invoke is answered.
    ...lambdaStandInVariables(config.services.lambdaUrl),
    // The tutorial's code reads its connection string from DB.
    DB: config.mongoUri,
    ...overrides,
  };
}
