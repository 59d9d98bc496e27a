/** Write commands: insert, update, delete, findAndModify. */
import { serialize } from 'bson';
import type { Collection } from '../collection';
import { checkTimeLimit } from '../deadline';
import { bsonSize, MAX_DOCUMENT_BYTES, withId } from '../document';
import type { Document } from '../document';
import { MongoCommandError, toCommandError } from '../errors';
import { compileProjection } from '../projection';
import { checkHint, effectiveCollation, prepareFilter, runQuery } from '../query';
import type { MatchedRecord } from '../query';
import { parseUpdate, updatedDocument, upsertDocument } from '../update';
import type { ParsedUpdate } from '../update';
import { MAX_WRITE_BATCH_SIZE } from '../wire';
import {
  collectionName,
  optionalBoolean,
  optionalDocument,
  optionalDocuments,
  optionalInteger,
  requiredDocuments,
} from './args';
import type { CommandHandler } from './context';
import { writeReply } from './replies';

/**
 * Runs each statement of a batch; a failure becomes a write error at its index. Ordered batches stop at the
 * first failure and keep what came before, unordered ones carry on, as in MongoDB.
 */
function runStatements<T>(command: Document, statements: T[], run: (statement: T, index: number) => void): Document[] {
  const ordered = optionalBoolean(command, 'ordered') ?? true;
  const writeErrors: Document[] = [];
  for (const [index, statement] of statements.entries()) {
    try {
      checkTimeLimit();
      run(statement, index);
    } catch (error) {
      writeErrors.push(toCommandError(error).toWriteError(index));
      if (ordered) break;
    }
  }
  return writeErrors;
}

/**
 * The statements of a write, within the `maxWriteBatchSize` that hello advertises, refused as mongod refuses
 * them (an empty batch too) before anything is touched.
 */
function writeStatements(command: Document, field: string): Document[] {
  const statements = requiredDocuments(command, field);
  checkBatchSize(statements.length);
  return statements;
}

function checkBatchSize(statements: number): void {
  if (statements < 1 || statements > MAX_WRITE_BATCH_SIZE) throw batchSizeError(statements);
}

export function batchSizeError(statements: number): MongoCommandError {
  return new MongoCommandError(
    'InvalidLength',
    `Write batch sizes must be between 1 and ${MAX_WRITE_BATCH_SIZE}. Got ${statements} operations.`,
  );
}

export const insert: CommandHandler = (command, { storage, database }) => {
  const documents = writeStatements(command, 'documents');
  const collection = storage.ensureCollection(database, collectionName(command));
  let n = 0;
  const writeErrors = runStatements(command, documents, (doc) => {
    const size = bsonSize(doc);
    if (size > MAX_DOCUMENT_BYTES) {
      throw new MongoCommandError(
        'BSONObjectTooLarge',
        `object to insert too large. size in bytes: ${size}, max size: ${MAX_DOCUMENT_BYTES}`,
      );
    }
    if (Array.isArray(doc['_id'])) throw new MongoCommandError('BadValue', "can't use an array for _id");
    collection.insert(withId(doc));
    n += 1;
  });
  return writeReply({ n }, writeErrors);
};

/** `let` variables only matter to `$expr`, whose variables mingo would not see: refused rather than ignored. */
function refuseLet(command: Document): void {
  if (command['let'] !== undefined)
    throw new MongoCommandError(
      'BadValue',
      `${Object.keys(command)[0]} option 'let' is not supported by the embedded MongoDB server`,
    );
}

export const update: CommandHandler = (command, { storage, database }) => {
  refuseLet(command);
  const name = collectionName(command);
  const statements = writeStatements(command, 'updates');
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  const writeErrors = runStatements(command, statements, (statement, index) => {
    const filter = optionalDocument(statement, 'q') ?? {};
    const multi = optionalBoolean(statement, 'multi') ?? false;
    const upsert = optionalBoolean(statement, 'upsert') ?? false;
    const existing = storage.collection(database, name);
    const collation = effectiveCollation(statement['collation'], existing);
    const parsed = parseUpdate(statement['u'], {
      arrayFilters: optionalDocuments(statement, 'arrayFilters'),
      collator: collation,
    });
    if (multi && parsed.kind === 'replacement') {
      throw new MongoCommandError('FailedToParse', 'multi update is not supported for replacement-style update');
    }
    prepareFilter(filter, collation);
    checkHint(existing, statement['hint']);
    const collection = upsert ? storage.ensureCollection(database, name) : existing;
    if (!collection) return;
    const { matches } = runQuery(collection, filter, {
      limit: multi ? 0 : 1,
      sort: optionalDocument(statement, 'sort'),
      collation,
    });
    if (matches.length === 0 && upsert) {
      const doc = upsertDocument(filter, parsed);
      collection.insert(doc);
      n += 1;
      upserted.push({ index, _id: doc['_id'] });
      return;
    }
    for (const match of matches) {
      n += 1;
      if (applyUpdate(collection, match, parsed).modified) nModified += 1;
    }
  });
  return writeReply({ n, nModified, ...(upserted.length > 0 ? { upserted } : {}) }, writeErrors);
};

