/**
 * The local API Gateway in a process of its own for the load test, so that the load generator and
 * the gateway do not share an event loop. Serves the built bundles with the benchmark's environment
 * (BENCH_GATEWAY, JSON: { environment, maxInstances, authorizerTtlSeconds }), one instance per
 * function unless told otherwise, and tells its parent:
 *   { type: 'ready', url }                      once listening on a free loopback port
 *   { type: 'tally', tally, statuses, pids }    when sent { type: 'tally' }: per-function counts since start
 */
import { join } from 'node:path';
import { loadDefinition, localTemplateVariables, startGateway } from '../local/gateway';
import { listFunctionKeys } from '../scripts/build';
import { DEFINITION_TEMPLATE_PATH, DIST } from '../scripts/paths';
import { stopOnSignal } from '../local/process';
import type { FunctionTally } from './connection-log';
import { emptyTally, tallyInvocation } from './connection-log';

interface Settings {
  environment: Record<string, string>;
  maxInstances: number;
  authorizerTtlSeconds: number;
}

/** Lambda's default is 3 s; the deployment sets more, and a queued request under load must not time out here. */
const FUNCTION_TIMEOUT_MS = 29_000;

async function main(): Promise<void> {
  const settings = JSON.parse(process.env['BENCH_GATEWAY'] ?? '{}') as Settings;
  const tallies = new Map<string, FunctionTally>();
  const statuses = new Map<number, number>();
  const tallyOf = (key: string): FunctionTally => {
    let tally = tallies.get(key);
    if (!tally) tallies.set(key, (tally = emptyTally()));
    return tally;
  };

  const definition = loadDefinition(
    localTemplateVariables({ functionKeys: listFunctionKeys(), authorizerTtlSeconds: settings.authorizerTtlSeconds }),
    DEFINITION_TEMPLATE_PATH,
  );
  const gateway = await startGateway({
    definition,
    port: 0,
    host: '127.0.0.1',
    stage: 'bench',
    maxInstances: settings.maxInstances,
    resolveFunction: (key) => ({
      key,
      entry: join(DIST, key, 'index.js'),
      timeoutMs: FUNCTION_TIMEOUT_MS,
      environment: settings.environment,
    }),
    onRequest: (record) => {
      statuses.set(record.status, (statuses.get(record.status) ?? 0) + 1);
      const linesOf = (key: string): string[] =>
        record.logs.filter((line) => line.functionKey === key).map((line) => line.text);
      if (record.authorizer?.invoked)
        tallyInvocation(
          tallyOf(record.authorizer.functionKey),
          record.authorizer.coldStart === true,
          linesOf(record.authorizer.functionKey),
        );
      if (record.functionKey)
        tallyInvocation(tallyOf(record.functionKey), record.coldStart === true, linesOf(record.functionKey));
    },
  });

  process.on('message', (message: { type: string }) => {
    if (message.type === 'tally') {
      process.send?.({
        type: 'tally',
        tally: Object.fromEntries(tallies),
        statuses: Object.fromEntries(statuses),
        pids: gateway.pids().length,
      });
    }
  });
  stopOnSignal(() => gateway.close(), ['SIGTERM', 'disconnect']);
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${gateway.port}` });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
