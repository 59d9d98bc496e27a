/**
 * A collection's documents and indexes. Every write checks all unique indexes before changing
 * anything, and runs synchronously, so concurrent clients can never both insert the same key.
 */
import { EJSON, UUID } from 'bson';
import { parseCollation } from './collation';
import type { Collation } from './collation';
import { bsonSize } from './document';
import type { Document } from './document';
import { MongoCommandError } from './errors';
import { Index } from './indexes';
import type { IndexKey, RecordId } from './indexes';
import { equalityKey } from './keys';
import { lookupTuples, pinnedValues } from './planner';
import { toNumber } from './values';

export const ID_INDEX_NAME = '_id_';

export type IndexCreation = 'created' | 'exists';

/** How a query's candidate records were found: through an index, or by scanning the collection. */
export interface Candidates {
  index: Index;
  ids: RecordId[];
}

export class Collection {
  readonly uuid = new UUID();
  /** Applies to queries and indexes that name no collation of their own. */
  readonly defaultCollation: Collation | undefined;
  /** Insertion-ordered, which is the "natural order" finds return without a sort. */
  private readonly records = new Map<RecordId, Document>();
  private readonly indexes = new Map<string, Index>();
  private nextRecordId = 1;

  constructor(
    readonly database: string,
    readonly name: string,
    readonly options: Document = {},
  ) {
    this.defaultCollation = parseCollation(options['collation']);
    if (this.defaultCollation) this.options = { ...options, collation: this.defaultCollation.spec };
    this.indexes.set(ID_INDEX_NAME, new Index({ key: { _id: 1 }, name: ID_INDEX_NAME }, true, this.defaultCollation));
  }

  get namespace(): string {
    return `${this.database}.${this.name}`;
  }

  get(id: RecordId): Document | undefined {
    return this.records.get(id);
  }

  entries(): IterableIterator<[RecordId, Document]> {
    return this.records.entries();
  }

  insert(doc: Document): RecordId {
    const keys = this.checkedKeys(doc);
    const id = this.nextRecordId++;
    this.records.set(id, doc);
    for (const [index, indexKeys] of keys) index.add(indexKeys, id);
    this.trimCapped();
    return id;
  }

  /** A capped collection drops its oldest documents once it holds more than `max` documents or `size` bytes. */
  private trimCapped(): void {
    if (this.options['capped'] !== true) return;
    const requested = toNumber(this.options['size']);
    // mongod raises the size to at least 4096 bytes, in multiples of 256.
    const size = requested <= 4096 ? 4096 : Math.ceil(requested / 256) * 256;
    const max =
      this.options['max'] !== undefined && toNumber(this.options['max']) > 0 ? toNumber(this.options['max']) : Infinity;
    let bytes = 0;
    for (const doc of this.records.values()) bytes += bsonSize(doc);
    for (const [id, doc] of this.records) {
      if (this.records.size <= max && bytes <= size) break;
      bytes -= bsonSize(doc);
      this.remove(id);
    }
  }

  replace(id: RecordId, doc: Document): void {
    const previous = this.records.get(id);
    if (!previous) return;
    const keys = this.checkedKeys(doc, id);
    for (const index of this.indexes.values()) index.remove(index.keysOf(previous), id);
    for (const [index, indexKeys] of keys) index.add(indexKeys, id);
    this.records.set(id, doc);
  }

  remove(id: RecordId): void {
    const previous = this.records.get(id);
    if (!previous) return;
    for (const index of this.indexes.values()) index.remove(index.keysOf(previous), id);
    this.records.delete(id);
  }

  /**
   * Records that may match `filter`, through the most selective index whose every field the filter
   * pins by equality under the query's collation; undefined when no index applies and the caller must scan.
   */
  candidates(filter: Document, collation: Collation | undefined): Candidates | undefined {
    const pinned = pinnedValues(filter);
    if (pinned.size === 0) return undefined;
    let best: { index: Index; found: Set<RecordId> } | undefined;
    for (const index of this.indexes.values()) {
      if (!index.coversAllDocuments || index.hidden || index.collationId !== collation?.id) continue;
      const tuples = lookupTuples(index.fields, pinned);
      if (!tuples) continue;
      const found = new Set<RecordId>();
      for (const tuple of tuples) for (const id of index.lookup(tuple)) found.add(id);
      if (!best || found.size < best.found.size) best = { index, found };
    }
    return best && { index: best.index, ids: [...best.found].sort((a, b) => a - b) };
  }

  listIndexes(): Index[] {
    return [...this.indexes.values()];
  }

  index(name: string): Index | undefined {
    return this.indexes.get(name);
  }

  /** Creates an index over the existing documents, refusing conflicting definitions and existing duplicates as mongod does. */
  createIndex(spec: Document): IndexCreation {
    const index = new Index(spec, false, this.defaultCollation);
    const sameName = this.indexes.get(index.name);
    // Indexes on the same keys may coexist under different collations.
    const sameKey = [...this.indexes.values()].find(
      (existing) =>
        equalityKey(existing.keyPattern) === equalityKey(index.keyPattern) &&
        existing.collationId === index.collationId,
    );
    if (sameName && equalityKey(sameName.spec) === equalityKey(index.spec)) return 'exists';
    if (sameName === sameKey && sameName) {
      throw new MongoCommandError(
        'IndexOptionsConflict',
        `An equivalent index already exists with the same name but different options. Requested index: ${EJSON.stringify(index.spec)}, existing index: ${EJSON.stringify(sameName.spec)}`,
      );
    }
    if (sameName) {
      throw new MongoCommandError(
        'IndexKeySpecsConflict',
        `An existing index has the same name as the requested index. Requested index: ${EJSON.stringify(index.spec)}, existing index: ${EJSON.stringify(sameName.spec)}`,
      );
    }
    if (sameKey) {
      throw new MongoCommandError(
        'IndexOptionsConflict',
        `Index already exists with a different name: ${sameKey.name}`,
      );
    }
    for (const [id, doc] of this.records) {
      const keys = index.keysOf(doc);
      const duplicate = index.conflictingKey(keys);
      if (duplicate) {
        const cause = index.duplicateKeyError(this.namespace, duplicate);
        throw new MongoCommandError(
          'DuplicateKey',
          `Index build failed: ${this.namespace} :: caused by :: ${cause.message}`,
          cause.details,
        );
      }
      index.add(keys, id);
    }
    this.indexes.set(index.name, index);
    return 'created';
  }

  dropIndex(name: string): void {
    this.indexes.delete(name);
  }

  /** Keys for every index, after checking that none collides with another record's unique key. */
  private checkedKeys(doc: Document, self?: RecordId): Array<[Index, IndexKey[]]> {
    const keys: Array<[Index, IndexKey[]]> = [];
    for (const index of this.indexes.values()) {
      const indexKeys = index.keysOf(doc);
      const duplicate = index.conflictingKey(indexKeys, self);
      if (duplicate) throw index.duplicateKeyError(this.namespace, duplicate);
      keys.push([index, indexKeys]);
    }
    return keys;
  }
}
