/**
 * Sorting as mongod does it: by the BSON total order, an array field sorting by its smallest element
 * (ascending) or its largest (descending), a missing field as null and an empty array below null.
 */
import type { Document } from './document';
import { MongoCommandError } from './errors';
import { MISSING, valuesAlongPath } from './matcher';
import { compareValues, isNumeric, toNumber } from './values';
import type { StringComparator } from './values';

export type DocumentComparator = (a: Document, b: Document) => number;

interface SortField {
  parts: string[];
  descending: boolean;
}

/** Parses a sort specification (`{ a: 1, 'b.c': -1 }`), refusing what mongod refuses. */
export function parseSort(spec: Document): SortField[] {
  return Object.entries(spec).map(([path, direction]) => {
    if (path === '$natural' && Object.keys(spec).length > 1) {
      throw new MongoCommandError(
        'BadValue',
        '$natural sort cannot be combined with other sort fields in the embedded MongoDB server',
      );
    }
    if (isNumeric(direction) && (toNumber(direction) === 1 || toNumber(direction) === -1)) {
      if (path === '' || path.split('.').some((part) => part === '')) {
        throw new MongoCommandError('Location15998', 'FieldPath field names may not be empty strings.');
      }
      return { parts: path.split('.'), descending: toNumber(direction) === -1 };
    }
    if (direction !== null && typeof direction === 'object' && '$meta' in direction) {
      throw new MongoCommandError(
        'BadValue',
        'text score metadata is not available: the embedded MongoDB server has no text search',
      );
    }
    throw new MongoCommandError('Location15975', '$sort key ordering must be 1 (for ascending) or -1 (for descending)');
  });
}

/** The value a document sorts by on one field. */
function sortKey(doc: Document, field: SortField, collator: StringComparator | undefined): unknown {
  const candidates: unknown[] = [];
  for (const { value } of valuesAlongPath(doc, field.parts, false)) {
    if (value === MISSING) candidates.push(null);
    else if (Array.isArray(value)) {
      // An empty array sorts before null, as the BSON undefined its sort key is.
      if (value.length === 0) candidates.push(undefined);
      else candidates.push(...(value as unknown[]));
    } else candidates.push(value);
  }
  if (candidates.length === 0) return null;
  let best = candidates[0];
  for (const candidate of candidates.slice(1)) {
    const order = compareValues(candidate, best, collator);
    if (field.descending ? order > 0 : order < 0) best = candidate;
  }
  return best;
}

/** Sorts documents (stably, so ties keep their natural order). */
export function sortDocuments<T>(
  items: T[],
  spec: Document,
  collator: StringComparator | undefined,
  docOf: (item: T) => Document,
): T[] {
  const fields = parseSort(spec);
  if (fields.length === 0) return items;
  const keyed = items.map((item) => ({ item, keys: fields.map((field) => sortKey(docOf(item), field, collator)) }));
  keyed.sort((a, b) => {
    for (const [i, field] of fields.entries()) {
      const order = compareValues(a.keys[i], b.keys[i], collator);
      if (order !== 0) return field.descending ? -order : order;
    }
    return 0;
  });
  return keyed.map(({ item }) => item);
}