export const deleteCommand: CommandHandler = (command, { storage, database }) => {
  refuseLet(command);
  const collection = storage.collection(database, collectionName(command));
  const statements = writeStatements(command, 'deletes');
  let n = 0;
  const writeErrors = runStatements(command, statements, (statement) => {
    const limit = optionalInteger(statement, 'limit') ?? 0;
    if (limit !== 0 && limit !== 1)
      throw new MongoCommandError('FailedToParse', 'The limit field in delete objects must be 0 or 1.');
    const filter = optionalDocument(statement, 'q') ?? {};
    const collation = effectiveCollation(statement['collation'], collection);
    prepareFilter(filter, collation);
    checkHint(collection, statement['hint']);
    if (!collection) return;
    for (const { id } of runQuery(collection, filter, { limit, collation }).matches) {
      collection.remove(id);
      n += 1;
    }
  });
  return writeReply({ n }, writeErrors);
};

/** Unlike the batch writes, findAndModify fails as a whole (`ok: 0`, e.g. code 11000) when it fails. */
export const findAndModify: CommandHandler = (command, { storage, database }) => {
  refuseLet(command);
  const name = collectionName(command);
  const filter = optionalDocument(command, 'query') ?? {};
  const remove = optionalBoolean(command, 'remove') ?? false;
  const upsert = optionalBoolean(command, 'upsert') ?? false;
  const returnNew = optionalBoolean(command, 'new') ?? false;
  const hasUpdate = command['update'] !== undefined;
  if (remove && (hasUpdate || upsert))
    throw new MongoCommandError('FailedToParse', 'Cannot specify both an update and remove=true');
  if (!remove && !hasUpdate)
    throw new MongoCommandError('FailedToParse', 'Either an update or remove=true must be specified');

  const existing = storage.collection(database, name);
  const collation = effectiveCollation(command['collation'], existing);
  const parsed = remove
    ? undefined
    : parseUpdate(command['update'], { arrayFilters: optionalDocuments(command, 'arrayFilters'), collator: collation });
  const projector = compileProjection(optionalDocument(command, 'fields'), filter, { collator: collation });
  prepareFilter(filter, collation);
  checkHint(existing, command['hint']);
  const noMatch: Document = { lastErrorObject: remove ? { n: 0 } : { n: 0, updatedExisting: false }, value: null };
  const collection = upsert ? storage.ensureCollection(database, name) : existing;
  if (!collection) return noMatch;
  const [match] = runQuery(collection, filter, {
    sort: optionalDocument(command, 'sort'),
    limit: 1,
    collation,
  }).matches;
  const shown = (doc: Document): Document => (projector ? projector(doc) : doc);

  if (!parsed) {
    if (!match) return noMatch;
    collection.remove(match.id);
    return { lastErrorObject: { n: 1 }, value: shown(match.doc) };
  }
  return executorErrors('findAndModify', () => {
    if (match) {
      const { doc } = applyUpdate(collection, match, parsed);
      return { lastErrorObject: { n: 1, updatedExisting: true }, value: shown(returnNew ? doc : match.doc) };
    }
    if (upsert) {
      const doc = upsertDocument(filter, parsed);
      collection.insert(doc);
      return {
        lastErrorObject: { n: 1, updatedExisting: false, upserted: doc['_id'] },
        value: returnNew ? shown(doc) : null,
      };
    }
    return noMatch;
  });
};

/** Errors raised while findAndModify applies its update carry mongod's executor prefix (duplicate keys excepted). */
function executorErrors<T>(commandName: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof MongoCommandError && error.codeName !== 'DuplicateKey') {
      throw new MongoCommandError(
        error.codeName,
        `Plan executor error during ${commandName} :: caused by :: ${error.message}`,
        error.details,
      );
    }
    throw error;
  }
}

/** Applies an update to one matched record and stores the result if it differs. */
function applyUpdate(
  collection: Collection,
  match: MatchedRecord,
  parsed: ParsedUpdate,
): { doc: Document; modified: boolean } {
  const updated = updatedDocument(match.doc, parsed, { matchedField: match.matchedField, inserting: false });
  // MongoDB counts a document as modified only when its bytes change (`$set` to the same value is not).
  if (Buffer.from(serialize(updated)).equals(serialize(match.doc))) return { doc: match.doc, modified: false };
  collection.replace(match.id, updated);
  return { doc: updated, modified: true };
}
