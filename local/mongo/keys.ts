/**
 * Turns BSON values into strings that are equal exactly when MongoDB considers the values equal,
 * so indexes can be plain hash maps.
 */
import { isDocument } from './document';
import type { Document } from './document';

interface BsonValue {
  _bsontype: string;
  toString(): string;
}

function bsonTypeOf(value: object): string | undefined {
  const tag = (value as Partial<BsonValue>)._bsontype;
  return typeof tag === 'string' ? tag : undefined;
}

/** Keys strings under a collation; absent, strings are keyed by their exact text. */
export type StringKey = (value: string) => string;

const exactString: StringKey = (value) => `s:${value}`;

/**
 * The equality key of a single value. Numbers of every width share one key space, as they compare equal
 * in MongoDB; strings (also inside documents and arrays) are keyed by `stringKey`.
 */
export function equalityKey(value: unknown, stringKey: StringKey = exactString): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'number':
      return `n:${Object.is(value, -0) ? 0 : value}`;
    case 'string':
      return stringKey(value);
    case 'boolean':
      return `b:${value}`;
    case 'object':
      break;
    default:
      // Functions, symbols and the like are no BSON values; they still get a key of their own.
      return `?:${typeof value}`;
  }
  if (value instanceof Date) return `d:${value.getTime()}`;
  if (value instanceof RegExp) return `r:${value.source}/${value.flags}`;
  if (Array.isArray(value)) return `[${value.map((element) => equalityKey(element, stringKey)).join(',')}]`;
  const bsonType = bsonTypeOf(value);
  if (bsonType === 'Long' || bsonType === 'Int32') return `n:${(value as BsonValue).toString()}`;
  // Decimals compare by their value as a double (see values.ts), so 5.0 and 5 share a key.
  if (bsonType === 'Decimal128') return equalityKey(Number.parseFloat((value as BsonValue).toString()));
  if (bsonType === 'Double') return equalityKey((value as { value: number }).value);
  if (bsonType === 'Binary') {
    const binary = value as { sub_type: number; toString(encoding: 'base64'): string };
    return `x:${binary.sub_type}:${binary.toString('base64')}`;
  }
  if (bsonType) return `${bsonType}:${(value as BsonValue).toString()}`;
  // Embedded documents compare field by field, in order.
  return `{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}:${equalityKey(v, stringKey)}`)
    .join(',')}}`;
}

/**
 * Every value a dotted path reaches, descending through arrays the way MongoDB's multikey indexes do:
 * an array at the end contributes its elements; a missing path contributes nothing.
 */
export function valuesAtPath(doc: Document, path: string): unknown[] {
  const found: unknown[] = [];
  collect(doc, path.split('.'), 0, found);
  return found;
}

function collect(value: unknown, segments: string[], depth: number, found: unknown[]): void {
  if (depth === segments.length) {
    if (Array.isArray(value)) found.push(...(value as unknown[]));
    else if (value !== undefined) found.push(value);
    return;
  }
  const segment = segments[depth] as string;
  if (Array.isArray(value)) {
    if (/^\d+$/.test(segment)) collect(value[Number(segment)], segments, depth + 1, found);
    for (const element of value) if (isDocument(element)) collect(element, segments, depth, found);
    return;
  }
  if (isDocument(value) && segment in value) collect(value[segment], segments, depth + 1, found);
}

/** Values an index can look up by hash: anything but null (which also matches missing fields), arrays, documents and regexes. */
export function isHashableScalar(value: unknown): boolean {
  if (typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return !Number.isNaN(value);
  if (typeof value !== 'object' || value === null) return false;
  if (value instanceof Date) return true;
  const bsonType = bsonTypeOf(value);
  return bsonType === 'ObjectId' || bsonType === 'Long' || bsonType === 'Int32' || bsonType === 'Double';
}
