/**
 * One database connection per Lambda instance: opened by the first invocation that needs it and
 * reused by the ones after. A failed open is not kept, and a connection the driver reports closed
 * or broken is dropped, so the next invocation after an outage connects again without a cold start.
 */
import mongoose from 'mongoose';
import type { Connection } from 'mongoose';
import { databaseConfig } from './config';
import { DatabaseUnavailable } from './errors';
import { countMetric, currentFunctionName, currentInvocation, logger, MetricName } from './observability';
import { onceAsync } from './once';
import {
  SESSION_MODEL_NAME,
  sessionSchema,
  USED_REFRESH_TOKEN_MODEL_NAME,
  usedRefreshTokenSchema,
} from './session-model';
import type { SessionModel, SessionRecord, UsedRefreshTokenModel, UsedRefreshTokenRecord } from './session-model';
import { LINK_TOKEN_MODEL_NAME, linkTokenSchema } from './link-token-model';
import type { LinkTokenModel, LinkTokenRecord } from './link-token-model';
import { THROTTLE_MODEL_NAME, throttleSchema } from './throttle-model';
import type { ThrottleModel, ThrottleRecord } from './throttle-model';
import { USER_MODEL_NAME, userSchema } from './user-model';
import type { UserModel, UserRecord } from './user-model';

// Validation rejects operator objects before any query; this is the second wall: a `{ $gt: "" }`
// reaching a filter is compared as a value, never run as an operator.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);

export const DB_CONNECTION = { new: 'new', reused: 'reused' } as const;

export type DbConnection = (typeof DB_CONNECTION)[keyof typeof DB_CONNECTION];

export interface Database {
  connection: Connection;
  users: UserModel;
  sessions: SessionModel;
  usedRefreshTokens: UsedRefreshTokenModel;
  throttles: ThrottleModel;
  linkTokens: LinkTokenModel;
}

/** One invocation at a time per instance; a second socket covers a monitor check during a query. */
const MAX_POOL_SIZE = 2;

/** Driver errors that mean "no server answered": the client gets 503 and retries later. */
const UNAVAILABLE_ERRORS = new Set([
  'MongooseServerSelectionError',
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
]);

/**
 * Socket errors that can surface unwrapped when the server goes away mid-write (Node's "This socket
 * has been ended by the other party" is EPIPE): the server is unreachable, not our code broken.
 */
const NETWORK_ERROR_CODES = new Set([
  'EPIPE',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

export function isUnavailable(error: unknown): boolean {
  // By shape, not instanceof: Node's own socket errors can come from another realm (as under a test runner's sandbox).
  if (typeof error !== 'object' || error === null) return false;
  const { name, message, code, cause } = error as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    cause?: unknown;
  };
  if ((typeof name === 'string' && UNAVAILABLE_ERRORS.has(name)) || message === 'Connection was force closed')
    return true;
  if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return true;
  return cause !== undefined && cause !== error && isUnavailable(cause);
}

/** Errors of a database call: an unreachable server becomes DatabaseUnavailable, anything else stays a bug. */
export function databaseError(error: unknown): unknown {
  return isUnavailable(error) ? new DatabaseUnavailable(error) : error;
}

/** The invocation whose connection use was last reported: an invocation may ask for the database several times. */
let reportedInvocation: number | undefined;
/** The connection the kept `connect` opens, known before it is ready so that its events can drop it. */
let currentConnection: Connection | undefined;
/** One open shared by concurrent callers; a failed one is not kept. */
const connect = onceAsync(open);

/** Drops the kept database if it is this connection's, so the next invocation connects again. */
function forget(connection: Connection): void {
  if (currentConnection !== connection) return;
  currentConnection = undefined;
  connect.forget();
}

async function open(): Promise<Database> {
  const config = await databaseConfig();
  const connection = mongoose.createConnection(config.uri, {
    bufferCommands: false,
    autoIndex: false,
    autoCreate: false,
    serverSelectionTimeoutMS: config.serverSelectionTimeoutMs,
    connectTimeoutMS: config.serverSelectionTimeoutMs,
    maxPoolSize: MAX_POOL_SIZE,
  });
  currentConnection = connection;
  // A server that goes away is not a reason to drop the connection: the driver finds it again when
  // it is back. A closed or failed connection is, since nothing would ever reopen it.
  connection.on('close', () => forget(connection));
  connection.on('error', (error: unknown) => {
    logger.warn('database connection failed; the next invocation reconnects', {
      error: error instanceof Error ? error : String(error),
    });
    forget(connection);
    void connection.close(true).catch(() => undefined);
  });
  try {
    await connection.asPromise();
    const users = connection.model<UserRecord>(USER_MODEL_NAME, userSchema);
    const sessions = connection.model<SessionRecord>(SESSION_MODEL_NAME, sessionSchema);
    const usedRefreshTokens = connection.model<UsedRefreshTokenRecord>(
      USED_REFRESH_TOKEN_MODEL_NAME,
      usedRefreshTokenSchema,
    );
    const throttles = connection.model<ThrottleRecord>(THROTTLE_MODEL_NAME, throttleSchema);
    const linkTokens = connection.model<LinkTokenRecord>(LINK_TOKEN_MODEL_NAME, linkTokenSchema);
    // Once per cold start, awaited: the unique indexes are what make concurrent registrations and refreshes safe.
    await Promise.all([
      users.createIndexes(),
      sessions.createIndexes(),
      usedRefreshTokens.createIndexes(),
      throttles.createIndexes(),
      linkTokens.createIndexes(),
    ]);
    return { connection, users, sessions, usedRefreshTokens, throttles, linkTokens };
  } catch (error) {
    forget(connection);
    await connection.close(true).catch(() => undefined);
    throw error;
  }
}

/**
 * The instance's database, connecting first when there is none. Reports on the request line
 * (`db_connection`) and in metrics, once per invocation, whether it opened the connection or reused it.
 */
export async function database(): Promise<Database> {
  const reused = connect.kept() !== undefined;
  let db: Database;
  try {
    db = await connect();
  } catch (error) {
    throw databaseError(error);
  }
  if (reportedInvocation !== currentInvocation()) {
    reportedInvocation = currentInvocation();
    logger.appendKeys({ db_connection: reused ? DB_CONNECTION.reused : DB_CONNECTION.new });
    countMetric(reused ? MetricName.DbConnectionReused : MetricName.DbConnectionNew, {
      function_name: currentFunctionName(),
    });
  }
  return db;
}

/** Closes the instance's connection; for tests and scripts (Lambda simply freezes the instance). */
export async function closeDatabase(): Promise<void> {
  const pending = connect.kept();
  connect.forget();
  reportedInvocation = undefined;
  currentConnection = undefined;
  const db = await pending?.catch(() => undefined);
  await db?.connection.close();
}
