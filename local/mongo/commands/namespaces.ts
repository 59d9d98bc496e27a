/** Databases and collections: create, collMod, drop, list. */
import { ID_INDEX_NAME } from '../collection';
import { parseCollation } from '../collation';
import type { Collection } from '../collection';
import { isDocument } from '../document';
import type { Document } from '../document';
import { MongoCommandError } from '../errors';
import { equalityKey } from '../keys';
import { compileFilter } from '../matcher';
import { bsonTypeOf, isNumeric, renderValue, toNumber, valuesEqual } from '../values';
import { collectionName, optionalBoolean, optionalDocument, optionalInteger } from './args';
import type { CommandHandler } from './context';
import { cursorReply } from './replies';

/** Generic command fields that are not collection options. */
const GENERIC_FIELDS = new Set([
  'create',
  'lsid',
  'writeConcern',
  'comment',
  'apiVersion',
  'apiStrict',
  'apiDeprecationErrors',
  '$readPreference',
  '$clusterTime',
]);

/** Collection options this server keeps and honours; storage-engine tuning has no effect on results here. */
const SUPPORTED_OPTIONS = new Set(['capped', 'size', 'max', 'collation', 'storageEngine', 'indexOptionDefaults']);

/** A server without a feature does not know its option, and says so as mongod does for any unknown field. */
function unknownField(command: string, field: string): MongoCommandError {
  return new MongoCommandError(
    'Location40415',
    `BSON field '${command}.${field}' is an unknown field. (The embedded MongoDB server does not support it.)`,
  );
}

function collectionOptions(command: Document): Document {
  const options: Document = {};
  for (const [field, value] of Object.entries(command)) {
    if (field.startsWith('$') || GENERIC_FIELDS.has(field)) continue;
    if (!SUPPORTED_OPTIONS.has(field)) throw unknownField('create', field);
    options[field] = value;
  }
  for (const field of ['size', 'max']) {
    const value = options[field];
    if (value === undefined) continue;
    if (!isNumeric(value))
      throw new MongoCommandError(
        'TypeMismatch',
        `BSON field 'create.${field}' is the wrong type '${bsonTypeOf(value)}', expected type 'long'`,
      );
    if (field === 'size' && toNumber(value) < 1)
      throw new MongoCommandError(
        'Location51024',
        `BSON field 'size' value must be >= 1, actual value '${toNumber(value)}'`,
      );
  }
  const capped = options['capped'] === true || (isNumeric(options['capped']) && toNumber(options['capped']) !== 0);
  if (capped && options['size'] === undefined)
    throw new MongoCommandError('InvalidOptions', "the 'size' field is required when 'capped' is true");
  if (!capped && (options['size'] !== undefined || options['max'] !== undefined)) {
    throw new MongoCommandError(
      'InvalidOptions',
      "the 'capped' field needs to be true when either the 'size' or 'max' fields are present",
    );
  }
  if (capped) options['capped'] = true;
  else delete options['capped'];
  return options;
}

function sameOptions(existing: Collection, requested: Document): boolean {
  const normalize = (options: Document): string =>
    JSON.stringify(
      Object.keys(options)
        .sort()
        .map((key) => [key, equalityKey(options[key])]),
    );
  // The stored collation is the full specification; compare what the requested one resolves to.
  const { collation: requestedCollation, ...probe } = requested;
  if (existing.defaultCollation?.id !== parseCollation(requestedCollation)?.id) return false;
  const { collation: _collation, ...stored } = existing.options;
  return normalize(stored) === normalize(probe);
}

