import { calculateObjectSize, ObjectId } from 'bson';

/** mongod's `maxBsonObjectSize`. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/** A BSON document as `bson` decodes it (promoted values: numbers, strings, Dates, ObjectIds...). */
export type Document = Record<string, unknown>;

/** True for a plain embedded document, false for arrays, Dates, ObjectIds and other BSON values. */
export function isDocument(value: unknown): value is Document {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * A deep copy of documents and arrays; other BSON values (ObjectId, Long, Binary...) are never changed in
 * place, so they are shared (structuredClone would turn them into plain objects).
 */
export function cloneValue<T>(value: T): T {
  if (Array.isArray(value)) return value.map((element: unknown) => cloneValue(element)) as T;
  if (isDocument(value)) {
    const copy: Document = {};
    for (const [key, element] of Object.entries(value)) {
      // Defined rather than assigned, so a field named __proto__ stays a field.
      Object.defineProperty(copy, key, {
        value: cloneValue(element),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return copy as T;
  }
  if (value instanceof Date) return new Date(value.getTime()) as T;
  return value;
}

export function cloneDocument(doc: Document): Document {
  return cloneValue(doc);
}

export function bsonSize(doc: Document): number {
  return calculateObjectSize(doc);
}

/** MongoDB always stores and returns `_id` as the first field. */
export function withIdFirst(doc: Document): Document {
  if (!('_id' in doc)) return doc;
  for (const key in doc) {
    if (key === '_id') return doc;
    break;
  }
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

/** Gives a document without `_id` a fresh ObjectId, as mongod does on insert and upsert. */
export function withId(doc: Document): Document {
  return '_id' in doc ? withIdFirst(doc) : { _id: new ObjectId(), ...doc };
}
