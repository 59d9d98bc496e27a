/**
 * Load through the local gateway: autocannon on loopback against GET /me (a valid token, so the
 * authorizer runs once and its result is cached as API Gateway would) and GET /users, at a few
 * concurrency levels, each run bounded in time and in requests. Every response must be 2xx. Over the
 * whole test each function instance must open one database connection: counted in the functions'
 * request lines (`db_connection`), and at the server, which must accept no new connection while the
 * load runs.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { Result } from 'autocannon';
import { ROOT } from '../scripts/paths';
import type { FunctionTally } from './connection-log';
import { connectionsAccepted } from './database';
import type { BenchConfig } from './environment';
import { functionEnvironment } from './environment';
import type { Fixture } from './scenario';
import { percentile, summarize } from './stats';
import type { Summary } from './stats';

export interface LoadScenario {
  name: string;
  path: string;
  headers: Record<string, string>;
  concurrency: number;
}

export interface LoadRow {
  name: string;
  concurrency: number;
  /** Requests per second, per run. */
  rps: Summary;
  /** p50 and p99 latency per run, in ms. */
  p50Ms: Summary;
  p99Ms: Summary;
  requests: number;
  /** Connection errors, timeouts and non-2xx answers, over all runs. */
  errors: number;
}

export interface LoadResult {
  runs: number;
  durationSeconds: number;
  maxRequestsPerRun: number;
  maxInstances: number;
  rows: LoadRow[];
  /** Per function, over the whole test, warm-up included. */
  functions: Record<string, FunctionTally>;
  /** Connections the database accepted while the load ran (after warm-up). */
  connectionsDuringLoad: number;
  /** Every function instance opened exactly one connection and none opened one under load. */
  oneConnectionPerInstance: boolean;
}

export interface LoadOptions {
  runs: number;
  durationSeconds: number;
  maxRequestsPerRun: number;
  concurrency: number[];
}

interface GatewayHandle {
  url: string;
  tally(): Promise<{ tally: Record<string, FunctionTally>; statuses: Record<string, number>; pids: number }>;
  stop(): Promise<void>;
}

const MAX_INSTANCES = 1;

