/**
 * `make bench`: builds every function, starts an embedded database, registers a user, runs each
 * measurement in turn, prints the tables and writes bench/results.json and bench/RESULTS.md.
 *
 * Settings (environment):
 *   BENCH_ONLY   comma-separated sections to run (default all): bundles, cold-start, password-list,
 *                authorizer, signing, auth-latency, warm-overhead, sessions, forgot-timing, load,
 *                data-growth
 *   BENCH_QUICK  1: fewer rounds and a smaller large data set, to try the harness (figures are rough)
 *   BCRYPT_COST  the bcrypt cost the functions run with (default 10, as deployed)
 */
import { cpus, loadavg } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startOutbox } from '../local/outbox';
import { buildFunction, listFunctionKeys } from '../scripts/build';
import { measureAuthLatency } from './auth-latency';
import { measureAuthorizer } from './authorizer';
import { measureBundle, measureOriginalZip } from './bundles';
import { measureColdStarts } from './cold-start';
import { measureDataGrowth } from './data-growth';
import { measureForgotTiming } from './forgot-timing';
import { startBenchDatabase } from './database';
import { BENCH_DIR, newBenchConfig, readBcryptCost } from './environment';
import { startLambdaStandIn } from './lambda-stand-in';
import { measureLoad } from './load';
import { measurePasswordList } from './password-list';
import type { BenchResults, Machine } from './report';
import { checkTargets, renderMarkdownReport, renderReport } from './report';
import { createFixture, NOT_COLD_MEASURED } from './scenario';
import type { Fixture } from './scenario';
import { measureSessions } from './sessions';
import { measureSigning } from './signing';
import { measureWarmOverhead } from './warm-overhead';

export const SECTIONS = [
  'bundles',
  'cold-start',
  'password-list',
  'authorizer',
  'signing',
  'auth-latency',
  'warm-overhead',
  'sessions',
  'forgot-timing',
  'load',
  'data-growth',
] as const;
export type Section = (typeof SECTIONS)[number];

/** The sections BENCH_ONLY names, all when unset; an unknown name is an error listing the known ones. */
export function parseSections(value: string | undefined): Section[] {
  if (value === undefined || value.trim() === '') return [...SECTIONS];
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(SECTIONS as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(`BENCH_ONLY names unknown sections: ${unknown.join(', ')}; known: ${SECTIONS.join(', ')}`);
  return SECTIONS.filter((section) => names.includes(section));
}

export function parseQuick(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === '0') return false;
  if (value === '1') return true;
  throw new Error(`BENCH_QUICK must be 1 or 0, got '${value}'`);
}

/**
 * How much of each measurement to run: enough for stable medians in a few minutes, or a quick try.
 * password-list runs coldRounds too: it is a cold-start comparison like the cold-start section's.
 */
function plan(quick: boolean) {
  return quick
    ? {
        coldRounds: 3,
        authorizer: { rounds: 2, count: 5_000 },
        signing: { rounds: 3, count: 2_000 },
        authLatency: { rounds: 2, count: 4 },
        warmOverhead: { rounds: 2, count: 100 },
        sessions: { rounds: 2, count: 100 },
        forgotTiming: { rounds: 3, count: 30 },
        load: { runs: 1, durationSeconds: 1, maxRequestsPerRun: 2_000, concurrency: [1, 10, 50] },
        dataGrowth: { sizes: { small: 1_000, large: 10_000 }, rounds: 1, count: 4 },
      }
    : {
        coldRounds: 15,
        authorizer: { rounds: 5, count: 20_000 },
        signing: { rounds: 15, count: 5_000 },
        authLatency: { rounds: 4, count: 15 },
        warmOverhead: { rounds: 5, count: 300 },
        sessions: { rounds: 5, count: 300 },
        forgotTiming: { rounds: 6, count: 200 },
        load: { runs: 3, durationSeconds: 3, maxRequestsPerRun: 20_000, concurrency: [1, 10, 50] },
        dataGrowth: { sizes: { small: 1_000, large: 100_000 }, rounds: 3, count: 8 },
      };
}

function machine(startLoad: number): Machine {
  const cores = cpus();
  return {
    cpus: cores.length,
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
    loadAverage: { start: startLoad, end: loadavg()[0] ?? 0 },
  };
}

const log = (line: string): void => console.error(line);

