/**
 * `npm run bench:mongo`: how the embedded MongoDB server holds up as the users collection grows.
 * At 1,000, 10,000 and 100,000 users it prints bulk insert throughput, single insert latency and
 * indexed findOne({ email }) throughput and latency, which should stay flat because email lookups
 * go through the unique index's hash map. Not a test: nothing is asserted, figures vary by machine.
 */
import { MongoClient } from 'mongodb';
import { startMongo } from '../local/mongo';

const SIZES = [1_000, 10_000, 100_000];
/** The last users at each size are inserted one by one, as registrations are. */
const SINGLE_INSERTS = 1_000;
const BULK_BATCH = 1_000;
const LOOKUPS = 5_000;
/** Operations run before measuring, so the first size is not charged for JIT compilation. */
const WARM_UP = 2_000;

const email = (n: number): string => `user${n}@example.com`;

function user(n: number): { email: string; passwordHash: string; createdAt: Date } {
  return { email: email(n), passwordHash: `$2b$10$${'x'.repeat(53)}`, createdAt: new Date() };
}

/** Runs `operation` `count` times in sequence and returns per-call latencies in milliseconds. */
async function timeEach(count: number, operation: (i: number) => Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await operation(i);
    latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return latencies;
}

function percentile(sortedLatencies: number[], p: number): number {
  return sortedLatencies[Math.min(sortedLatencies.length - 1, Math.floor((p / 100) * sortedLatencies.length))] ?? NaN;
}

function summarize(latencies: number[]): { perSecond: number; p50: number; p99: number } {
  const sorted = [...latencies].sort((a, b) => a - b);
  const total = latencies.reduce((sum, ms) => sum + ms, 0);
  return { perSecond: (latencies.length / total) * 1000, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

const rate = (value: number): string => Math.round(value).toLocaleString('en-US');
const ms = (value: number): string => value.toFixed(3);

async function main(): Promise<void> {
  const mongo = await startMongo({ log: () => undefined });
  const client = await MongoClient.connect(mongo.uri);
  try {
    const warmUp = client.db('bench').collection('warm_up');
    await warmUp.createIndex({ email: 1 }, { unique: true });
    await timeEach(WARM_UP, (i) => warmUp.insertOne(user(i)));
    await timeEach(WARM_UP, (i) => warmUp.findOne({ email: email(i) }));
    await warmUp.drop();

    const users = client.db('bench').collection('users');
    await users.createIndex({ email: 1 }, { unique: true });
    console.log(`embedded server at ${mongo.uri}; one client, operations in sequence`);
    const rows: Record<string, string>[] = [];

    let count = 0;
    for (const size of SIZES) {
      const bulkTarget = size - SINGLE_INSERTS;
      const bulkCount = bulkTarget - count;
      const bulkStart = process.hrtime.bigint();
      while (count < bulkTarget) {
        const batch = Array.from({ length: Math.min(BULK_BATCH, bulkTarget - count) }, (_, i) => user(count + i));
        await users.insertMany(batch);
        count += batch.length;
      }
      const bulkSeconds = Number(process.hrtime.bigint() - bulkStart) / 1e9;

      const inserts = summarize(await timeEach(SINGLE_INSERTS, (i) => users.insertOne(user(bulkTarget + i))));
      count = size;

      let misses = 0;
      const lookups = summarize(
        await timeEach(LOOKUPS, async () => {
          if (!(await users.findOne({ email: email(Math.floor(Math.random() * size)) }))) misses += 1;
        }),
      );
      if (misses > 0) throw new Error(`${misses} lookups found nobody at ${size} users`);

      rows.push({
        users: rate(size),
        'insertMany docs/s': bulkCount > 0 ? rate(bulkCount / bulkSeconds) : '-',
        'insertOne ops/s': rate(inserts.perSecond),
        'insertOne p50 ms': ms(inserts.p50),
        'insertOne p99 ms': ms(inserts.p99),
        'findOne ops/s': rate(lookups.perSecond),
        'findOne p50 ms': ms(lookups.p50),
        'findOne p99 ms': ms(lookups.p99),
      });
    }
    console.table(rows);
  } finally {
    await client.close();
    await mongo.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