async function startGatewayProcess(config: BenchConfig): Promise<GatewayHandle> {
  const settings = {
    environment: functionEnvironment(config, 'gateway'),
    maxInstances: MAX_INSTANCES,
    authorizerTtlSeconds: 300,
  };
  const child: ChildProcess = fork(join(__dirname, 'gateway-process.ts'), [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    env: { PATH: process.env['PATH'] ?? '', BENCH_GATEWAY: JSON.stringify(settings) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const onMessage = (message: { type: string; url?: string }): void => {
      if (message.type === 'ready' && message.url) {
        child.off('message', onMessage);
        resolve(message.url);
      }
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`the gateway exited with code ${code} before it was ready`)));
  });
  return {
    url,
    tally: () =>
      new Promise((resolve) => {
        const onMessage = (message: {
          type: string;
          tally: Record<string, FunctionTally>;
          statuses: Record<string, number>;
          pids: number;
        }): void => {
          if (message.type !== 'tally') return;
          child.off('message', onMessage);
          resolve(message);
        };
        child.on('message', onMessage);
        child.send({ type: 'tally' });
      }),
    stop: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

interface Run {
  result: Result;
  latencies: number[];
}

function cannon(url: string, scenario: LoadScenario, durationSeconds: number, maxRequests: number): Promise<Run> {
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url}${scenario.path}`,
        headers: scenario.headers,
        connections: scenario.concurrency,
        duration: durationSeconds,
        maxOverallRequests: Math.max(maxRequests, scenario.concurrency),
        timeout: 30,
      },
      (error, result) => (error ? reject(error) : resolve({ result, latencies })),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
}

export function loadScenarios(fixture: Fixture, concurrency: number[]): LoadScenario[] {
  const me = { name: 'GET /me', path: '/me', headers: { Authorization: `Bearer ${fixture.token}` } };
  const users = { name: 'GET /users', path: '/users', headers: {} };
  return [me, users].flatMap((base) => concurrency.map((c) => ({ ...base, concurrency: c })));
}

/** What failed in a run, for the error message; empty when every response was 2xx. */
export function runErrors(result: Pick<Result, 'errors' | 'timeouts' | 'non2xx' | 'statusCodeStats'>): string[] {
  const problems: string[] = [];
  if (result.errors > 0) problems.push(`${result.errors} connection errors (timeouts included)`);
  if (result.timeouts > 0) problems.push(`${result.timeouts} timeouts`);
  if (result.non2xx > 0) {
    const statuses = Object.entries(result.statusCodeStats)
      .filter(([status]) => !status.startsWith('2'))
      .map(([status, stats]) => `${stats.count} × ${status}`);
    problems.push(`non-2xx answers: ${statuses.join(', ') || result.non2xx}`);
  }
  return problems;
}

/**
 * Whether the run kept one database connection per function instance: every function that uses the
 * database opened exactly one per instance it started (its cold starts), the authorizer none, and
 * the server accepted no connection while the load ran.
 */
export function oneConnectionEach(
  tally: Record<string, FunctionTally>,
  connectionsDuringLoad: number,
  instancesPerFunction: number,
): boolean {
  const databaseFunctions = Object.entries(tally).filter(([key]) => key !== 'authorizer');
  return (
    connectionsDuringLoad === 0 &&
    databaseFunctions.length > 0 &&
    databaseFunctions.every(
      ([, counts]) =>
        counts.coldStarts >= 1 &&
        counts.coldStarts <= instancesPerFunction &&
        counts.connectionsNew === counts.coldStarts,
    ) &&
    (tally['authorizer']?.connectionsNew ?? 0) === 0
  );
}

export async function measureLoad(
  config: BenchConfig,
  fixture: Fixture,
  options: LoadOptions,
  log: (line: string) => void,
): Promise<LoadResult> {
  const gateway = await startGatewayProcess(config);
  try {
    const scenarios = loadScenarios(fixture, options.concurrency);
    // Warm-up: every function's cold start and first connection happen here, and the authorizer's result is cached.
    for (const scenario of scenarios.filter((s) => s.concurrency === 1)) {
      const { result } = await cannon(gateway.url, scenario, 1, 50);
      const problems = runErrors(result);
      if (problems.length > 0) throw new Error(`${scenario.name} failed during warm-up: ${problems.join('; ')}`);
    }
    const before = await connectionsAccepted(config.mongoUri);

    const rows: LoadRow[] = [];
    for (const scenario of scenarios) {
      const runs: Run[] = [];
      for (let i = 0; i < options.runs; i++) {
        const run = await cannon(gateway.url, scenario, options.durationSeconds, options.maxRequestsPerRun);
        const problems = runErrors(run.result);
        if (problems.length > 0)
          throw new Error(`${scenario.name} at concurrency ${scenario.concurrency}: ${problems.join('; ')}`);
        runs.push(run);
      }
      rows.push({
        name: scenario.name,
        concurrency: scenario.concurrency,
        rps: summarize(runs.map((run) => run.result.requests.total / run.result.duration)),
        p50Ms: summarize(runs.map((run) => percentile(run.latencies, 50))),
        p99Ms: summarize(runs.map((run) => percentile(run.latencies, 99))),
        requests: runs.reduce((sum, run) => sum + run.result.requests.total, 0),
        errors: runs.reduce((sum, run) => sum + run.result.errors + run.result.timeouts + run.result.non2xx, 0),
      });
      log(
        `  load ${scenario.name} c=${scenario.concurrency}: ${Math.round(rows[rows.length - 1]?.rps.median ?? 0)} req/s`,
      );
    }

    // Minus one: the connection this reading itself opens.
    const connectionsDuringLoad = (await connectionsAccepted(config.mongoUri)) - before - 1;
    const { tally } = await gateway.tally();
    const oneConnectionPerInstance = oneConnectionEach(tally, connectionsDuringLoad, MAX_INSTANCES);
    return {
      runs: options.runs,
      durationSeconds: options.durationSeconds,
      maxRequestsPerRun: options.maxRequestsPerRun,
      maxInstances: MAX_INSTANCES,
      rows,
      functions: tally,
      connectionsDuringLoad,
      oneConnectionPerInstance,
    };
  } finally {
    await gateway.stop();
  }
}
