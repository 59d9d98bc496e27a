import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { buildFunction, DIST, listFunctionKeys } from '../../scripts/build';
import { loadDefinition, localTemplateVariables } from '../../local/gateway/definition';
import type { RequestRecord } from '../../local/gateway/request-log';
import type { Gateway } from '../../local/gateway/server';
import { startGateway } from '../../local/gateway/server';

export interface LocalApi {
  gateway: Gateway;
  records: RequestRecord[];
  call: (path: string, init?: RequestInit) => Promise<Response>;
  lastRecord: (path: string) => RequestRecord;
  /** The database this run's functions use, so suites do not see each other's users. */
  mongodbUri: string;
}

/** Bundles every function as `make build` does, once per test file. */
let built: Promise<void> | undefined;
export function buildAll(): Promise<void> {
  built ??= (async () => {
    for (const key of listFunctionKeys()) await buildFunction(key);
  })();
  return built;
}

/** A database of its own on the server jest's global setup started (or MONGODB_URI). */
function freshDatabase(): string {
  const base = process.env.MONGODB_URI;
  if (!base) throw new Error('MONGODB_URI is not set: jest global setup (test/support/global-setup.ts) starts the embedded MongoDB');
  const url = new URL(base);
  url.pathname = `/e2e_${randomBytes(4).toString('hex')}`;
  return url.toString();
}

/** The whole API as `make dev` runs it: real bundles behind the local gateway, on a random port. */
export async function startLocalApi(options: { ttlSeconds?: number } = {}): Promise<LocalApi> {
  await buildAll();
  const records: RequestRecord[] = [];
  const mongodbUri = freshDatabase();
  const environment = {
    MONGODB_URI: mongodbUri,
    JWT_SECRET: randomBytes(48).toString('base64url'),
    JWT_ISSUER: 'auth-api-e2e',
    JWT_AUDIENCE: 'auth-api-e2e-api',
    CORS_ALLOW_ORIGIN: '*',
    // bcrypt's minimum cost keeps the suite fast; the cost does not change any answer.
    BCRYPT_COST: '4',
    POWERTOOLS_SERVICE_NAME: 'auth-api-e2e',
    POWERTOOLS_METRICS_NAMESPACE: 'AuthApi',
    LOG_LEVEL: 'INFO',
  };
  const gateway = await startGateway({
    definition: loadDefinition(localTemplateVariables({ functionKeys: listFunctionKeys(), authorizerTtlSeconds: options.ttlSeconds ?? 300 })),
    resolveFunction: (key) => ({ key, entry: join(DIST, key, 'index.js'), timeoutMs: 10_000, environment }),
    onRequest: (record) => records.push(record),
  });
  return {
    gateway,
    records,
    mongodbUri,
    call: (path, init) => fetch(`${gateway.url}${path}`, init),
    lastRecord: (path) => {
      const record = records.findLast((r) => r.path === path);
      if (!record) throw new Error(`no request to ${path} was recorded`);
      return record;
    },
  };
}

export const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
