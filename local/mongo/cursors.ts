/**
 * Open cursors: the rest of a result set waiting for getMore. Results are computed once, when the
 * cursor opens, and handed out in batches bounded by count and by the 16 MB reply limit.
 */
import { Long } from 'bson';
import { bsonSize, MAX_DOCUMENT_BYTES } from './document';
import type { Document } from './document';
import { MongoCommandError } from './errors';

/** mongod's first batch when the client names no batchSize. */
const DEFAULT_FIRST_BATCH = 101;

interface OpenCursor {
  namespace: string;
  remaining: Document[];
  position: number;
  lastUsed: number;
}

export interface Batch {
  /** 0 once the results are exhausted: the client must not call getMore. */
  cursorId: Long;
  documents: Document[];
}

export class CursorStore {
  private readonly open = new Map<bigint, OpenCursor>();
  private nextId = 1n;

  constructor(private readonly now: () => number = Date.now) {}

  /** Hands out the first batch; keeps a cursor open only if documents remain and the client may ask for them. */
  firstBatch(
    namespace: string,
    results: Document[],
    options: { batchSize?: number | undefined; singleBatch?: boolean },
  ): Batch {
    const size = options.batchSize ?? DEFAULT_FIRST_BATCH;
    const documents = takeBatch(results, 0, size);
    if (documents.length === results.length || options.singleBatch) return { cursorId: Long.ZERO, documents };
    const id = this.nextId++;
    this.open.set(id, { namespace, remaining: results, position: documents.length, lastUsed: this.now() });
    return { cursorId: Long.fromBigInt(id), documents };
  }

  nextBatch(cursorId: Long, namespace: string, batchSize: number | undefined): Batch {
    const id = cursorId.toBigInt();
    const cursor = this.open.get(id);
    if (!cursor) throw new MongoCommandError('CursorNotFound', `cursor id ${id} not found`);
    if (cursor.namespace !== namespace) {
      throw new MongoCommandError(
        'Unauthorized',
        `Requested getMore on namespace '${namespace}', but cursor belongs to a different namespace ${cursor.namespace}`,
      );
    }
    // getMore treats a missing or zero batchSize as "as many as fit".
    const documents = takeBatch(cursor.remaining, cursor.position, batchSize && batchSize > 0 ? batchSize : Infinity);
    cursor.position += documents.length;
    cursor.lastUsed = this.now();
    if (cursor.position >= cursor.remaining.length) {
      this.open.delete(id);
      return { cursorId: Long.ZERO, documents };
    }
    return { cursorId, documents };
  }

  /** Returns which of the ids were open (now killed) and which were unknown, as killCursors reports them. */
  kill(cursorIds: Long[]): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const cursorId of cursorIds) (this.open.delete(cursorId.toBigInt()) ? killed : notFound).push(cursorId);
    return { killed, notFound };
  }

  /** Closes cursors nobody has asked for within `idleMs`, as mongod's cursor timeout does. */
  closeIdle(idleMs: number): void {
    const cutoff = this.now() - idleMs;
    for (const [id, cursor] of this.open) if (cursor.lastUsed <= cutoff) this.open.delete(id);
  }

  clear(): void {
    this.open.clear();
  }
}

/** Up to `count` documents from `start`, stopping before the batch would exceed the 16 MB reply limit (but never empty). */
function takeBatch(results: Document[], start: number, count: number): Document[] {
  const batch: Document[] = [];
  let bytes = 0;
  for (let i = start; i < results.length && batch.length < count; i++) {
    const doc = results[i] as Document;
    bytes += bsonSize(doc);
    if (bytes > MAX_DOCUMENT_BYTES && batch.length > 0) break;
    batch.push(doc);
  }
  return batch;
}
