/** One index: its spec as listIndexes shows it, and a hash map from key to the records holding it. */
import { EJSON, ObjectId } from 'bson';
import { CollationKeys, parseCollation } from './collation';
import type { Collation } from './collation';
import { isDocument } from './document';
import type { Document } from './document';
import { MongoCommandError } from './errors';
import { equalityKey, valuesAtPath } from './keys';
import type { StringKey } from './keys';
import { compileFilter } from './matcher';
import type { Matcher } from './matcher';
import { isNumeric, toNumber } from './values';

export type RecordId = number;

export interface IndexKey {
  /** Hash key for the tuple of values. */
  key: string;
  /** The values themselves, to report in duplicate key errors. */
  values: unknown[];
}

/** Options a client may set that we do not keep in the listed spec (deprecated or informational). */
const DROPPED_OPTIONS = new Set(['background', 'ns', 'v']);

/** Index types mongod has and this server does not: refused as a server without the plugin would. */
const UNSUPPORTED_TYPES = new Set(['text', '2d', '2dsphere', 'geoHaystack', 'columnstore']);

export class Index {
  readonly name: string;
  readonly keyPattern: Document;
  readonly fields: string[];
  readonly unique: boolean;
  readonly sparse: boolean;
  expireAfterSeconds: number | undefined;
  /** String comparisons of this index, when not binary. */
  readonly collation: Collation | undefined;
  /** The spec as listIndexes returns it. */
  spec: Document;
  /** Hidden indexes are kept up to date (and enforce uniqueness) but never answer queries. */
  hidden: boolean;
  private readonly partialFilter: Matcher | undefined;
  private readonly entries = new Map<string, Set<RecordId>>();
  private readonly stringKey: StringKey | undefined;
  private readonly collationKeys: CollationKeys | undefined;

  /**
   * `enforceUnique` is for the `_id_` index, which is unique without saying so in its spec;
   * `defaultCollation` is the collection's, which an index without its own inherits.
   */
  constructor(spec: Document, enforceUnique = false, defaultCollation?: Collation) {
    const keyPattern = spec['key'];
    if (!isDocument(keyPattern) || Object.keys(keyPattern).length === 0) {
      throw new MongoCommandError(
        'FailedToParse',
        "The 'key' field of an index specification must be a non-empty object",
      );
    }
    for (const [field, direction] of Object.entries(keyPattern)) {
      if (typeof direction === 'string' && UNSUPPORTED_TYPES.has(direction)) {
        throw new MongoCommandError(
          'CannotCreateIndex',
          `Unknown index plugin '${direction}': the embedded MongoDB server has no ${direction} indexes`,
        );
      }
      if (field === '$**' || field.endsWith('.$**')) {
        throw new MongoCommandError(
          'CannotCreateIndex',
          'wildcard indexes are not supported by the embedded MongoDB server',
        );
      }
      const numeric = isNumeric(direction) ? toNumber(direction) : undefined;
      if (numeric === undefined ? direction !== 'hashed' : numeric === 0 || !Number.isFinite(numeric)) {
        throw new MongoCommandError(
          'CannotCreateIndex',
          `Unknown index plugin '${String(direction)}' on field '${field}'`,
        );
      }
    }
    this.keyPattern = keyPattern;
    this.fields = Object.keys(keyPattern);
    this.name = typeof spec['name'] === 'string' ? spec['name'] : defaultIndexName(keyPattern);
    this.unique = enforceUnique || spec['unique'] === true;
    this.sparse = spec['sparse'] === true;
    this.hidden = spec['hidden'] === true;
    const ttl = spec['expireAfterSeconds'];
    this.expireAfterSeconds = isNumeric(ttl) ? toNumber(ttl) : undefined;
    const partial = spec['partialFilterExpression'];
    this.partialFilter = isDocument(partial) ? compileFilter(partial) : undefined;
    this.collation = 'collation' in spec ? parseCollation(spec['collation']) : defaultCollation;
    const collationKeys = this.collation && new CollationKeys(this.collation);
    this.collationKeys = collationKeys;
    this.stringKey = collationKeys && ((value: string) => collationKeys.keyOf(value));

    const options = Object.fromEntries(
      Object.entries(spec).filter(
        ([option]) =>
          !DROPPED_OPTIONS.has(option) &&
          option !== 'key' &&
          option !== 'name' &&
          option !== 'collation' &&
          option !== 'hidden',
      ),
    );
    this.spec = {
      v: 2,
      key: keyPattern,
      name: this.name,
      ...options,
      ...(this.collation ? { collation: this.collation.spec } : {}),
    };
  }

