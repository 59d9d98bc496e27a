/** Index management: createIndexes, listIndexes, dropIndexes. */
import { ID_INDEX_NAME } from '../collection';
import type { Collection } from '../collection';
import { isDocument } from '../document';
import type { Document } from '../document';
import { MongoCommandError } from '../errors';
import { equalityKey } from '../keys';
import { collectionName, optionalDocument, optionalInteger, requiredDocuments } from './args';
import type { CommandContext, CommandHandler } from './context';
import { cursorReply } from './replies';

export const createIndexes: CommandHandler = (command, { storage, database }) => {
  const name = collectionName(command);
  const specs = requiredDocuments(command, 'indexes');
  const existing = storage.collection(database, name);
  const collection = existing ?? storage.ensureCollection(database, name);
  const numIndexesBefore = collection.listIndexes().length;
  const outcomes = specs.map((spec) => collection.createIndex(spec));
  return {
    numIndexesBefore,
    numIndexesAfter: collection.listIndexes().length,
    createdCollectionAutomatically: existing === undefined,
    ...(outcomes.every((outcome) => outcome === 'exists') ? { note: 'all indexes already exist' } : {}),
  };
};

export const listIndexes: CommandHandler = (command, context) => {
  const collection = existingCollection(command, context);
  const batchSize = optionalInteger(optionalDocument(command, 'cursor') ?? {}, 'batchSize');
  const specs = collection.listIndexes().map((index) => index.listedSpec);
  return cursorReply(
    collection.namespace,
    context.cursors.firstBatch(collection.namespace, specs, { batchSize }),
    'firstBatch',
  );
};

/** `index` may be `'*'` (all but `_id_`), a name, a list of names, or a key pattern. */
export const dropIndexes: CommandHandler = (command, context) => {
  const collection = existingCollection(command, context);
  const nIndexesWas = collection.listIndexes().length;
  const names = indexNamesToDrop(collection, command['index']);
  for (const name of names) {
    if (name === ID_INDEX_NAME) throw new MongoCommandError('InvalidOptions', 'cannot drop _id index');
    if (!collection.index(name)) throw new MongoCommandError('IndexNotFound', `index not found with name [${name}]`);
  }
  for (const name of names) collection.dropIndex(name);
  return { nIndexesWas };
};

function indexNamesToDrop(collection: Collection, target: unknown): string[] {
  if (target === '*')
    return collection
      .listIndexes()
      .map((index) => index.name)
      .filter((name) => name !== ID_INDEX_NAME);
  if (typeof target === 'string') return [target];
  if (Array.isArray(target) && target.every((name) => typeof name === 'string')) return target;
  if (isDocument(target)) {
    const match = collection.listIndexes().find((index) => equalityKey(index.keyPattern) === equalityKey(target));
    if (!match) throw new MongoCommandError('IndexNotFound', `can't find index with key: ${JSON.stringify(target)}`);
    return [match.name];
  }
  throw new MongoCommandError(
    'TypeMismatch',
    "BSON field 'dropIndexes.index' must be a string, an array of strings or an object",
  );
}

function existingCollection(command: Document, { storage, database }: CommandContext): Collection {
  const name = collectionName(command);
  const collection = storage.collection(database, name);
  if (!collection) throw new MongoCommandError('NamespaceNotFound', `ns does not exist: ${database}.${name}`);
  return collection;
}
