import type { Batch } from '../cursors';
import type { Document } from '../document';

/** The `cursor` sub-document of find, aggregate, listIndexes... replies. */
export function cursorReply(namespace: string, batch: Batch, key: 'firstBatch' | 'nextBatch'): Document {
  return { cursor: { [key]: batch.documents, id: batch.cursorId, ns: namespace } };
}

/** insert/update/delete report failures per statement, next to `ok: 1`; `writeErrors` is absent when there are none. */
export function writeReply(counts: Document, writeErrors: Document[]): Document {
  return writeErrors.length > 0 ? { ...counts, writeErrors } : counts;
}
