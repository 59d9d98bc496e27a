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

/** The fixed window `now` falls in, for what `parts` name (hashed into the counter's key). */
function fixedWindow(parts: string[], now: Date, limit: AddressLimit): Window {
  const length = limit.windowSeconds * 1000;
  const start = Math.floor(now.getTime() / length) * length;
  return { key: hashKey(...parts, String(start)), endsAt: new Date(start + length) };
}

/** The fixed window `now` falls in, for one operation and client. */
function addressWindow(
  operation: ThrottledOperation,
  event: Pick<APIGatewayProxyEvent, 'requestContext'>,
  now: Date,
  limit: AddressLimit,
): Window {
  return fixedWindow(['address', operation, clientAddress(event)], now, limit);
}

/** Refuses with 429, counting the refusal by operation and scope. */
function refuse(operation: ThrottledOperation, scope: ThrottleScope, until: Date, now: Date): never {
  countMetric(MetricName.AttemptThrottled, { operation, scope });
  countMetric(MetricName.AttemptThrottledTotal);
  throw new TooManyAttempts(Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)), scope);
}

async function throttles(): Promise<ThrottleModel> {
  return (await database()).throttles;
}

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === DUPLICATE_KEY;
}

/**
 * Adds `by` to a counter, creating it when missing, and answers the new count. Of two first
 * increments racing, one insert fails on the _id index: it is retried and then finds the document.
 */
async function increment(model: ThrottleModel, key: string, expiresAt: Date, by = 1): Promise<number> {
  const once = () =>
    model
      .findOneAndUpdate(
        { _id: key },
        { $inc: { failures: by }, $max: { expiresAt } },
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
    return record?.failures ?? by;
  } catch (error) {
    throw databaseError(error);
  }
}

/** The back-off after `failures` consecutive failures: none below the limit, then doubling up to the longest. */
export function backoffSeconds(
  failures: number,
  config: Pick<ThrottleConfig, 'maxFailures' | 'backoffSeconds' | 'maxBackoffSeconds'>,
): number {
  const beyond = failures - config.maxFailures;
  if (beyond < 0) return 0;
  return Math.min(config.backoffSeconds * 2 ** Math.min(beyond, 30), config.maxBackoffSeconds);
}

const seconds = (from: Date, count: number) => new Date(from.getTime() + count * 1000);

/**
 * Lets one password check for an account go ahead, counting it as a failure before it is made
 * (a success then resets the account), or refuses it. Counting first is what bounds concurrent
 * guesses: below the limit the `$lt` filter admits exactly as many as remain, and once the limit
 * is reached a compare-and-set on the count admits one attempt per back-off, however many arrive
 * together. The attempt that reaches the limit, or is admitted after a back-off, sets the next one.
 */
async function admitToAccount(
  model: ThrottleModel,
  key: string,
  now: Date,
  config: ThrottleConfig,
  operation: ThrottledOperation,
): Promise<void> {
  const expiresAt = seconds(now, FAILURE_MEMORY_SECONDS);
  try {
    // A counter past its expiry that MongoDB's TTL monitor (once a minute) has not removed yet starts over.
    await model.updateOne(
      { _id: key, expiresAt: trusted({ $lte: now }) },
      { $set: { failures: 0, lockedUntil: null } },
    );
    await model
      .updateOne({ _id: key }, { $setOnInsert: { failures: 0, lockedUntil: null, expiresAt } }, { upsert: true })
      .catch((error: unknown) => {
        // Another attempt created it first: what was wanted.
        if (!isDuplicateKey(error)) throw error;
      });
    const below = await model
      .findOneAndUpdate(
        { _id: key, failures: trusted({ $lt: config.maxFailures }) },
        { $inc: { failures: 1 }, $max: { expiresAt } },
        { returnDocument: 'after' },
      )
      .lean<ThrottleRecord>();
    if (below !== null) {
      if (below.failures === config.maxFailures)
        await model.updateOne(
          { _id: key },
          { $max: { lockedUntil: seconds(now, backoffSeconds(below.failures, config)) } },
        );
      return;
    }
    const current = await model.findById(key).lean<ThrottleRecord>();
    if (current === null) return await admitToAccount(model, key, now, config, operation);
    if (current.lockedUntil === null) {
      // At the limit without a lock: the attempt that reached it has counted but not yet locked.
      // This one must not slip in between, so it sets that lock itself (the same one, whoever is
      // first) and is refused.
      const until = seconds(now, backoffSeconds(current.failures, config));
      await model.updateOne({ _id: key, lockedUntil: null }, { $set: { lockedUntil: until } });
      refuse(operation, THROTTLE_SCOPE.account, until, now);
    }
    if (current.lockedUntil > now) refuse(operation, THROTTLE_SCOPE.account, current.lockedUntil, now);
    const failures = current.failures + 1;
    const taken = await model
      .findOneAndUpdate(
        { _id: key, failures: current.failures },
        { $set: { failures, lockedUntil: seconds(now, backoffSeconds(failures, config)) }, $max: { expiresAt } },
        { returnDocument: 'after' },
      )
      .lean<ThrottleRecord>();
    if (taken !== null) return;
    // Another attempt took this turn: it has set the lock this one waits for.
    const winner = await model.findById(key).lean<ThrottleRecord>();
    refuse(operation, THROTTLE_SCOPE.account, winner?.lockedUntil ?? seconds(now, config.backoffSeconds), now);
  } catch (error) {
    throw databaseError(error);
  }
}

