/**
 * Starts one embedded MongoDB-compatible server for the whole jest run, unless MONGODB_URI already
 * points at a real MongoDB, in which case every suite runs against that instead.
 * Workers inherit the variables set here.
 */
import { startMongo } from '../../local/mongo';
import type { RunningMongo } from '../../local/mongo';
import { startOutbox } from '../../local/outbox';
import type { Outbox } from '../../local/outbox';

declare global {
  /** Set by global setup for global teardown, which runs in the same (parent) process. */
  var embeddedMongo: RunningMongo | undefined;
  var sinkOutbox: Outbox | undefined;
}

/** Short enough that TTL tests finish quickly; mongod sweeps every 60 s. */
const TTL_SWEEP_MS = 200;

export default async function globalSetup(): Promise<void> {
  // Where the functions' emails go when a test does not read them (test/support/outbox.ts reads them).
  const sink = await startOutbox();
  globalThis.sinkOutbox = sink;
  process.env.TEST_SINK_OUTBOX_URL = sink.url;
  if (process.env.MONGODB_URI) return;
  // Refused connections are part of the tests; their reasons are shown only when asked for.
  const log = process.env.EMBEDDED_MONGO_LOG === '1' ? undefined : () => undefined;
  const mongo = await startMongo({ ttlSweepMs: TTL_SWEEP_MS, ...(log ? { log } : {}) });
  globalThis.embeddedMongo = mongo;
  process.env.MONGODB_URI = mongo.uri;
  process.env.EMBEDDED_MONGO = '1';
}
