/** Matching, sorting and projecting documents with mingo, narrowed first by the collection's indexes. */
import { Aggregator, find, Query } from './engine';
import { ProcessingMode } from 'mingo/core';
import type { CollationSpec, CollectionResolver, Options } from 'mingo/types';
import type { Collection } from './collection';
import { checkedEach, checkTimeLimit } from './deadline';
import { isDocument } from './document';
import type { Document } from './document';
import { MongoCommandError } from './errors';
import type { RecordId } from './indexes';

export interface MatchOptions {
  sort?: Document | undefined;
  skip?: number | undefined;
  /** 0 or absent: no limit. */
  limit?: number | undefined;
  collation?: Document | undefined;
}

export interface MatchedRecord {
  id: RecordId;
  doc: Document;
}

/** Records matching `filter`, in sort order when given and natural (insertion) order otherwise. */
export function matchRecords(collection: Collection, filter: Document, options: MatchOptions = {}): MatchedRecord[] {
  const queryOptions = mingoOptions(options.collation);
  const query = translateMingoErrors(() => new Query(filter, queryOptions));
  const skip = options.skip ?? 0;
  const limit = options.limit ?? 0;
  const sort = options.sort && Object.keys(options.sort).length > 0 ? options.sort : undefined;
  // Without a sort the scan can stop as soon as the page is full, which is what makes findOne cheap.
  const wanted = sort || limit === 0 ? Infinity : skip + limit;

  // A collation changes string equality, which the hash indexes do not know about.
  const candidateIds = options.collation ? undefined : collection.candidates(filter);
  const matches: MatchedRecord[] = [];
  const consider = (id: RecordId, doc: Document): boolean => {
    checkTimeLimit();
    if (translateMingoErrors(() => query.test(doc))) matches.push({ id, doc });
    return matches.length < wanted;
  };
  if (candidateIds) {
    for (const id of candidateIds) {
      const doc = collection.get(id);
      if (doc && !consider(id, doc)) break;
    }
  } else {
    for (const [id, doc] of collection.entries()) if (!consider(id, doc)) break;
  }

  const ordered = sort ? sortRecords(matches, sort, queryOptions) : matches;
  return ordered.slice(skip, limit === 0 ? undefined : skip + limit);
}

function sortRecords(records: MatchedRecord[], sort: Document, options: Partial<Options>): MatchedRecord[] {
  const byDoc = new Map(records.map((record) => [record.doc, record]));
  const docs = translateMingoErrors(() => find<Document>(records.map(({ doc }) => doc), {}, {}, options).sort(sort).all());
  return docs.map((doc) => byDoc.get(doc) as MatchedRecord);
}

/** Applies a find-style projection. */
export function project(docs: Document[], projection: Document | undefined): Document[] {
  if (!projection || Object.keys(projection).length === 0) return docs;
  const projected = translateMingoErrors(() => find<Document>(docs, {}, projection, mingoOptions()).all());
  return projected.map((doc, i) => inDocumentOrder(doc, docs[i] as Document));
}

/**
 * mingo lists projected fields in the projection's order; mongod keeps the stored document's order
 * (so `_id` first), then appends computed fields.
 */
function inDocumentOrder(projected: Document, source: Document): Document {
  const ordered: Document = {};
  for (const key of Object.keys(source)) if (key in projected) ordered[key] = projected[key];
  for (const key of Object.keys(projected)) if (!(key in ordered)) ordered[key] = projected[key];
  return ordered;
}

/** Runs a pipeline; `$lookup` and friends read the other collections of the same database. */
export function aggregate(docs: Document[], pipeline: Document[], resolveCollection: CollectionResolver, collation?: Document): Document[] {
  const options: Partial<Options> = {
    ...mingoOptions(collation),
    // Stages such as $addFields may write into their input; stored documents must never change in place.
    processingMode: ProcessingMode.CLONE_INPUT,
    collectionResolver: (name) => {
      checkTimeLimit();
      return resolveCollection(name);
    },
  };
  return translateMingoErrors(() => new Aggregator(pipeline, options).run<Document>(checkedEach(docs)));
}

function mingoOptions(collation?: Document): Partial<Options> {
  return {
    // Server-side JavaScript ($where, $function) is never run on behalf of clients.
    scriptEnabled: false,
    ...(isDocument(collation) && typeof collation['locale'] === 'string' && collation['locale'] !== 'simple'
      ? { collation: collation as unknown as CollationSpec }
      : {}),
  };
}

/** mingo reports bad operators and malformed expressions as plain errors; clients expect BadValue. */
export function translateMingoErrors<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof MongoCommandError) throw error;
    throw new MongoCommandError('BadValue', error instanceof Error ? error.message : String(error));
  }
}