async function main(): Promise<void> {
  const started = performance.now();
  const startLoad = loadavg()[0] ?? 0;
  const sections = parseSections(process.env['BENCH_ONLY']);
  const steps = plan(parseQuick(process.env['BENCH_QUICK']));
  const bcryptCost = readBcryptCost(process.env['BCRYPT_COST']);
  const keys = listFunctionKeys();
  const results: Omit<BenchResults, 'targets' | 'machine' | 'durationSeconds'> = { bcryptCost, failures: {} };

  log(`building ${keys.join(', ')}`);
  for (const key of keys) await buildFunction(key);

  const database = await startBenchDatabase();
  // Where every function's emails and deferred jobs go, as in `make dev`: nothing leaves the machine.
  const outbox = await startOutbox();
  const lambda = await startLambdaStandIn();
  try {
    const config = newBenchConfig(database.uri, bcryptCost, { outboxUrl: outbox.url, lambdaUrl: lambda.url });
    let fixture: Fixture | undefined;
    const needsFixture = (): Promise<Fixture> =>
      fixture ? Promise.resolve(fixture) : createFixture(config).then((made) => (fixture = made));

    const run = async (section: Section, body: () => Promise<void>): Promise<void> => {
      if (!sections.includes(section)) return;
      log(`${section}…`);
      try {
        await body();
      } catch (error) {
        results.failures[section] = error instanceof Error ? error.message : String(error);
        log(`  ${section} failed: ${results.failures[section]}`);
      }
    };

    await run('bundles', () => {
      results.bundles = { functions: keys.map(measureBundle), original: measureOriginalZip() };
      return Promise.resolve();
    });
    await run('cold-start', async () => {
      const measured = keys.filter((key) => !(NOT_COLD_MEASURED as readonly string[]).includes(key));
      results.coldStart = await measureColdStarts(config, await needsFixture(), measured, steps.coldRounds, log);
    });
    await run('password-list', async () => {
      results.passwordList = await measurePasswordList(config, await needsFixture(), steps.coldRounds, log);
    });
    await run('authorizer', async () => {
      results.authorizer = await measureAuthorizer(
        config,
        await needsFixture(),
        steps.authorizer.rounds,
        steps.authorizer.count,
        log,
      );
    });
    await run('signing', async () => {
      results.signing = await measureSigning(
        config,
        await needsFixture(),
        steps.signing.rounds,
        steps.signing.count,
        log,
      );
    });
    await run('auth-latency', async () => {
      results.authLatency = await measureAuthLatency(
        config,
        await needsFixture(),
        steps.authLatency.rounds,
        steps.authLatency.count,
        log,
      );
    });
    await run('warm-overhead', async () => {
      results.warmOverhead = await measureWarmOverhead(
        config,
        await needsFixture(),
        steps.warmOverhead.rounds,
        steps.warmOverhead.count,
        log,
      );
    });
    await run('sessions', async () => {
      results.sessions = await measureSessions(
        config,
        await needsFixture(),
        steps.sessions.rounds,
        steps.sessions.count,
        log,
      );
    });
    await run('forgot-timing', async () => {
      results.forgotTiming = await measureForgotTiming(
        config,
        await needsFixture(),
        steps.forgotTiming.rounds,
        steps.forgotTiming.count,
        log,
      );
    });
    await run('load', async () => {
      results.load = await measureLoad(config, await needsFixture(), steps.load, log);
    });
    await run('data-growth', async () => {
      results.dataGrowth = await measureDataGrowth(
        config,
        steps.dataGrowth.sizes,
        steps.dataGrowth.rounds,
        steps.dataGrowth.count,
        log,
      );
    });
  } finally {
    await lambda.close();
    await outbox.close();
    await database.stop();
  }

  const complete: BenchResults = {
    ...results,
    machine: machine(startLoad),
    durationSeconds: Math.round((performance.now() - started) / 1000),
    targets: checkTargets(results),
  };
  writeFileSync(join(BENCH_DIR, 'results.json'), `${JSON.stringify(complete, null, 2)}\n`);
  writeFileSync(join(BENCH_DIR, 'RESULTS.md'), renderMarkdownReport(complete));
  console.log(renderReport(complete));
  console.log(`\nwritten: bench/results.json, bench/RESULTS.md (${complete.durationSeconds} s)`);
  if (Object.keys(complete.failures).length > 0) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`make bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
