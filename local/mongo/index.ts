/**
 * An in-memory server speaking the MongoDB wire protocol, for local runs and tests only:
 * production uses MongoDB. The `mongodb` driver and mongoose talk to it unmodified.
 */
import { CursorStore } from './cursors';
import { stderrLog } from './log';
import type { Log } from './log';
import { listen } from './server';
import { Storage } from './storage';
import { TtlMonitor } from './ttl';

export type { Log } from './log';

export interface MongoOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** How often TTL indexes remove expired documents. @default 60000, as mongod */
  ttlSweepMs?: number;
  /** How long an unused cursor stays open. @default 600000, as mongod */
  cursorTimeoutMs?: number;
  /** Receives closed-connection reasons and unexpected failures. @default a line on stderr */
  log?: Log;
}

export interface RunningMongo {
  /** A `mongodb://` connection string for this server. */
  uri: string;
  port: number;
  /** Closes every connection and frees the port. */
  stop(): Promise<void>;
}

export async function startMongo(options: MongoOptions = {}): Promise<RunningMongo> {
  const host = options.host ?? '127.0.0.1';
  const ttlSweepMs = positiveMilliseconds('ttlSweepMs', options.ttlSweepMs, 60_000);
  const cursorTimeoutMs = positiveMilliseconds('cursorTimeoutMs', options.cursorTimeoutMs, 600_000);
  const storage = new Storage();
  const cursors = new CursorStore();
  const log = options.log ?? stderrLog;
  const ttl = new TtlMonitor(storage, ttlSweepMs, log);
  const server = await listen({ host, port: options.port ?? 0, storage, cursors, ttl, log });

  ttl.start();
  const timers = [setInterval(() => cursors.closeIdle(cursorTimeoutMs), Math.min(cursorTimeoutMs, 60_000))];
  // The sweeps alone must not keep a test run or script alive.
  for (const timer of timers) timer.unref();

  const uriHost = host.includes(':') ? `[${host}]` : host;
  return {
    uri: `mongodb://${uriHost}:${server.port}/`,
    port: server.port,
    stop: async () => {
      for (const timer of timers) clearInterval(timer);
      ttl.stop();
      cursors.clear();
      await server.close();
    },
  };
}

/** A zero or negative interval would spin the sweeps; refuse it naming the option. */
function positiveMilliseconds(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`startMongo: ${option} must be a positive number of milliseconds, got ${value}`);
  return value;
}
