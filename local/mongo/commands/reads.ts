/** Read commands: find and its cursors, count, distinct, aggregate. */
import type { Collection } from '../collection';
import type { Document } from '../document';
import { MongoCommandError } from '../errors';
import { equalityKey, valuesAtPath } from '../keys';
import { aggregate as runPipeline, matchRecords, project } from '../query';
import type { MatchOptions } from '../query';
import {
  collectionName,
  cursorIdValue,
  optionalBoolean,
  optionalDocument,
  optionalDocuments,
  optionalInteger,
  requiredString,
} from './args';
import type { CommandContext, CommandHandler } from './context';
import { cursorReply } from './replies';

/** Stages that write to other collections; mingo would run them against a throwaway copy. */
const UNSUPPORTED_STAGES = new Set(['$out', '$merge']);

export const find: CommandHandler = (command, context) => {
  const name = collectionName(command);
  const namespace = `${context.database}.${name}`;
  const rawLimit = optionalInteger(command, 'limit') ?? 0;
  const docs = matchDocuments(context.storage.collection(context.database, name), optionalDocument(command, 'filter') ?? {}, {
    sort: optionalDocument(command, 'sort'),
    skip: optionalInteger(command, 'skip'),
    limit: Math.abs(rawLimit),
    collation: optionalDocument(command, 'collation'),
  });
  const results = project(docs, optionalDocument(command, 'projection'));
  // A negative limit is the legacy way of asking for a single batch.
  const singleBatch = (optionalBoolean(command, 'singleBatch') ?? false) || rawLimit < 0;
  const batch = context.cursors.firstBatch(namespace, results, { batchSize: optionalInteger(command, 'batchSize'), singleBatch });
  return cursorReply(namespace, batch, 'firstBatch');
};

export const getMore: CommandHandler = (command, { cursors, database }) => {
  const cursorId = cursorIdValue(command['getMore'], command, 'getMore');
  const namespace = `${database}.${requiredString(command, 'collection')}`;
  return cursorReply(namespace, cursors.nextBatch(cursorId, namespace, optionalInteger(command, 'batchSize')), 'nextBatch');
};

export const killCursors: CommandHandler = (command, { cursors }) => {
  const ids = Array.isArray(command['cursors']) ? command['cursors'].map((id) => cursorIdValue(id, command, 'cursors')) : [];
  const { killed, notFound } = cursors.kill(ids);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [] };
};

export const count: CommandHandler = (command, { storage, database }) => {
  const docs = matchDocuments(storage.collection(database, collectionName(command)), optionalDocument(command, 'query') ?? {}, {
    skip: optionalInteger(command, 'skip'),
    limit: Math.abs(optionalInteger(command, 'limit') ?? 0),
    collation: optionalDocument(command, 'collation'),
  });
  return { n: docs.length };
};

/** Distinct values of a field, looking inside arrays as MongoDB does. */
export const distinct: CommandHandler = (command, { storage, database }) => {
  const key = requiredString(command, 'key');
  const docs = matchDocuments(storage.collection(database, collectionName(command)), optionalDocument(command, 'query') ?? {}, {
    collation: optionalDocument(command, 'collation'),
  });
  const values = new Map<string, unknown>();
  for (const doc of docs) for (const value of valuesAtPath(doc, key)) if (!values.has(equalityKey(value))) values.set(equalityKey(value), value);
  return { values: [...values.values()] };
};

export const aggregate: CommandHandler = (command, context) => {
  const target = command['aggregate'];
  if (typeof target !== 'string') {
    throw new MongoCommandError('InvalidNamespace', '{aggregate: 1} is not supported: aggregate needs a collection name');
  }
  const pipeline = optionalDocuments(command, 'pipeline');
  if (!pipeline) throw new MongoCommandError('TypeMismatch', "'pipeline' option must be specified as an array");
  const cursorOptions = optionalDocument(command, 'cursor');
  if (!cursorOptions) {
    throw new MongoCommandError('FailedToParse', "The 'cursor' option is required, except for aggregate with the explain argument");
  }
  for (const stage of pipeline) {
    const stageName = Object.keys(stage)[0] ?? '';
    if (UNSUPPORTED_STAGES.has(stageName)) throw new MongoCommandError('Location40324', `Unrecognized pipeline stage name: '${stageName}'`);
  }

  const collation = optionalDocument(command, 'collation');
  const collection = context.storage.collection(context.database, target);
  // A leading $match is answered through the indexes (countDocuments({ email }) stays O(1)).
  const [first, ...rest] = pipeline;
  const leadingMatch = first && Object.keys(first).length === 1 ? optionalDocument(first, '$match') : undefined;
  const input = matchDocuments(collection, leadingMatch ?? {}, { collation });
  const results = runPipeline(input, leadingMatch ? rest : pipeline, (name) => allDocuments(context, name), collation);

  const namespace = `${context.database}.${target}`;
  const batch = context.cursors.firstBatch(namespace, results, { batchSize: optionalInteger(cursorOptions, 'batchSize') });
  return cursorReply(namespace, batch, 'firstBatch');
};

function matchDocuments(collection: Collection | undefined, filter: Document, options: MatchOptions): Document[] {
  return collection ? matchRecords(collection, filter, options).map(({ doc }) => doc) : [];
}

function allDocuments({ storage, database }: CommandContext, name: string): Document[] {
  const collection = storage.collection(database, name);
  return collection ? [...collection.entries()].map(([, doc]) => doc) : [];
}
