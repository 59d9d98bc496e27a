/**
 * Numbers keep their BSON type through storage. The driver's decoder would turn int32, int64 and double
 * alike into JS numbers (and the encoder would send every integral number back as int32), so documents
 * are decoded without promotion and then settled into one representation:
 * - int32 → a JS number (an integer in int32 range always encodes back as int32);
 * - double → a JS number, except integral values (and -0), which stay `Double` so they encode as doubles;
 * - int64 → `Long`, whatever its size.
 */
import { deserialize, Long } from 'bson';
import type { Double } from 'bson';
import { isDocument } from './document';
import type { Document } from './document';
import { needsDoubleWrapper } from './values';

function tagOf(value: object): unknown {
  return (value as { _bsontype?: unknown })._bsontype;
}

/**
 * Decodes a BSON document keeping every number's type: what the server stores is what it was sent, int64
 * and integral doubles included.
 */
export function decodeBson(bytes: Uint8Array): Document {
  return settleNumbers(deserialize(bytes, { promoteValues: false }));
}

/** Settles a freshly decoded value in place (arrays and documents) and returns it. */
export function settleNumbers<T>(value: T): T {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = settleNumbers(value[i] as unknown);
    return value;
  }
  if (isDocument(value)) {
    const doc: Record<string, unknown> = value;
    for (const key of Object.keys(doc)) doc[key] = settleNumbers(doc[key]);
    return value;
  }
  if (typeof value !== 'object' || value === null) return value;
  const tag = tagOf(value);
  if (tag === 'Int32') return (value as unknown as { value: number }).value as T;
  if (tag === 'Double') {
    const number = (value as unknown as Double).value;
    return (needsDoubleWrapper(number) ? value : number) as T;
  }
  return value;
}

/**
 * The same value with every number as a plain JS number, for code that only knows JS numbers (mingo's
 * aggregation expressions). int64 beyond 2^53 stays `Long`. Returns the input itself when nothing changes.
 */
export function plainNumbers(value: unknown): unknown {
  if (Array.isArray(value)) {
    let changed: unknown[] | undefined;
    value.forEach((element, i) => {
      const plain = plainNumbers(element);
      if (plain !== element) (changed ??= [...(value as unknown[])])[i] = plain;
    });
    return changed ?? value;
  }
  if (isDocument(value)) {
    let changed: Record<string, unknown> | undefined;
    for (const [key, element] of Object.entries(value)) {
      const plain = plainNumbers(element);
      if (plain !== element) (changed ??= { ...value })[key] = plain;
    }
    return changed ?? value;
  }
  if (typeof value !== 'object' || value === null) return value;
  const tag = tagOf(value);
  if (tag === 'Double' || tag === 'Int32') return (value as { value: number }).value;
  if (tag === 'Long') {
    const long = value as Long;
    return long.lessThanOrEqual(Long.fromNumber(Number.MAX_SAFE_INTEGER)) &&
      long.greaterThanOrEqual(Long.fromNumber(Number.MIN_SAFE_INTEGER))
      ? long.toNumber()
      : long;
  }
  return value;
}
