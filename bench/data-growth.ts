/**
 * Data growth: login latency with 1,000 and with 100,000 users in the database. Each size gets its
 * own embedded server (so the larger data set's memory is not shared with the smaller), seeded in
 * bulk with the driver, every user with one precomputed bcrypt hash. In every round a fresh login
 * instance per size logs in as users spread over the whole collection, interleaved with a bare
 * driver findOne of the same emails in the same process (bench/targets/alongside.cjs); sizes run in
 * rotated order and the ratio is large ÷ small, paired by round.
 */
import { performance } from 'node:perf_hooks';
import bcrypt from 'bcryptjs';
import { MongoClient } from 'mongodb';
import { startBenchDatabase } from './database';
import type { BenchDatabase } from './database';
import type { BenchConfig } from './environment';
import { proxyEvent } from './events';
import { interleaved, startAlongside } from './alongside';
import { BENCH_PASSWORD } from './scenario';
import { median, pairedRatio, rotatedOrder, summarize } from './stats';
import type { Summary } from './stats';

export interface GrowthSize {
  users: number;
  seedMs: number;
  /** Per-round p50 of a warm login, in ms. */
  loginMs: Summary;
  /** Per-round p50 of the bare findOne by email, in ms. */
  lookupMs: Summary;
}

export interface DataGrowthResult {
  rounds: number;
  loginsPerRound: number;
  small: GrowthSize;
  large: GrowthSize;
  /** large ÷ small login p50, paired by round. */
  loginRatio: Summary;
  /** large ÷ small lookup p50, paired by round. */
  lookupRatio: Summary;
}

const BATCH = 5_000;
/** Lookups are cheap next to a login's bcrypt, so they get a larger sample. */
const LOOKUPS = 500;

export function growthEmail(n: number): string {
  return `growth-${n}@example.com`;
}

/** `count` indexes spread evenly over `0..users-1`, so lookups touch the whole collection. */
export function spread(users: number, count: number): number[] {
  if (!Number.isInteger(users) || users < 1 || !Number.isInteger(count) || count < 1) {
    throw new RangeError(`spread needs positive whole numbers, got ${users} users and ${count} picks`);
  }
  return Array.from({ length: count }, (_, i) => Math.floor(((i + 0.5) * users) / count));
}

/** Inserts `users` users as register would store them, all with the same hash. */
async function seed(uri: string, users: number, passwordHash: string): Promise<number> {
  const client = await MongoClient.connect(uri);
  try {
    const collection = client.db().collection('users');
    const started = performance.now();
    const base = Date.parse('2026-01-01T00:00:00Z');
    for (let from = 0; from < users; from += BATCH) {
      const docs = Array.from({ length: Math.min(BATCH, users - from) }, (_, i) => ({
        name: `Growth User ${from + i}`,
        email: growthEmail(from + i),
        passwordHash,
        createdAt: new Date(base + from + i),
      }));
      await collection.insertMany(docs, { ordered: false });
    }
    return performance.now() - started;
  } finally {
    await client.close();
  }
}

interface Dataset {
  users: number;
  database: BenchDatabase;
  seedMs: number;
}

export async function measureDataGrowth(
  config: BenchConfig,
  sizes: { small: number; large: number },
  rounds: number,
  count: number,
  log: (line: string) => void,
): Promise<DataGrowthResult> {
  const passwordHash = await bcrypt.hash(BENCH_PASSWORD, config.bcryptCost);
  const datasets: Dataset[] = [];
  try {
    for (const users of [sizes.small, sizes.large]) {
      const database = await startBenchDatabase();
      datasets.push({ users, database, seedMs: 0 });
      const dataset = datasets[datasets.length - 1] as Dataset;
      dataset.seedMs = await seed(database.uri, users, passwordHash);
      log(`  seeded ${users.toLocaleString('en-US')} users in ${(dataset.seedMs / 1000).toFixed(1)} s`);
    }
    const [small, large] = datasets as [Dataset, Dataset];

    const logins = new Map<Dataset, number[]>([
      [small, []],
      [large, []],
    ]);
    const lookups = new Map<Dataset, number[]>([
      [small, []],
      [large, []],
    ]);
    for (const [round, order] of rotatedOrder([small, large], rounds).entries()) {
      for (const dataset of order) {
        const picks = spread(dataset.users, count).map((n) => growthEmail(n));
        const host = await startAlongside({ ...config, mongoUri: dataset.database.uri }, 'login');
        try {
          const loginEvent = (email: string): unknown =>
            proxyEvent({ method: 'POST', resource: '/login', body: { email, password: BENCH_PASSWORD } });
          // The first login connects and, on this instance's cold start, makes sure the indexes exist.
          await host.run({ events: [loginEvent(picks[0] as string), { bench: 'lookup', email: picks[0] }] });
          const timed = await interleaved(
            host,
            ['login', 'lookup'] as const,
            (kind, i) => (kind === 'login' ? loginEvent(picks[i] as string) : { bench: 'lookup', email: picks[i] }),
            count,
          );
          logins.get(dataset)?.push(median(timed.login));
          const lookupEvents = spread(dataset.users, LOOKUPS).map((n) => ({ bench: 'lookup', email: growthEmail(n) }));
          lookups
            .get(dataset)
            ?.push(median((await host.run({ events: lookupEvents, durations: true })).durations ?? []));
        } finally {
          await host.stop();
        }
      }
      log(`  data growth round ${round + 1}/${rounds}`);
    }

    const size = (dataset: Dataset): GrowthSize => ({
      users: dataset.users,
      seedMs: dataset.seedMs,
      loginMs: summarize(logins.get(dataset) ?? []),
      lookupMs: summarize(lookups.get(dataset) ?? []),
    });
    return {
      rounds,
      loginsPerRound: count,
      small: size(small),
      large: size(large),
      loginRatio: pairedRatio(logins.get(large) ?? [], logins.get(small) ?? []),
      lookupRatio: pairedRatio(lookups.get(large) ?? [], lookups.get(small) ?? []),
    };
  } finally {
    await Promise.all(datasets.map((dataset) => dataset.database.stop()));
  }
}
