/** What `startMongo` accepts, checked once in the caller's process so a bad value fails there, naming the option. */
import type { Log } from './log';
import { MAX_MESSAGE_BYTES } from './wire';

export interface MongoOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** How often TTL indexes remove expired documents. @default 60000, as mongod */
  ttlSweepMs?: number;
  /** How long an unused cursor stays open. @default 600000, as mongod */
  cursorTimeoutMs?: number;
  /**
   * Bytes of messages still being received that the server holds across all its connections; a
   * connection whose bytes would go beyond it is closed. @default 96000000, two messages of the largest size
   */
  maxBufferedBytes?: number;
  /** How long a client may take to send the rest of a message it has started; then its connection is closed. @default 30000 */
  partialMessageTimeoutMs?: number;
  /** Receives closed-connection reasons and unexpected failures. @default a line on stderr */
  log?: Log;
}

/** The options with their defaults, as plain data that can cross to the server's process. */
export type ServerSettings = Required<Omit<MongoOptions, 'log'>>;

export function resolveOptions(options: MongoOptions): ServerSettings {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`startMongo: port must be a port number, got ${port}`);
  return {
    port,
    host: options.host ?? '127.0.0.1',
    ttlSweepMs: positive('ttlSweepMs', options.ttlSweepMs, 60_000),
    cursorTimeoutMs: positive('cursorTimeoutMs', options.cursorTimeoutMs, 600_000),
    maxBufferedBytes: positive('maxBufferedBytes', options.maxBufferedBytes, 2 * MAX_MESSAGE_BYTES),
    partialMessageTimeoutMs: positive('partialMessageTimeoutMs', options.partialMessageTimeoutMs, 30_000),
  };
}

/** A zero or negative interval would spin the sweeps; refuse it naming the option. */
function positive(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`startMongo: ${option} must be a positive number, got ${value}`);
  return value;
}

/** A `mongodb://` connection string for a server listening on `host` and `port`. */
export function connectionString(host: string, port: number): string {
  return `mongodb://${host.includes(':') ? `[${host}]` : host}:${port}/`;
}
