/**
 * Slows down password guessing (OWASP ASVS V2.2.1) in two ways, both answered with one 429
 * `too-many-attempts` and a Retry-After:
 *
 * - Per account: after LOGIN_MAX_FAILURES consecutive failed logins for one email, every login
 *   for it is refused for LOGIN_BACKOFF_SECONDS, doubling with each further failure up to
 *   LOGIN_MAX_BACKOFF_SECONDS; a successful login resets it. The right password is refused too
 *   while it lasts, or the lock would tell a guess that was right. The email is counted whether or
 *   not it is registered, by the same code path, so the throttle says nothing about who exists.
 * - Per client address (API Gateway's sourceIp; an IPv6 address by its /64, which one client
 *   usually holds whole): failed logins, registrations and failed refreshes are counted in fixed
 *   windows, and past the limit the address is refused for the rest of the window.
 *
 * Counters live in MongoDB (Lambda instances come and go), change only by atomic updates, and are
 * keyed by a SHA-256 of what they count, never the email or the address itself.
 */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { trusted } from 'mongoose';
import { currentTime } from './clock';
import type { AddressLimit, ThrottleConfig } from './config';
import { throttleConfig } from './config';
import { database, databaseError } from './db';
import { TooManyAttempts } from './errors';
import { countMetric, MetricName } from './observability';
import { THROTTLE_SCOPE, THROTTLED_OPERATION } from './throttle-model';
import type { ThrottledOperation, ThrottleModel, ThrottleRecord, ThrottleScope } from './throttle-model';

/**
 * How long an account's failures are remembered after the last one. Long enough that waiting out
 * one back-off does not wipe the count (a guess per back-off, not five per quarter hour).
 */
export const FAILURE_MEMORY_SECONDS = 86_400;

const DUPLICATE_KEY = 11000;

function hashKey(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0'), 'utf8').digest('hex');
}

