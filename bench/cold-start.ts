/**
 * Cold start: a fresh `node` loads a function and answers its first invocation, minus what a bare
 * `node -e 0` takes. Each function is measured as deployed (the esbuild bundle) and in the original
 * layout (the same sources compiled without bundling their packages, which load from node_modules),
 * next to the tutorial's own files. All variants run in every round, in rotated order.
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import { TEXT_LOADERS } from '../scripts/build';
import { FUNCTIONS_DIR } from '../scripts/paths';
import type { BenchConfig } from './environment';
import { functionEnvironment, ORIGINAL_DIR, OUT_DIR } from './environment';
import { tokenAuthorizerEvent } from './events';
import { bareNodeRun, coldRun } from './processes';
import type { ColdRun } from './processes';
import type { Fixture } from './scenario';
import { bundlePath, firstEvent } from './scenario';
import { minus, pairedRatio, rotatedOrder, summarize } from './stats';
import type { Summary } from './stats';

export interface ColdVariant {
  /** Start to answer, minus a bare node. */
  coldMs: Summary;
  /** `require()` of the module, timed inside the process. */
  requireMs: Summary;
  /** The first invocation, timed inside the process. */
  invokeMs: Summary;
}

export interface ColdStartRow {
  key: string;
  bundled: ColdVariant;
  unbundled: ColdVariant;
  /** bundled ÷ unbundled cold start, paired by round. */
  ratio: Summary;
  /** bundled ÷ unbundled require time, paired by round. */
  requireRatio: Summary;
}

export interface ColdStartResult {
  rounds: number;
  bareNodeMs: Summary;
  functions: ColdStartRow[];
  original: {
    /** The tutorial's VerifyToken.js: load and answer one token. */
    authorizer: ColdVariant;
    /** The tutorial's AuthHandler.js (register, login, me): load only. */
    apiRequireMs: Summary;
  };
}

export const UNBUNDLED_DIR = join(OUT_DIR, 'unbundled');

/**
 * The original layout of our own code: TypeScript compiled to plain JavaScript, every package left
 * to load from node_modules at run time as an unbundled deployment would. Our own modules are joined
 * into one file, which only makes this baseline a little faster than one file per module.
 */
export async function buildUnbundled(key: string): Promise<string> {
  const outfile = join(UNBUNDLED_DIR, key, 'index.js');
  await build({
    entryPoints: [join(FUNCTIONS_DIR, key, 'handler.ts')],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    // The email templates are text files the functions import, as the deployed build loads them.
    loader: TEXT_LOADERS,
    logLevel: 'warning',
  });
  return outfile;
}

/** One thing a cold-start measurement starts afresh in every round. */
export interface ColdTarget {
  name: string;
  run: () => Promise<ColdRun>;
}

/** A bare `node -e 0`, run beside the targets so its median can be subtracted from theirs. */
export const BARE_TARGET: ColdTarget = {
  name: 'bare',
  run: async () => ({ wallMs: await bareNodeRun(), requireMs: 0 }),
};

/**
 * Runs every target once untimed, then `rounds` rounds of all of them in rotated order; the runs
 * of each target, by name, in round order (so that the i-th runs of two targets pair up).
 */
export async function runColdRounds(
  targets: readonly ColdTarget[],
  rounds: number,
  onRound: (round: number) => void,
): Promise<Map<string, ColdRun[]>> {
  // One untimed pass first: the OS file cache and the database warm up for every variant alike.
  for (const target of targets) await target.run();

  const runs = new Map<string, ColdRun[]>(targets.map((target) => [target.name, []]));
  for (const [round, order] of rotatedOrder(targets, rounds).entries()) {
    for (const target of order) runs.get(target.name)?.push(await target.run());
    onRound(round + 1);
  }
  return runs;
}

/**
 * Each run's start to answer minus the bare node's median. A net cold start can come out at or
 * below zero only for a function that does nothing; it is clamped so that ratios stay defined.
 */
export function netColdMs(runs: readonly ColdRun[], bareMedian: number): number[] {
  return runs.map((run) => Math.max(run.wallMs - bareMedian, 0.01));
}

export function coldVariant(runs: ColdRun[], bareMedian: number): ColdVariant {
  return {
    coldMs: summarize(
      minus(
        runs.map((run) => run.wallMs),
        bareMedian,
      ),
    ),
    requireMs: summarize(runs.map((run) => run.requireMs)),
    invokeMs: summarize(runs.map((run) => run.invokeMs ?? 0)),
  };
}

export async function measureColdStarts(
  config: BenchConfig,
  fixture: Fixture,
  keys: string[],
  rounds: number,
  log: (line: string) => void,
): Promise<ColdStartResult> {
  const unbundled = new Map<string, string>();
  for (const key of keys) unbundled.set(key, await buildUnbundled(key));

  const runId = Date.now().toString(36);
  let invocation = 0;
  const targets: ColdTarget[] = [];
  for (const key of keys) {
    const env = functionEnvironment(config, key);
    for (const [name, entry] of [
      [`${key}:bundled`, bundlePath(key)],
      [`${key}:unbundled`, unbundled.get(key) as string],
    ] as const) {
      targets.push({
        name,
        run: () =>
          coldRun({
            entry,
            exportName: 'handler',
            env,
            event: firstEvent(key, fixture, `${runId}-${(invocation += 1)}`),
          }),
      });
    }
  }
  const originalEnv = functionEnvironment(config, 'verify-token');
  targets.push({
    name: 'original:authorizer',
    run: () =>
      coldRun({
        entry: join(ORIGINAL_DIR, 'auth', 'VerifyToken.js'),
        exportName: 'auth',
        env: originalEnv,
        event: tokenAuthorizerEvent(fixture.originalToken),
      }),
  });
  targets.push({
    name: 'original:api',
    run: () => coldRun({ entry: join(ORIGINAL_DIR, 'auth', 'AuthHandler.js'), exportName: 'login', env: originalEnv }),
  });
  targets.push(BARE_TARGET);

  const runs = await runColdRounds(targets, rounds, (round) => log(`  cold start round ${round}/${rounds}`));

  const bare = summarize((runs.get('bare') ?? []).map((run) => run.wallMs));
  const rowsOf = (name: string): ColdRun[] => runs.get(name) ?? [];
  const functions = keys.map((key): ColdStartRow => {
    const bundled = rowsOf(`${key}:bundled`);
    const plain = rowsOf(`${key}:unbundled`);
    return {
      key,
      bundled: coldVariant(bundled, bare.median),
      unbundled: coldVariant(plain, bare.median),
      ratio: pairedRatio(netColdMs(bundled, bare.median), netColdMs(plain, bare.median)),
      requireRatio: pairedRatio(
        bundled.map((run) => run.requireMs),
        plain.map((run) => run.requireMs),
      ),
    };
  });
  return {
    rounds,
    bareNodeMs: bare,
    functions,
    original: {
      authorizer: coldVariant(rowsOf('original:authorizer'), bare.median),
      apiRequireMs: summarize(rowsOf('original:api').map((run) => run.requireMs)),
    },
  };
}
