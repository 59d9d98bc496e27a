/**
 * What the bundled common-password list costs register at a cold start (issue: at most 15%).
 * register as deployed (dist/register) runs beside a second register bundle, built with the same
 * options but with generated/common-passwords.ts replaced by an empty list of the same shape, so
 * that the two differ only in the list's data. Both start as fresh processes in rotated order,
 * with a bare node to subtract, as the cold-start section runs its variants.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'esbuild';
import { COMMON_PASSWORDS } from '../generated/common-passwords';
import { buildFunction, zipPathFor } from '../scripts/build';
import { GENERATED_DIR } from '../scripts/paths';
import { BARE_TARGET, coldVariant, netColdMs, runColdRounds } from './cold-start';
import type { ColdTarget, ColdVariant } from './cold-start';
import type { BenchConfig } from './environment';
import { functionEnvironment, OUT_DIR } from './environment';
import { coldRun } from './processes';
import type { ColdRun } from './processes';
import type { Fixture } from './scenario';
import { bundlePath, firstEvent } from './scenario';
import { pairedDifferences, pairedRatio, summarize } from './stats';
import type { Summary } from './stats';

/** The generated module password-policy.ts imports the list from. */
export const LIST_MODULE = join(GENERATED_DIR, 'common-passwords.ts');
/** Where the register bundle without the list is written (<dir>/register/, <dir>/register.zip). */
export const WITHOUT_LIST_DIR = join(OUT_DIR, 'without-password-list');

const FUNCTION = 'register';

export interface ListVariant extends ColdVariant {
  bundleBytes: number;
  zipBytes: number;
  /** CPU time of the process from its start to its answer (user + system). */
  cpuMs: Summary;
}

export interface PasswordListResult {
  rounds: number;
  /** Hashes on the list as deployed. */
  listed: number;
  bareNodeMs: Summary;
  /** register as deployed. */
  withList: ListVariant;
  /** register with an empty list. */
  withoutList: ListVariant;
  /** with ÷ without, paired by round. */
  ratio: { coldMs: Summary; requireMs: Summary; invokeMs: Summary; cpuMs: Summary };
  /** with − without net cold start, paired by round: what the list adds, in ms. */
  coldGrowthMs: Summary;
}

/** The list module's text with no passwords on it: every field as generated, no hashes. */
export function emptyListModule(): string {
  const empty = { ...COMMON_PASSWORDS, listed: 0, count: 0, hashes: '' };
  return `export const COMMON_PASSWORDS = ${JSON.stringify(empty)} as const;\n`;
}

/**
 * An esbuild plugin that loads the empty list in place of generated/common-passwords.ts. Used by
 * the benchmark only; `replaced()` says whether the bundle imported the list at all, so that a
 * moved or renamed module cannot silently make the two bundles the same.
 */
export function withoutListPlugin(): { plugin: Plugin; replaced: () => boolean } {
  let loads = 0;
  const plugin: Plugin = {
    name: 'without-password-list',
    setup(build) {
      build.onLoad({ filter: /[\\/]common-passwords\.ts$/ }, (args) => {
        if (args.path !== LIST_MODULE) return undefined;
        loads += 1;
        return { contents: emptyListModule(), loader: 'ts' };
      });
    },
  };
  return { plugin, replaced: () => loads > 0 };
}

/** Builds register with the empty list into `dir`, with every other build option as deployed. */
export async function buildWithoutList(
  dir: string = WITHOUT_LIST_DIR,
): Promise<{ entry: string; bundleBytes: number; zipBytes: number }> {
  const { plugin, replaced } = withoutListPlugin();
  const built = await buildFunction(FUNCTION, { dir, plugins: [plugin] });
  if (!replaced())
    throw new Error(`${FUNCTION}'s bundle does not import ${LIST_MODULE}: there is no list to measure without`);
  return { entry: join(dir, FUNCTION, 'index.js'), bundleBytes: built.bundleBytes, zipBytes: built.zipBytes };
}

export async function measurePasswordList(
  config: BenchConfig,
  fixture: Fixture,
  rounds: number,
  log: (line: string) => void,
): Promise<PasswordListResult> {
  const without = await buildWithoutList();
  const env = functionEnvironment(config, FUNCTION);
  const runId = Date.now().toString(36);
  let invocation = 0;
  // A new email each time and a password the policy accepts, so every first invocation decodes
  // the list, looks the password up, and goes on to hash it and insert the user (a 201).
  const target = (name: string, entry: string): ColdTarget => ({
    name,
    run: () =>
      coldRun({
        entry,
        exportName: 'handler',
        env,
        event: firstEvent(FUNCTION, fixture, `list-${runId}-${(invocation += 1)}`),
      }),
  });
  const runs = await runColdRounds(
    [target('with', bundlePath(FUNCTION)), target('without', without.entry), BARE_TARGET],
    rounds,
    (round) => log(`  password list round ${round}/${rounds}`),
  );

  const of = (name: string): ColdRun[] => runs.get(name) ?? [];
  const bare = summarize(of(BARE_TARGET.name).map((run) => run.wallMs));
  const withList = of('with');
  const withoutList = of('without');
  const netWith = netColdMs(withList, bare.median);
  const netWithout = netColdMs(withoutList, bare.median);
  const paired = (pick: (run: ColdRun) => number): Summary => pairedRatio(withList.map(pick), withoutList.map(pick));
  const cpuMs = (run: ColdRun): number => {
    if (run.cpuMs === undefined) throw new Error(`a cold start of ${FUNCTION} reported no CPU time`);
    return run.cpuMs;
  };
  return {
    rounds,
    listed: COMMON_PASSWORDS.count,
    bareNodeMs: bare,
    withList: {
      ...coldVariant(withList, bare.median),
      bundleBytes: statSync(bundlePath(FUNCTION)).size,
      zipBytes: statSync(zipPathFor(FUNCTION)).size,
      cpuMs: summarize(withList.map(cpuMs)),
    },
    withoutList: {
      ...coldVariant(withoutList, bare.median),
      bundleBytes: without.bundleBytes,
      zipBytes: without.zipBytes,
      cpuMs: summarize(withoutList.map(cpuMs)),
    },
    ratio: {
      coldMs: pairedRatio(netWith, netWithout),
      requireMs: paired((run) => run.requireMs),
      invokeMs: paired((run) => run.invokeMs ?? 0),
      cpuMs: paired(cpuMs),
    },
    coldGrowthMs: summarize(pairedDifferences(netWith, netWithout)),
  };
}
