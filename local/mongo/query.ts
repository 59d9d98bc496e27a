/** Running a query against a collection: narrowed by an index when one applies, then matched, sorted and paged. */
import { parseCollation } from './collation';
import type { Collation } from './collation';
import type { Collection } from './collection';
import { checkTimeLimit } from './deadline';
import { isDocument } from './document';
import type { Document } from './document';
import { MongoCommandError } from './errors';
import type { RecordId } from './indexes';
import { compileFilter } from './matcher';
import type { MatchDetails, Matcher } from './matcher';
import { sortDocuments } from './sort';
import { isNumeric, toNumber, valuesEqual } from './values';

export interface QueryOptions {
  sort?: Document | undefined;
  skip?: number | undefined;
  /** 0 or absent: no limit. */
  limit?: number | undefined;
  /** The collation in effect (see effectiveCollation); undefined is the simple collation. */
  collation?: Collation | undefined;
}

export interface MatchedRecord {
  id: RecordId;
  doc: Document;
  /** The array index the match went through (what `$` refers to in updates). */
  matchedField: string | undefined;
}

/** What a query did, as explain reports it. */
export interface QueryPlan {
  /** The index that found the candidates; absent for a collection scan. */
  indexName: string | undefined;
  keyPattern: Document | undefined;
  keysExamined: number;
  docsExamined: number;
  nReturned: number;
  sorted: boolean;
}

export interface QueryResult {
  matches: MatchedRecord[];
  plan: QueryPlan;
}

/**
 * The collation a command runs under: its own `collation` when it names one (`{ locale: 'simple' }` included),
 * otherwise the collection's default.
 */
export function effectiveCollation(requested: unknown, collection: Collection | undefined): Collation | undefined {
  if (requested !== undefined && requested !== null) return parseCollation(requested);
  return collection?.defaultCollation;
}

/** A hint must name an existing index (by name or key pattern), as mongod insists. */
export function checkHint(collection: Collection | undefined, hint: unknown): void {
  if (hint === undefined || hint === null || !collection) return;
  if (isDocument(hint) && Object.keys(hint).length === 0) return;
  const found = collection
    .listIndexes()
    .some((index) =>
      typeof hint === 'string' ? index.name === hint : isDocument(hint) && valuesEqual(index.keyPattern, hint),
    );
  if (isDocument(hint) && '$natural' in hint) return;
  if (!found) {
    throw new MongoCommandError(
      'BadValue',
      'error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index',
    );
  }
}

/** Compiles a filter, so that a bad one is refused even when there is no collection to run it on. */
export function prepareFilter(filter: Document, collation: Collation | undefined): Matcher {
  return compileFilter(filter, { collator: collation });
}

/** Records matching `filter`, in sort order when given and natural (insertion) order otherwise. */
export function runQuery(
  collection: Collection | undefined,
  filter: Document,
  options: QueryOptions = {},
): QueryResult {
  const matcher = prepareFilter(filter, options.collation);
  const skip = options.skip ?? 0;
  const limit = options.limit ?? 0;
  // `{ $natural: ±1 }` is the order documents were stored in, forwards or backwards, not a field.
  const natural =
    options.sort && Object.keys(options.sort).length === 1 && '$natural' in options.sort
      ? options.sort['$natural']
      : undefined;
  const sort = options.sort && Object.keys(options.sort).length > 0 && natural === undefined ? options.sort : undefined;
  const backwards = natural !== undefined && isNumeric(natural) && toNumber(natural) < 0;
  const plan: QueryPlan = {
    indexName: undefined,
    keyPattern: undefined,
    keysExamined: 0,
    docsExamined: 0,
    nReturned: 0,
    sorted: sort !== undefined,
  };
  if (!collection) return { matches: [], plan };
  // Without a sort the scan can stop as soon as the page is full, which is what makes findOne cheap.
  const wanted = sort || limit === 0 ? Infinity : skip + limit;

  const candidates = collection.candidates(filter, options.collation);
  const matches: MatchedRecord[] = [];
  const consider = (id: RecordId, doc: Document): boolean => {
    checkTimeLimit();
    plan.docsExamined += 1;
    const details: MatchDetails = {};
    if (matcher.test(doc, details)) matches.push({ id, doc, matchedField: details.elemMatchKey });
    return matches.length < wanted;
  };
  if (candidates) {
    plan.indexName = candidates.index.name;
    plan.keyPattern = candidates.index.keyPattern;
    plan.keysExamined = candidates.ids.length;
    for (const id of backwards ? [...candidates.ids].reverse() : candidates.ids) {
      const doc = collection.get(id);
      if (doc && !consider(id, doc)) break;
    }
  } else {
    const entries = backwards ? [...collection.entries()].reverse() : collection.entries();
    for (const [id, doc] of entries) if (!consider(id, doc)) break;
  }

  const ordered = sort ? sortDocuments(matches, sort, options.collation, (match) => match.doc) : matches;
  const page = ordered.slice(skip, limit === 0 ? undefined : skip + limit);
  plan.nReturned = page.length;
  return { matches: page, plan };
}