/** Since MongoDB 7.0, creating a collection that exists with the same options succeeds. */
export const create: CommandHandler = (command, { storage, database }) => {
  const name = collectionName(command);
  const options = collectionOptions(command);
  const existing = storage.collection(database, name);
  if (existing) {
    if (sameOptions(existing, options)) return {};
    const shown = [
      `uuid: UUID("${existing.uuid.toHexString(true)}")`,
      ...Object.entries(existing.options).map(([key, value]) => `${key}: ${renderValue(value)}`),
    ];
    throw new MongoCommandError(
      'NamespaceExists',
      `namespace ${database}.${name} already exists, but with different options: { ${shown.join(', ')} }`,
    );
  }
  storage.createCollection(database, name, options);
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

/** collMod: index visibility (`hidden`) and TTL (`expireAfterSeconds`); other changes are refused. */
export const collMod: CommandHandler = (command, { storage, database }) => {
  const name = collectionName(command);
  const collection = storage.collection(database, name);
  for (const field of Object.keys(command)) {
    if (field === 'collMod' || field === 'index' || field.startsWith('$') || GENERIC_FIELDS.has(field)) continue;
    throw unknownField('collMod', field);
  }
  if (!collection) throw new MongoCommandError('NamespaceNotFound', `ns does not exist: ${database}.${name}`);
  const change = optionalDocument(command, 'index');
  if (!change) return {};
  const index = collection
    .listIndexes()
    .find((candidate) =>
      typeof change['name'] === 'string'
        ? candidate.name === change['name']
        : isDocument(change['keyPattern']) && valuesEqual(candidate.keyPattern, change['keyPattern']),
    );
  if (!index) {
    const described = typeof change['name'] === 'string' ? change['name'] : renderValue(change['keyPattern']);
    throw new MongoCommandError('IndexNotFound', `cannot find index ${described} for ns ${database}.${name}`);
  }
  const reply: Document = {};
  for (const [option, value] of Object.entries(change)) {
    if (option === 'name' || option === 'keyPattern') continue;
    if (option === 'hidden') {
      if (typeof value !== 'boolean')
        throw new MongoCommandError(
          'TypeMismatch',
          `BSON field 'collMod.index.hidden' is the wrong type '${typeof value}', expected type 'bool'`,
        );
      if (index.name === ID_INDEX_NAME) throw new MongoCommandError('BadValue', "can't hide _id index");
      reply['hidden_old'] = index.hidden;
      reply['hidden_new'] = value;
      index.hidden = value;
    } else if (option === 'expireAfterSeconds') {
      if (index.expireAfterSeconds === undefined)
        throw new MongoCommandError('InvalidOptions', 'no expireAfterSeconds field to update');
      if (!isNumeric(value)) throw new MongoCommandError('InvalidOptions', 'expireAfterSeconds must be a number');
      reply['expireAfterSeconds_old'] = index.expireAfterSeconds;
      reply['expireAfterSeconds_new'] = value;
      index.setExpireAfterSeconds(toNumber(value));
    } else {
      throw unknownField('collMod.index', option);
    }
  }
  return reply;
};

export const listCollections: CommandHandler = (command, { storage, cursors, database }) => {
  const filter = optionalDocument(command, 'filter') ?? {};
  const nameOnly = optionalBoolean(command, 'nameOnly') ?? false;
  const matcher = compileFilter(filter);
  const entries: Document[] = storage
    .collections(database)
    .map((collection) => ({
      name: collection.name,
      type: 'collection',
      options: collection.options,
      info: { readOnly: false, uuid: collection.uuid },
      idIndex: { v: 2, key: { _id: 1 }, name: ID_INDEX_NAME },
    }))
    .filter((entry) => matcher.test(entry))
    .map((entry) => (nameOnly ? { name: entry.name, type: entry.type } : entry));
  const namespace = `${database}.$cmd.listCollections`;
  const batchSize = optionalInteger(optionalDocument(command, 'cursor') ?? {}, 'batchSize');
  return cursorReply(namespace, cursors.firstBatch(namespace, entries, { batchSize }), 'firstBatch');
};

export const listDatabases: CommandHandler = (command, { storage }) => {
  const nameOnly = optionalBoolean(command, 'nameOnly') ?? false;
  const databases = storage
    .databaseNames()
    .map((name) => (nameOnly ? { name } : { name, sizeOnDisk: 0, empty: false }));
  return nameOnly ? { databases } : { databases, totalSize: 0 };
};
