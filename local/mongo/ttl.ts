/** TTL indexes: documents whose indexed date is older than `expireAfterSeconds` are removed by a periodic sweep. */
import type { Collection } from './collection';
import { valuesAtPath } from './keys';
import type { Log } from './log';
import type { Storage } from './storage';

export function removeExpired(storage: Storage, now: number): void {
  for (const collection of storage.allCollections()) removeExpiredFrom(collection, now);
}

function removeExpiredFrom(collection: Collection, now: number): void {
  for (const index of collection.listIndexes()) {
    const [field] = index.fields;
    // Like mongod, only single-field indexes expire documents, and only through date values.
    if (index.expireAfterSeconds === undefined || field === undefined || index.fields.length !== 1) continue;
    const cutoff = now - index.expireAfterSeconds * 1000;
    const expired: number[] = [];
    for (const [id, doc] of collection.entries()) {
      const dates = valuesAtPath(doc, field).filter((value): value is Date => value instanceof Date);
      // An array of dates expires with its earliest date.
      if (dates.length > 0 && Math.min(...dates.map((date) => date.getTime())) <= cutoff) expired.push(id);
    }
    for (const id of expired) collection.remove(id);
  }
}

/**
 * The sweep's schedule, which `setParameter` changes at run time (`ttlMonitorSleepSecs`, `ttlMonitorEnabled`)
 * as on mongod. A new interval applies at once rather than after the current sleep, so a test that shortens it
 * does not wait out the old one.
 */
export class TtlMonitor {
  private timer: NodeJS.Timeout | undefined;
  private enabledFlag = true;

  constructor(
    private readonly storage: Storage,
    private intervalMs: number,
    private readonly log: Log,
  ) {}

  start(): void {
    this.stop();
    this.timer = setInterval(() => this.sweep(), this.intervalMs);
    // The sweep alone must not keep a test run or script alive.
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  get sleepSeconds(): number {
    return this.intervalMs / 1000;
  }

  set sleepSeconds(seconds: number) {
    this.intervalMs = seconds * 1000;
    if (this.timer) this.start();
  }

  get enabled(): boolean {
    return this.enabledFlag;
  }

  set enabled(enabled: boolean) {
    this.enabledFlag = enabled;
  }

  private sweep(): void {
    if (!this.enabledFlag) return;
    // A throw inside a timer would take the whole process down.
    try {
      removeExpired(this.storage, Date.now());
    } catch (error) {
      this.log(`TTL sweep failed: ${(error as Error).stack ?? String(error)}`);
    }
  }
}
