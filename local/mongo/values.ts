/**
 * BSON values as mongod sees them: their type names, the one total order that queries, sorts and
 * indexes share, and the way mongod prints a value inside an error message.
 *
 * Numbers keep their BSON type in storage (see `document.ts`): a plain JS number is an int32 when it is an
 * integer in int32 range and a double otherwise; a `Double` wrapper marks an integral double (`5.0`, `-0.0`);
 * a `Long` is an int64.
 */
import { Double, Long } from 'bson';
import type { Binary, Decimal128, ObjectId, Timestamp } from 'bson';
import { isDocument } from './document';
import type { Document } from './document';

export type BsonTypeName =
  | 'double'
  | 'string'
  | 'object'
  | 'array'
  | 'binData'
  | 'undefined'
  | 'objectId'
  | 'bool'
  | 'date'
  | 'null'
  | 'regex'
  | 'dbPointer'
  | 'javascript'
  | 'symbol'
  | 'javascriptWithScope'
  | 'int'
  | 'timestamp'
  | 'long'
  | 'decimal'
  | 'minKey'
  | 'maxKey';

/** BSON type numbers, as `$type` accepts them. */
export const TYPE_NUMBERS: Readonly<Record<BsonTypeName, number>> = {
  double: 1,
  string: 2,
  object: 3,
  array: 4,
  binData: 5,
  undefined: 6,
  objectId: 7,
  bool: 8,
  date: 9,
  null: 10,
  regex: 11,
  dbPointer: 12,
  javascript: 13,
  symbol: 14,
  javascriptWithScope: 15,
  int: 16,
  timestamp: 17,
  long: 18,
  decimal: 19,
  minKey: -1,
  maxKey: 127,
};

/**
 * mongod's canonical type order: values of different types compare by this rank alone (all numbers share
 * one rank, as do strings and symbols), which is also how a sort interleaves types.
 */
const CANONICAL_RANK: Readonly<Record<BsonTypeName, number>> = {
  minKey: -1,
  undefined: 0,
  null: 5,
  double: 10,
  int: 10,
  long: 10,
  decimal: 10,
  string: 15,
  symbol: 15,
  object: 20,
  array: 25,
  binData: 30,
  objectId: 35,
  bool: 40,
  date: 45,
  timestamp: 47,
  regex: 50,
  dbPointer: 55,
  javascript: 60,
  javascriptWithScope: 65,
  maxKey: 127,
};

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Compares strings under a collation; absent, strings compare by their UTF-8 bytes as in mongod. */
export interface StringComparator {
  compare(a: string, b: string): number;
}

function bsonTag(value: object): string | undefined {
  const tag = (value as { _bsontype?: unknown })._bsontype;
  return typeof tag === 'string' ? tag : undefined;
}

/** True for a JS number that stands for an int32 (the other numbers are doubles). */
export function isInt32Number(value: number): boolean {
  return Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX && !Object.is(value, -0);
}

export function bsonTypeOf(value: unknown): BsonTypeName {
  switch (typeof value) {
    case 'number':
      return isInt32Number(value) ? 'int' : 'double';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'undefined':
      return 'undefined';
    case 'bigint':
      return 'long';
    default:
      break;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (value instanceof RegExp) return 'regex';
  if (value instanceof Uint8Array) return 'binData';
  switch (bsonTag(value as object)) {
    case 'ObjectId':
      return 'objectId';
    case 'Binary':
      return 'binData';
    case 'Long':
      return 'long';
    case 'Double':
      return 'double';
    case 'Int32':
      return 'int';
    case 'Decimal128':
      return 'decimal';
    case 'Timestamp':
      return 'timestamp';
    case 'MinKey':
      return 'minKey';
    case 'MaxKey':
      return 'maxKey';
    case 'BSONSymbol':
      return 'symbol';
    case 'BSONRegExp':
      return 'regex';
    case 'Code':
      return (value as { scope?: unknown }).scope ? 'javascriptWithScope' : 'javascript';
    default:
      return 'object';
  }
}

export function isNumeric(value: unknown): boolean {
  const type = bsonTypeOf(value);
  return type === 'int' || type === 'long' || type === 'double' || type === 'decimal';
}

/** The value of any BSON number as a JS number (int64 beyond 2^53 and decimals lose precision). */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Long) return value.toNumber();
  const tag = typeof value === 'object' && value !== null ? bsonTag(value) : undefined;
  if (tag === 'Double' || tag === 'Int32') return (value as { value: number }).value;
  if (tag === 'Decimal128') return Number.parseFloat((value as Decimal128).toString());
  return Number.NaN;
}