  /** collMod's new TTL, reflected in the listed spec. */
  setExpireAfterSeconds(seconds: number): void {
    this.expireAfterSeconds = seconds;
    this.spec = { ...this.spec, expireAfterSeconds: seconds };
  }

  /** The spec as listIndexes shows it now (with `hidden` once set). */
  get listedSpec(): Document {
    return this.hidden ? { ...this.spec, hidden: true } : this.spec;
  }

  /** The collation id an equality query must be under for this index to answer it. */
  get collationId(): string | undefined {
    return this.collation?.id;
  }

  /** Sparse and partial indexes leave documents out, so they cannot answer an equality query alone. */
  get coversAllDocuments(): boolean {
    return !this.sparse && !this.partialFilter;
  }

  /** The keys a document contributes; empty when a sparse or partial index leaves it out. */
  keysOf(doc: Document): IndexKey[] {
    if (this.partialFilter && !this.partialFilter.test(doc)) return [];
    const perField = this.fields.map((field) => valuesAtPath(doc, field));
    if (this.sparse && perField.every((values) => values.length === 0)) return [];
    const multikey = perField.filter((values) => values.length > 1);
    if (multikey.length > 1) {
      throw new MongoCommandError('CannotIndexParallelArrays', `cannot index parallel arrays in index ${this.name}`);
    }
    const multikeyPosition = perField.findIndex((values) => values.length > 1);
    const fixed = perField.map((values) => (values.length === 0 ? null : values[0]));
    const alternatives = multikeyPosition < 0 ? [undefined] : (perField[multikeyPosition] as unknown[]);
    const keys = new Map<string, IndexKey>();
    for (const alternative of alternatives) {
      const values = multikeyPosition < 0 ? fixed : fixed.map((v, i) => (i === multikeyPosition ? alternative : v));
      const key = tupleKey(values, this.stringKey);
      keys.set(key, { key, values });
    }
    return [...keys.values()];
  }

  /** The record already holding one of these keys, other than `self`; only unique indexes conflict. */
  conflictingKey(keys: IndexKey[], self?: RecordId): IndexKey | undefined {
    if (!this.unique) return undefined;
    return keys.find(({ key }) => {
      const holders = this.entries.get(key);
      if (holders === undefined) return false;
      return !(holders.size === 1 && self !== undefined && holders.has(self));
    });
  }

  add(keys: IndexKey[], id: RecordId): void {
    for (const { key } of keys) {
      const holders = this.entries.get(key);
      if (holders) holders.add(id);
      else this.entries.set(key, new Set([id]));
    }
  }

  remove(keys: IndexKey[], id: RecordId): void {
    for (const { key } of keys) {
      const holders = this.entries.get(key);
      holders?.delete(id);
      if (holders?.size === 0) this.entries.delete(key);
    }
  }

  /** Records whose indexed fields equal `values`, in index field order. */
  lookup(values: unknown[]): ReadonlySet<RecordId> {
    const keys = this.collationKeys;
    let unknown = false;
    // A string no stored document holds (under the collation) cannot match anything.
    const stringKey: StringKey | undefined = keys && ((value) => keys.existingKey(value) ?? ((unknown = true), ''));
    const key = tupleKey(values, stringKey);
    return unknown ? new Set() : (this.entries.get(key) ?? new Set());
  }

  duplicateKeyError(namespace: string, { values }: IndexKey): MongoCommandError {
    const keyValue = Object.fromEntries(this.fields.map((field, i) => [field, values[i] ?? null]));
    const rendered = Object.entries(keyValue)
      .map(([field, value]) => `${field}: ${renderValue(value)}`)
      .join(', ');
    return new MongoCommandError(
      'DuplicateKey',
      `E11000 duplicate key error collection: ${namespace} index: ${this.name} dup key: { ${rendered} }`,
      { keyPattern: this.keyPattern, keyValue },
    );
  }
}

function tupleKey(values: unknown[], stringKey: StringKey | undefined): string {
  return values.length === 1
    ? equalityKey(values[0], stringKey)
    : JSON.stringify(values.map((value) => equalityKey(value, stringKey)));
}

/** The name drivers and mongod derive from a key pattern: `{ email: 1 }` → `email_1`. */
function defaultIndexName(keyPattern: Document): string {
  return Object.entries(keyPattern)
    .map(([field, direction]) => `${field}_${String(direction)}`)
    .join('_');
}

/** Values the way mongod prints them in an E11000 message. */
function renderValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (value instanceof ObjectId) return `ObjectId('${value.toHexString()}')`;
  return EJSON.stringify(value, { relaxed: true });
}
