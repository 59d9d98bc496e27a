/** TTL indexes: documents whose indexed date is older than `expireAfterSeconds` are removed by a periodic sweep. */
import type { Collection } from './collection';
import { valuesAtPath } from './keys';
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
