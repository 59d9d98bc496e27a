import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildApiGatewayDefinition, toTemplate } from '../../scripts/contract/api-gateway';
import type { OpenApiDocument } from '../../scripts/contract/load';
import { listOperations } from '../../scripts/contract/load';
import { localTemplateVariables, renderTemplate, startGateway } from '../../local/gateway';
import type { Gateway, GatewayOptions, LoggedLine, RequestRecord } from '../../local/gateway';

export const FIXTURES = join(__dirname, 'fixtures');

/** Which fixture module runs each function of fixtures/api.yaml. */
export const FIXTURE_MODULES: Readonly<Record<string, string>> = {
  echo: 'echo.js',
  submit: 'echo.js',
  private: 'echo.js',
  getItem: 'echo.js',
  responses: 'responses.js',
  throws: 'throws.js',
  slow: 'slow.js',
  crash: 'crash.js',
  broken: 'init-error.js',
  authorizer: 'authorizer.js',
};

export interface FixtureOptions {
  ttlSeconds?: number;
  corsAllowOrigin?: string;
  /** Edits the rendered definition before the gateway reads it. */
  patch?: (definition: Record<string, unknown>) => void;
  timeoutsMs?: Partial<Record<string, number>>;
  /** Function key → module, replacing the fixture of FIXTURE_MODULES. */
  entries?: Partial<Record<string, string>>;
  maxInstances?: number;
}

/** The fixture API as API Gateway would import it: generated and rendered like the real one. */
export function fixtureDefinition(options: FixtureOptions = {}): Record<string, unknown> {
  const doc = parse(readFileSync(join(FIXTURES, 'api.yaml'), 'utf8')) as OpenApiDocument;
  const template = toTemplate(buildApiGatewayDefinition(doc, listOperations(doc)));
  const variables = localTemplateVariables({
    functionKeys: Object.keys(FIXTURE_MODULES),
    authorizerTtlSeconds: options.ttlSeconds ?? 300,
    corsAllowOrigin: options.corsAllowOrigin ?? '*',
  });
  const definition = JSON.parse(renderTemplate(template, variables)) as Record<string, unknown>;
  options.patch?.(definition);
  return definition;
}

/** A clock the tests move by hand, so cache expiry needs no waiting. */
export class ManualClock {
  private time = Date.UTC(2026, 0, 31, 12);
  readonly now = (): number => this.time;
  advance(ms: number): void {
    this.time += ms;
  }
}

export interface FixtureGateway {
  gateway: Gateway;
  clock: ManualClock;
  records: RequestRecord[];
  strayLines: LoggedLine[];
  call: (path: string, init?: RequestInit) => Promise<Response>;
  /** The record of the last request to this path. */
  lastRecord: (path: string) => RequestRecord;
}

export async function startFixtureGateway(
  options: FixtureOptions = {},
  overrides: Partial<GatewayOptions> = {},
): Promise<FixtureGateway> {
  const clock = new ManualClock();
  const records: RequestRecord[] = [];
  const strayLines: LoggedLine[] = [];
  const gateway = await startGateway({
    definition: fixtureDefinition(options),
    resolveFunction: (key) => ({
      key,
      entry: options.entries?.[key] ?? join(FIXTURES, FIXTURE_MODULES[key] ?? `${key}.js`),
      timeoutMs: options.timeoutsMs?.[key] ?? 10_000,
      environment: { FIXTURE_SETTING: 'set-by-the-gateway' },
    }),
    now: clock.now,
    onRequest: (record) => records.push(record),
    onStrayLog: (line) => strayLines.push(line),
    maxInstances: options.maxInstances ?? 1,
    docs: true,
    ...overrides,
  });
  return {
    gateway,
    clock,
    records,
    strayLines,
    call: (path, init) => fetch(`${gateway.url}${path}`, init),
    lastRecord: (path) => {
      const record = records.findLast((r) => r.path === path);
      if (!record) throw new Error(`no request to ${path} was recorded`);
      return record;
    },
  };
}

/** A token that passes the identity validation expression and picks the fixture authorizer's mode. */
export function token(mode: string, id = 'x'): string {
  return `Bearer ${mode}.${id}.signature`;
}