/** The counter of an account: the email as stored (trimmed, lower-cased), hashed. */
export function accountKey(email: string): string {
  return hashKey('account', email);
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/;

/**
 * The client as the address throttle counts it: an IPv4 address, or the /64 an IPv6 address is
 * in (one subscriber usually gets a whole /64, so counting single addresses would let one client
 * use 2^64 counters). Anything else, which API Gateway never sends, is one shared `unknown` client.
 */
export function clientAddress(event: Pick<APIGatewayProxyEvent, 'requestContext'>): string {
  const identity = event.requestContext?.identity as
    Partial<APIGatewayProxyEvent['requestContext']['identity']> | undefined;
  const ip = typeof identity?.sourceIp === 'string' ? identity.sourceIp : '';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (IPV4.test(ip)) return ip;
  if (!IPV6.test(ip) || !ip.includes(':') || ip.split('::').length > 2) return 'unknown';
  const [head = '', tail] = ip.split('::');
  const groupsOf = (part: string) =>
    part === '' ? [] : part.split(':').flatMap((group) => (group.includes('.') ? ['0', '0'] : [group]));
  const before = groupsOf(head);
  const after = tail === undefined ? [] : groupsOf(tail);
  const groups =
    tail === undefined
      ? before
      : [...before, ...Array<string>(Math.max(0, 8 - before.length - after.length)).fill('0'), ...after];
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group || '0', 16).toString(16))
    .join(':')}::/64`;
}

interface Window {
  key: string;
  endsAt: Date;
}

/** The fixed window `now` falls in, for one operation and client. */
function addressWindow(
  operation: ThrottledOperation,
  event: Pick<APIGatewayProxyEvent, 'requestContext'>,
  now: Date,
  limit: AddressLimit,
): Window {
  const length = limit.windowSeconds * 1000;
  const start = Math.floor(now.getTime() / length) * length;
  return { key: hashKey('address', operation, clientAddress(event), String(start)), endsAt: new Date(start + length) };
}

/** Refuses with 429, counting the refusal by operation and scope. */
function refuse(operation: ThrottledOperation, scope: ThrottleScope, until: Date, now: Date): never {
  countMetric(MetricName.AttemptThrottled, { operation, scope });
  throw new TooManyAttempts(Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)), scope);
}

async function throttles(): Promise<ThrottleModel> {
  return (await database()).throttles;
}

async function read(model: ThrottleModel, keys: string[]): Promise<Map<string, ThrottleRecord>> {
  try {
    const found = await model.find({ _id: trusted({ $in: keys }) }).lean<ThrottleRecord[]>();
    return new Map(found.map((record) => [record._id, record]));
  } catch (error) {
    throw databaseError(error);
  }
}

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === DUPLICATE_KEY;
}

/**
 * Adds one to a counter, creating it when missing, and answers the new count. Of two first
 * increments racing, one insert fails on the _id index: it is retried and then finds the document.
 */
async function increment(model: ThrottleModel, key: string, expiresAt: Date): Promise<number> {
  const once = () =>
    model
      .findOneAndUpdate(
        { _id: key },
        { $inc: { failures: 1 }, $max: { expiresAt } },
        { upsert: true, returnDocument: 'after', projection: { failures: 1 } },
      )
      .lean<Pick<ThrottleRecord, 'failures'>>();
  try {
    let record;
    try {
      record = await once();
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      record = await once();
    }
    return record?.failures ?? 1;
  } catch (error) {
    throw databaseError(error);
  }
}

/** Counts a failed login of an account, and locks it once the failures reach the limit. */
async function countAccountFailure(
  model: ThrottleModel,
  key: string,
  now: Date,
  config: ThrottleConfig,
): Promise<void> {
  try {
    // A counter past its expiry that MongoDB's TTL monitor (once a minute) has not removed yet starts over.
    await model.updateOne(
      { _id: key, expiresAt: trusted({ $lte: now }) },
      { $set: { failures: 0, lockedUntil: null } },
    );
  } catch (error) {
    throw databaseError(error);
  }
  const failures = await increment(model, key, new Date(now.getTime() + FAILURE_MEMORY_SECONDS * 1000));
  const beyond = failures - config.maxFailures;
  if (beyond < 0) return;
  const seconds = Math.min(config.backoffSeconds * 2 ** Math.min(beyond, 30), config.maxBackoffSeconds);
  try {
    // $max: of concurrent failures, the one that counted last sets the longest lock, whatever order they write in.
    await model.updateOne({ _id: key }, { $max: { lockedUntil: new Date(now.getTime() + seconds * 1000) } });
  } catch (error) {
    throw databaseError(error);
  }
}

async function forget(model: ThrottleModel, key: string): Promise<void> {
  try {
    await model.deleteOne({ _id: key });
  } catch (error) {
    throw databaseError(error);
  }
}

/** What an operation reports once it knows whether the attempt succeeded. */
export interface Attempt {
  failed(): Promise<void>;
  succeeded(): Promise<void>;
}

/**
 * Before a password is checked (a login, or confirming a sensitive change): refuses (429) while
 * the account is locked or the address is over its limit of failed logins. The attempt answers
 * for the outcome: a failure is counted against both, a success resets the account. Every
 * operation shares the account's and the address's counters: guesses add up wherever they are made.
 */
export async function beginPasswordCheck(
  email: string,
  event: Pick<APIGatewayProxyEvent, 'requestContext'>,
  operation: ThrottledOperation,
): Promise<Attempt> {
  const config = throttleConfig();
  const now = currentTime();
  const model = await throttles();
  const account = accountKey(email);
  const address = addressWindow(THROTTLED_OPERATION.login, event, now, config.address.login);
  const records = await read(model, [account, address.key]);
  const lock = records.get(account);
  if (lock?.lockedUntil != null && lock.lockedUntil > now && lock.expiresAt > now)
    refuse(operation, THROTTLE_SCOPE.account, lock.lockedUntil, now);
  if ((records.get(address.key)?.failures ?? 0) >= config.address.login.limit)
    refuse(operation, THROTTLE_SCOPE.address, address.endsAt, now);
  return {
    async failed() {
      await Promise.all([
        countAccountFailure(model, account, currentTime(), config),
        increment(model, address.key, address.endsAt),
      ]);
    },
    succeeded: () => forget(model, account),
  };
}

/** Before a login's password check: see beginPasswordCheck. */
export function beginLogin(email: string, event: Pick<APIGatewayProxyEvent, 'requestContext'>): Promise<Attempt> {
  return beginPasswordCheck(email, event, THROTTLED_OPERATION.login);
}

/** Before a registration: counts it against the address, and refuses (429) past the limit. */
export async function beginRegistration(event: Pick<APIGatewayProxyEvent, 'requestContext'>): Promise<void> {
  const limit = throttleConfig().address.register;
  const now = currentTime();
  const address = addressWindow(THROTTLED_OPERATION.register, event, now, limit);
  // Counted first, atomically: of concurrent registrations from one address, exactly `limit` pass.
  if ((await increment(await throttles(), address.key, address.endsAt)) > limit.limit) {
    refuse(THROTTLED_OPERATION.register, THROTTLE_SCOPE.address, address.endsAt, now);
  }
}

/** Before a refresh: refuses (429) when the address is over its limit of failed refreshes; the attempt counts a failure. */
export async function beginRefresh(event: Pick<APIGatewayProxyEvent, 'requestContext'>): Promise<Attempt> {
  const limit = throttleConfig().address.refreshToken;
  const now = currentTime();
  const model = await throttles();
  const address = addressWindow(THROTTLED_OPERATION.refreshToken, event, now, limit);
  const records = await read(model, [address.key]);
  if ((records.get(address.key)?.failures ?? 0) >= limit.limit)
    refuse(THROTTLED_OPERATION.refreshToken, THROTTLE_SCOPE.address, address.endsAt, now);
  return {
    async failed() {
      await increment(model, address.key, address.endsAt);
    },
    succeeded: () => Promise.resolve(),
  };
}