/**
 * Takes one of an address's attempts in the window, counted before the outcome is known so that
 * concurrent attempts cannot all slip under the limit; past it, refuses. The answer gives the
 * attempt back, for an outcome that is not a failure.
 */
async function takeFromAddress(
  model: ThrottleModel,
  window: Window,
  limit: AddressLimit,
  operation: ThrottledOperation,
  now: Date,
): Promise<() => Promise<void>> {
  if ((await increment(model, window.key, window.endsAt)) > limit.limit)
    refuse(operation, THROTTLE_SCOPE.address, window.endsAt, now);
  return async () => {
    await increment(model, window.key, window.endsAt, -1);
  };
}

async function forget(model: ThrottleModel, key: string): Promise<void> {
  try {
    await model.deleteOne({ _id: key });
  } catch (error) {
    throw databaseError(error);
  }
}

/** An admitted attempt, counted as a failure until it reports that it succeeded. */
export interface Attempt {
  succeeded(): Promise<void>;
}

/**
 * Before a password is checked (a login, or confirming a sensitive change): refuses (429) while
 * the address is over its limit of failed logins or the account is locked, and otherwise counts
 * the attempt as a failure against both until it succeeds (which gives the address its attempt
 * back and resets the account). Every operation shares the account's and the address's counters:
 * guesses add up wherever they are made.
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
  const giveBack = await takeFromAddress(
    model,
    addressWindow(THROTTLED_OPERATION.login, event, now, config.address.login),
    config.address.login,
    operation,
    now,
  );
  try {
    await admitToAccount(model, account, now, config, operation);
  } catch (error) {
    // Refused for the account: no password was checked, so no failure from this address.
    await giveBack();
    throw error;
  }
  return {
    async succeeded() {
      await Promise.all([giveBack(), forget(model, account)]);
    },
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
  // Every attempt counts, so nothing is given back.
  await takeFromAddress(
    await throttles(),
    addressWindow(THROTTLED_OPERATION.register, event, now, limit),
    limit,
    THROTTLED_OPERATION.register,
    now,
  );
}

/** Before a refresh: refuses (429) when the address is over its limit of failed refreshes, and otherwise counts a failure until the refresh succeeds. */
export async function beginRefresh(event: Pick<APIGatewayProxyEvent, 'requestContext'>): Promise<Attempt> {
  const limit = throttleConfig().address.refreshToken;
  const now = currentTime();
  const giveBack = await takeFromAddress(
    await throttles(),
    addressWindow(THROTTLED_OPERATION.refreshToken, event, now, limit),
    limit,
    THROTTLED_OPERATION.refreshToken,
    now,
  );
  return { succeeded: giveBack };
}

/**
 * Before an email is sent on request (a reset link, the verification link again): counts the
 * request against the address and against the account (by the hash of the email, registered or
 * not, so the count reveals nothing), and refuses (429) past either limit. Every request counts,
 * answered or not: what is limited is how many emails one client or one mailbox can be sent.
 */
export async function beginEmailRequest(
  email: string,
  event: Pick<APIGatewayProxyEvent, 'requestContext'>,
  operation: ThrottledOperation,
): Promise<void> {
  const config = throttleConfig();
  const now = currentTime();
  const model = await throttles();
  // One window for every email-sending operation: asking through another route does not double the allowance.
  const address = addressWindow(THROTTLED_OPERATION.forgotPassword, event, now, config.address.emailRequests);
  await takeFromAddress(model, address, config.address.emailRequests, operation, now);
  const limit = config.account.emailRequests;
  const account = fixedWindow(['email-requests', accountKey(email)], now, limit);
  if ((await increment(model, account.key, account.endsAt)) > limit.limit)
    refuse(operation, THROTTLE_SCOPE.account, account.endsAt, now);
}

/**
 * Before an emailed link's token is checked: refuses (429) when the address is over its limit of
 * tokens that did not work, and otherwise counts a failure until the token works. Tokens carry 256
 * random bits, so this guards the database from floods more than the tokens from guessing.
 */
export async function beginLinkRedemption(
  event: Pick<APIGatewayProxyEvent, 'requestContext'>,
  operation: ThrottledOperation,
): Promise<Attempt> {
  const limit = throttleConfig().address.linkFailures;
  const now = currentTime();
  const giveBack = await takeFromAddress(
    await throttles(),
    addressWindow(THROTTLED_OPERATION.resetPassword, event, now, limit),
    limit,
    operation,
    now,
  );
  return { succeeded: giveBack };
}

/**
 * Lifts an account's login lock and forgets its failures: for a password reset, which proves the
 * mailbox is the owner's (otherwise whoever guessed wrong could keep the owner out after a reset).
 */
export async function clearAccountLock(email: string): Promise<void> {
  await forget(await throttles(), accountKey(email));
}