/** Doubles a plain JS number cannot stand for, because it would encode as int32: integral values in int32 range, and -0. */
export function needsDoubleWrapper(value: number): boolean {
  return Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX;
}

/** A double as storage keeps it. */
export function makeDouble(value: number): number | Double {
  return needsDoubleWrapper(value) ? new Double(value) : value;
}

/** Numbers in their exact form: int64 as bigint, everything else as a JS number. */
function exactNumber(value: unknown): number | bigint {
  if (value instanceof Long) return value.toBigInt();
  return toNumber(value);
}

function compareExactNumbers(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'number' && typeof b === 'number') {
    // NaN equals NaN and sorts below every other number, as in mongod.
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : -1) : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'bigint') return -compareExactNumbers(b, a);
  // a is a double, b an int64: compare without rounding b to a double.
  const big = b as bigint;
  if (Number.isNaN(a)) return -1;
  if (a === Number.POSITIVE_INFINITY) return 1;
  if (a === Number.NEGATIVE_INFINITY) return -1;
  const floor = BigInt(Math.floor(a));
  if (floor < big) return -1;
  if (floor > big) return 1;
  return Number.isInteger(a) ? 0 : 1;
}

export function compareNumbers(a: unknown, b: unknown): number {
  return compareExactNumbers(exactNumber(a), exactNumber(b));
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Strings in UTF-8 byte order (JS compares UTF-16 units, which differs only around surrogate pairs). */
export function compareStrings(a: string, b: string): number {
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const x = [...a].map((c) => c.codePointAt(0) as number);
  const y = [...b].map((c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return (x[i] as number) < (y[i] as number) ? -1 : 1;
  }
  return x.length - y.length;
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : String((value as { value?: unknown }).value ?? value);
}

function bytesOf(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  return (value as Binary).buffer;
}

function subtypeOf(value: unknown): number {
  return value instanceof Uint8Array ? 0 : (value as Binary).sub_type;
}

/** binData orders by length, then subtype, then bytes. */
function compareBinary(a: unknown, b: unknown): number {
  const x = bytesOf(a);
  const y = bytesOf(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  const subtypes = subtypeOf(a) - subtypeOf(b);
  if (subtypes !== 0) return Math.sign(subtypes);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return (x[i] as number) < (y[i] as number) ? -1 : 1;
  return 0;
}

/** The fields of an embedded document or array as BSON lays them out. */
export function entriesOf(value: unknown): Array<[string, unknown]> {
  if (Array.isArray(value)) return value.map((element, i) => [String(i), element]);
  if (isDocument(value)) return Object.entries(value).filter(([, v]) => v !== undefined);
  const json = (value as { toJSON?: () => unknown }).toJSON?.();
  return isDocument(json) ? Object.entries(json) : [];
}

function compareEntries(a: unknown, b: unknown, collator: StringComparator | undefined): number {
  const x = entriesOf(a);
  const y = entriesOf(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const [xName, xValue] = x[i] as [string, unknown];
    const [yName, yValue] = y[i] as [string, unknown];
    const ranks = canonicalRank(xValue) - canonicalRank(yValue);
    if (ranks !== 0) return Math.sign(ranks);
    const names = compareStrings(xName, yName);
    if (names !== 0) return names;
    const values = compareValues(xValue, yValue, collator);
    if (values !== 0) return values;
  }
  return Math.sign(x.length - y.length);
}

export function canonicalRank(value: unknown): number {
  return CANONICAL_RANK[bsonTypeOf(value)];
}

/**
 * mongod's total order over BSON values (BSONElement::woCompare): by canonical type first, then by value;
 * `collator` applies to strings wherever they appear, including inside documents and arrays.
 */
export function compareValues(a: unknown, b: unknown, collator?: StringComparator): number {
  const typeA = bsonTypeOf(a);
  const typeB = bsonTypeOf(b);
  const ranks = CANONICAL_RANK[typeA] - CANONICAL_RANK[typeB];
  if (ranks !== 0) return Math.sign(ranks);
  switch (typeA) {
    case 'int':
    case 'long':
    case 'double':
    case 'decimal':
      return compareNumbers(a, b);
    case 'string':
    case 'symbol': {
      const x = stringOf(a);
      const y = stringOf(b);
      return collator ? Math.sign(collator.compare(x, y)) : compareStrings(x, y);
    }
    case 'object':
    case 'array':
      return compareEntries(a, b, collator);
    case 'binData':
      return compareBinary(a, b);
    case 'objectId':
      return compareStrings((a as ObjectId).toHexString(), (b as ObjectId).toHexString());
    case 'bool':
      return Number(a) - Number(b);
    case 'date':
      return Math.sign((a as Date).getTime() - (b as Date).getTime());
    case 'timestamp': {
      const x = a as Timestamp;
      const y = b as Timestamp;
      return x.t !== y.t ? Math.sign(x.t - y.t) : Math.sign(x.i - y.i);
    }
    case 'regex': {
      const x = a as RegExp;
      const y = b as RegExp;
      return compareStrings(x.source, y.source) || compareStrings(x.flags, y.flags);
    }
    case 'javascript':
    case 'javascriptWithScope':
      return compareStrings(String((a as { code: unknown }).code), String((b as { code: unknown }).code));
    default:
      return 0;
  }
}

export function valuesEqual(a: unknown, b: unknown, collator?: StringComparator): boolean {
  return compareValues(a, b, collator) === 0;
}

/** A double the way mongod prints one: integral values keep a `.0`. */
function renderDouble(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (Object.is(value, -0)) return '-0.0';
  const text = String(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** A value as mongod prints it in error messages (`{ a: [ 1, "x" ] }`, `ObjectId('…')`, `new Date(…)`). */
export function renderValue(value: unknown): string {
  const type = bsonTypeOf(value);
  switch (type) {
    case 'double':
      return renderDouble(toNumber(value));
    case 'int':
    case 'long':
    case 'decimal':
      return typeof value === 'object' && value !== null ? (value as { toString(): string }).toString() : String(value);
    case 'string':
    case 'symbol':
      return JSON.stringify(stringOf(value));
    case 'bool':
    case 'null':
    case 'undefined':
      return String(value);
    case 'object': {
      const entries = entriesOf(value);
      return entries.length === 0 ? '{}' : `{ ${entries.map(([name, v]) => `${name}: ${renderValue(v)}`).join(', ')} }`;
    }
    case 'array': {
      const elements = value as unknown[];
      return elements.length === 0 ? '[]' : `[ ${elements.map(renderValue).join(', ')} ]`;
    }
    case 'objectId':
      return `ObjectId('${(value as ObjectId).toHexString()}')`;
    case 'date':
      return `new Date(${(value as Date).getTime()})`;
    case 'regex':
      return `/${(value as RegExp).source}/${(value as RegExp).flags}`;
    case 'binData':
      return `BinData(${subtypeOf(value)}, ${Buffer.from(bytesOf(value)).toString('hex').toUpperCase()})`;
    case 'timestamp':
      return `Timestamp(${(value as Timestamp).t}, ${(value as Timestamp).i})`;
    case 'minKey':
      return 'MinKey';
    case 'maxKey':
      return 'MaxKey';
    default:
      return String((value as { code?: unknown }).code ?? value);
  }
}

/** `name: value`, the way mongod prints one element (e.g. the `{_id: 1}` in update errors). */
export function renderElement(name: string, value: unknown): string {
  return `${name}: ${renderValue(value)}`;
}

/** The `_id` part of update error messages: `_id: 1`, or `no id` for a document without one. */
export function renderIdOf(doc: Document): string {
  return '_id' in doc ? renderElement('_id', doc['_id']) : 'no id';
}
