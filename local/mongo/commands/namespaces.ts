/** Databases and collections: create, drop, list. */
import { Query } from '../engine';
import { ID_INDEX_NAME } from '../collection';
import type { Document } from '../document';
import { translateMingoErrors } from '../query';
import { collectionName, optionalBoolean, optionalDocument, optionalInteger } from './args';
import type { CommandHandler } from './context';
import { cursorReply } from './replies';

/** Generic command fields that are not collection options. */
const NON_OPTION_FIELDS = new Set(['create', 'lsid', 'writeConcern', 'comment', 'apiVersion', 'apiStrict', 'apiDeprecationErrors']);

export const create: CommandHandler = (command, { storage, database }) => {
  const options = Object.fromEntries(Object.entries(command).filter(([field]) => !field.startsWith('$') && !NON_OPTION_FIELDS.has(field)));
  storage.createCollection(database, collectionName(command), options);
  return {};
};

/** Since MongoDB 7.0 dropping a missing collection succeeds. */
export const drop: CommandHandler = (command, { storage, database }) => {
  const name = collectionName(command);
  const dropped = storage.dropCollection(database, name);
  return dropped ? { nIndexesWas: dropped.listIndexes().length, ns: dropped.namespace } : {};
};

export const dropDatabase: CommandHandler = (_command, { storage, database }) => {
  storage.dropDatabase(database);
  return { dropped: database };
};

export const listCollections: CommandHandler = (command, { storage, cursors, database }) => {
  const filter = optionalDocument(command, 'filter') ?? {};
  const nameOnly = optionalBoolean(command, 'nameOnly') ?? false;
  const query = translateMingoErrors(() => new Query(filter, { scriptEnabled: false }));
  const entries: Document[] = storage
    .collections(database)
    .map((collection) => ({
      name: collection.name,
      type: 'collection',
      options: collection.options,
      info: { readOnly: false, uuid: collection.uuid },
      idIndex: { v: 2, key: { _id: 1 }, name: ID_INDEX_NAME },
    }))
    .filter((entry) => query.test(entry))
    .map((entry) => (nameOnly ? { name: entry.name, type: entry.type } : entry));
  const namespace = `${database}.$cmd.listCollections`;
  const batchSize = optionalInteger(optionalDocument(command, 'cursor') ?? {}, 'batchSize');
  return cursorReply(namespace, cursors.firstBatch(namespace, entries, { batchSize }), 'firstBatch');
};

export const listDatabases: CommandHandler = (command, { storage }) => {
  const nameOnly = optionalBoolean(command, 'nameOnly') ?? false;
  const databases = storage.databaseNames().map((name) => (nameOnly ? { name } : { name, sizeOnDisk: 0, empty: false }));
  return nameOnly ? { databases } : { databases, totalSize: 0 };
};
