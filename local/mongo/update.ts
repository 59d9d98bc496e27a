/**
 * Update documents: mingo applies the operators; what MongoDB adds on top is ours —
 * `$setOnInsert`, seeding an upserted document from the filter, and the immutable `_id`.
 */
import { Aggregator, update as applyModifier } from './engine';
import type { Modifier } from 'mingo/updater';
import { bsonSize, cloneDocument, isDocument, MAX_DOCUMENT_BYTES, withId, withIdFirst } from './document';
import type { Document } from './document';
import { MongoCommandError } from './errors';
import { equalityKey } from './keys';
import { translateMingoErrors } from './query';

export type UpdateSpec = Document | Document[];

/** The operators mingo implements, plus `$setOnInsert`, which we apply ourselves. */
const UPDATE_OPERATORS = new Set([
  '$addToSet', '$bit', '$currentDate', '$inc', '$max', '$min', '$mul', '$pop', '$pull', '$pullAll', '$push', '$rename', '$set',
  '$setOnInsert', '$unset',
]);

/**
 * mingo refuses any operator on `_id`, even a `$set` to its current value or on a document being upserted,
 * both of which MongoDB allows. Pointing mingo's id check at a field name no document can have leaves the
 * decision to the `_id` comparison in updatedDocument, which follows MongoDB.
 */
const UPDATER_OPTIONS = { queryOptions: { idKey: '\0' } };

export interface UpdateContext {
  filter: Document;
  arrayFilters?: Document[] | undefined;
  /** True when the document is being created by an upsert: `$setOnInsert` applies only then. */
  inserting: boolean;
}

/** Checks an update's shape up front so a bad one fails before any document is touched. */
export function validateUpdate(update: unknown): UpdateSpec {
  if (Array.isArray(update)) {
    if (!update.every(isDocument)) throw new MongoCommandError('FailedToParse', 'Each element of an update pipeline must be an object');
    return update;
  }
  if (!isDocument(update)) throw new MongoCommandError('FailedToParse', 'Update argument must be either an object or an array');
  const keys = Object.keys(update);
  const operators = keys.filter((key) => key.startsWith('$'));
  if (operators.length > 0 && operators.length < keys.length) {
    throw new MongoCommandError('FailedToParse', `Unknown modifier: ${keys.find((key) => !key.startsWith('$'))}. Expected a valid update modifier or pipeline-style update specified as an array`);
  }
  for (const operator of operators) {
    if (!UPDATE_OPERATORS.has(operator)) {
      throw new MongoCommandError('FailedToParse', `Unknown modifier: ${operator}. Expected a valid update modifier or pipeline-style update specified as an array`);
    }
  }
  return update;
}

/** The document `original` becomes under `update`; `original` itself is left untouched. */
export function updatedDocument(original: Document, update: UpdateSpec, context: UpdateContext): Document {
  let result: Document;
  if (Array.isArray(update)) {
    const [first] = translateMingoErrors(() => new Aggregator(update, { scriptEnabled: false }).run<Document>([cloneDocument(original)]));
    result = first ?? {};
  } else if (isReplacement(update)) {
    result = { ...('_id' in original ? { _id: original['_id'] } : {}), ...update };
  } else {
    result = cloneDocument(original);
    const { $setOnInsert, ...operators } = update;
    if (Object.keys(operators).length > 0) {
      translateMingoErrors(() => applyModifier(result, operators as Modifier<Document>, context.arrayFilters, context.filter, UPDATER_OPTIONS));
    }
    if (context.inserting && isDocument($setOnInsert)) {
      translateMingoErrors(() => applyModifier(result, { $set: $setOnInsert }, undefined, undefined, UPDATER_OPTIONS));
    }
  }

  if ('_id' in original && equalityKey(result['_id']) !== equalityKey(original['_id'])) {
    throw new MongoCommandError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
  }
  result = withIdFirst(result);
  if (bsonSize(result) > MAX_DOCUMENT_BYTES) {
    throw new MongoCommandError('Location17419', `Resulting document after update is larger than ${MAX_DOCUMENT_BYTES}`);
  }
  return result;
}

/** The document an upsert inserts: the filter's equality fields, then the update (with `$setOnInsert`). */
export function upsertDocument(filter: Document, update: UpdateSpec, arrayFilters?: Document[]): Document {
  const seed: Document = {};
  if (!isReplacement(update)) {
    const equalities = filterEqualities(filter);
    if (Object.keys(equalities).length > 0) translateMingoErrors(() => applyModifier(seed, { $set: equalities }, undefined, undefined, UPDATER_OPTIONS));
  } else if ('_id' in filter && !isOperatorObject(filter['_id'])) {
    seed['_id'] = filter['_id'];
  }
  return withId(updatedDocument(seed, update, { filter: {}, arrayFilters, inserting: true }));
}

/** A plain document with no operators replaces the matched document wholesale. */
export function isReplacement(update: UpdateSpec): boolean {
  return !Array.isArray(update) && !Object.keys(update).some((key) => key.startsWith('$'));
}

function isOperatorObject(value: unknown): value is Document {
  return isDocument(value) && Object.keys(value).some((key) => key.startsWith('$'));
}

/** `{ a: 1, b: { $eq: 2 }, $and: [{ c: 3 }], d: { $gt: 4 }, e: /x/ }` → `{ a: 1, b: 2, c: 3 }`. */
function filterEqualities(filter: Document, into: Document = {}): Document {
  for (const [field, condition] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(condition)) {
      for (const clause of condition) if (isDocument(clause)) filterEqualities(clause, into);
    } else if (field.startsWith('$') || condition instanceof RegExp) {
      continue;
    } else if (!isOperatorObject(condition)) {
      into[field] = condition;
    } else if ('$eq' in condition) {
      into[field] = condition['$eq'];
    }
  }
  return into;
}
