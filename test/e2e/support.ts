import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildFunction, listFunctionKeys } from '../../scripts/build';
import { DIST } from '../../scripts/paths';
import { loadDefinition, localTemplateVariables, startGateway } from '../../local/gateway';
import type { Gateway, InvocationRecord, RequestRecord } from '../../local/gateway';
import { startOutbox } from '../../local/outbox';
import type { Outbox } from '../../local/outbox';
import { CURRENT_KEY, signingVariables } from '../support/keys';
import { requestFrom } from '../support/request-from';

export interface LocalApi {
  gateway: Gateway;
  /** Stops the gateway and removes this suite's bundles. */
  close: () => Promise<void>;
  records: RequestRecord[];
  /** The functions' invocations through the local Lambda API (deferred jobs), as they end. */
  invocations: InvocationRecord[];
  /** Resolves once `count` invocations of a function have ended (deferred jobs run after their request answers). */
  invocationsOf: (functionKey: string, count: number) => Promise<InvocationRecord[]>;
  /** Where the functions' emails go, as in `make dev`. */
  outbox: Outbox;
  call: (path: string, init?: RequestInit) => Promise<Response>;
  /** As `call`, from the given loopback address (127.0.0.0/8) instead of 127.0.0.1: another network client. */
  callFrom: (localAddress: string, path: string, init?: RequestInit) => Promise<Response>;
  lastRecord: (path: string) => RequestRecord;
  /** The database this run's functions use, so suites do not see each other's users. */
  mongodbUri: string;
}

const LOCK = join(DIST, '.e2e-build.lock');
/** A lock older than this was left by a run that died; builds take seconds. */
const STALE_LOCK_MS = 120_000;

/**
 * Serializes access to dist/ across jest workers: one suite rebuilding a bundle while another
 * loads it would hand the loader a half-written file. Resolves with the release function.
 */
export async function lockBundles(): Promise<() => void> {
  mkdirSync(DIST, { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      return () => rmSync(LOCK, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // Released between the two calls: try again.
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Bundles every function into dist/ as `make build` does; call with the lock held. */
export async function buildAll(): Promise<void> {
  await Promise.all(listFunctionKeys().map((key) => buildFunction(key)));
}

/**
 * Fresh bundles in a folder of this suite's own (inside dist/, so `@aws-sdk/*` still resolves from
 * node_modules), safe from other suites rebuilding dist/ while its instances load them.
 */
async function privateBundles(): Promise<string> {
  const release = await lockBundles();
  try {
    await buildAll();
    const dir = join(DIST, '.e2e', randomBytes(4).toString('hex'));
    for (const key of listFunctionKeys()) {
      mkdirSync(join(dir, key), { recursive: true });
      copyFileSync(join(DIST, key, 'index.js'), join(dir, key, 'index.js'));
    }
    return dir;
  } finally {
    release();
  }
}

/** A database of its own on the server jest's global setup started (or MONGODB_URI). */
function freshDatabase(): string {
  const base = process.env.MONGODB_URI;
  if (!base)
    throw new Error(
      'MONGODB_URI is not set: jest global setup (test/support/global-setup.ts) starts the embedded MongoDB',
    );
  const url = new URL(base);
  url.pathname = `/e2e_${randomBytes(4).toString('hex')}`;
  return url.toString();
}

export interface LocalApiOptions {
  /** The authorizer cache TTL, in seconds. */
  ttlSeconds?: number;
  /** Variables every function sees, over the defaults below (JWT_ISSUER defaults to the gateway's URL). */
  environment?: Readonly<Record<string, string>>;
  /** Variables only some functions see, by function key. */
  functionEnvironment?: Readonly<Partial<Record<string, Readonly<Record<string, string>>>>>;
}

/** The whole API as `make dev` runs it: real bundles behind the local gateway, on a random port. */
export async function startLocalApi(options: LocalApiOptions = {}): Promise<LocalApi> {
  const bundles = await privateBundles();
  const records: RequestRecord[] = [];
  const invocations: InvocationRecord[] = [];
  const waiters: Array<() => void> = [];
  const outbox = await startOutbox();
  const mongodbUri = freshDatabase();
  const environment: Record<string, string> = {
    MONGODB_URI: mongodbUri,
    ...signingVariables(CURRENT_KEY),
    JWT_AUDIENCE: 'auth-api-e2e-api',
    CORS_ALLOW_ORIGIN: '*',
    // bcrypt's minimum cost keeps the suite fast; the cost does not change any answer.
    BCRYPT_COST: '4',
    POWERTOOLS_SERVICE_NAME: 'auth-api-e2e',
    POWERTOOLS_METRICS_NAMESPACE: 'AuthApi',
    LOG_LEVEL: 'INFO',
    EMAIL_TRANSPORT: 'local',
    EMAIL_OUTBOX_URL: outbox.url,
    EMAIL_FROM: 'no-reply@auth-api.localhost',
    APP_URL: 'http://app.localhost',
    ...options.environment,
  };
  const gateway = await startGateway({
    definition: loadDefinition(
      localTemplateVariables({ functionKeys: listFunctionKeys(), authorizerTtlSeconds: options.ttlSeconds ?? 300 }),
    ),
    resolveFunction: (key) => ({
      key,
      entry: join(bundles, key, 'index.js'),
      timeoutMs: 10_000,
      environment: { ...environment, ...options.functionEnvironment?.[key] },
    }),
    onRequest: (record) => records.push(record),
    onInvocation: (record) => {
      invocations.push(record);
      for (const wake of waiters.splice(0)) wake();
    },
    localRoutes: [outbox.routes],
  });
  // As `make dev` does: the issuer is the API's base URL, known once the gateway listens (functions start on first use).
  environment.JWT_ISSUER ??= gateway.url;
  return {
    gateway,
    close: async () => {
      await gateway.close();
      await outbox.close();
      rmSync(bundles, { recursive: true, force: true });
    },
    records,
    invocations,
    outbox,
    invocationsOf: async (functionKey, count) => {
      const ended = () => invocations.filter((record) => record.functionKey === functionKey);
      // Woken by each invocation's end, never by a timer: jest's timeout bounds the wait.
      while (ended().length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return ended();
    },
    mongodbUri,
    call: (path, init) => fetch(`${gateway.url}${path}`, init),
    callFrom: (localAddress, path, init) => requestFrom(localAddress, `${gateway.url}${path}`, init),
    lastRecord: (path) => {
      const record = records.findLast((r) => r.path === path);
      if (!record) throw new Error(`no request to ${path} was recorded`);
      return record;
    },
  };
}

export const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});
