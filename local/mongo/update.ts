/**
 * Updates with mongod's semantics, modelled on its update tree: every operator's paths are merged into one
 * tree (so `a.$.x` and `a.$.y`, or `a.$[].x` and `a.$[e].y`, coexist while `a` and `a.b` conflict), children are
 * applied in field-name order (which is the order new fields are created in), and each operator checks the
 * types it works on and fails with mongod's code and message. Replacements, upserts and pipeline updates
 * are handled here too.
 */
import { Long, Timestamp } from 'bson';
import { bsonSize, cloneDocument, cloneValue, isDocument, MAX_DOCUMENT_BYTES, withId, withIdFirst } from './document';
import type { Document } from './document';
import { MongoCommandError } from './errors';
import { compileFilter, isOperatorObject } from './matcher';
import type { Matcher, MatchOptions } from './matcher';
import { plainNumbers } from './numbers';
import { runPipeline } from './pipeline';
import {
  bsonTypeOf,
  compareValues,
  isNumeric,
  makeDouble,
  renderElement,
  renderIdOf,
  renderValue,
  toNumber,
  valuesEqual,
} from './values';
import type { StringComparator } from './values';

export type UpdateSpec = Document | Document[];

/** Stages an update pipeline may use. */
const PIPELINE_UPDATE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);

/** How far an update may pad an array to reach an index, as in mongod. */
const MAX_ARRAY_PADDING = 1_500_000;

const badValue = (message: string): MongoCommandError => new MongoCommandError('BadValue', message);
const failedToParse = (message: string): MongoCommandError => new MongoCommandError('FailedToParse', message);

// ---------------------------------------------------------------------------------------------
// The parsed update

interface ObjectNode {
  type: 'object';
  children: Map<string, UpdateNode>;
  positional: UpdateNode | undefined;
}

interface ArrayNode {
  type: 'array';
  /** Keyed by array filter identifier; '' for `$[]`. */
  children: Map<string, UpdateNode>;
}

interface LeafNode {
  type: 'leaf';
  operator: string;
  /** The operator's argument for this path, e.g. the value of `$set` or the increment of `$inc`. */
  argument: unknown;
  /** `$rename`: the source path, removed when the destination is written. */
  renameFrom?: string[];
  /** `$pull`: which array elements go. */
  pullMatcher?: (element: unknown) => boolean;
  push?: PushClauses;
  /** `$addToSet`: the (deduplicated) values to add. */
  addToSet?: unknown[];
}

type UpdateNode = ObjectNode | ArrayNode | LeafNode;

interface PushClauses {
  values: unknown[];
  position: number | undefined;
  slice: number | undefined;
  sort: { whole: number } | { fields: Array<[string[], number]> } | undefined;
}

export interface ParsedUpdate {
  kind: 'modifiers' | 'replacement' | 'pipeline';
  spec: UpdateSpec;
  root?: ObjectNode;
  /** The update uses the positional `$`, which needs the array position the query matched. */
  positional: boolean;
  arrayFilters: Map<string, Matcher>;
  collator: StringComparator | undefined;
}

export interface UpdateParseOptions {
  arrayFilters?: Document[] | undefined;
  collator?: StringComparator | undefined;
}

const MODIFIERS = new Set([
  '$addToSet',
  '$bit',
  '$currentDate',
  '$inc',
  '$max',
  '$min',
  '$mul',
  '$pop',
  '$pull',
  '$pullAll',
  '$push',
  '$rename',
  '$set',
  '$setOnInsert',
  '$unset',
]);

/** Parses and checks an update up front, so a bad one fails before any document is touched. */
export function parseUpdate(update: unknown, options: UpdateParseOptions = {}): ParsedUpdate {
  const collator = options.collator;
  if (Array.isArray(update)) {
    if (options.arrayFilters) throw failedToParse('arrayFilters may not be specified for pipeline-style updates');
    for (const stage of update) {
      if (!isDocument(stage)) throw failedToParse('Each element of an update pipeline must be an object');
      const [name] = Object.keys(stage);
      if (!name || !PIPELINE_UPDATE_STAGES.has(name))
        throw new MongoCommandError(
          'InvalidOptions',
          `${name ?? 'An empty stage'} is not allowed to be used within an update`,
        );
    }
    return { kind: 'pipeline', spec: update as Document[], positional: false, arrayFilters: new Map(), collator };
  }
  if (!isDocument(update)) throw failedToParse('Update argument must be either an object or an array');
  const keys = Object.keys(update);
  const operators = keys.filter((key) => key.startsWith('$'));
  if (operators.length === 0) {
    if (options.arrayFilters && options.arrayFilters.length > 0)
      throw failedToParse('Cannot use array filters with a replacement-style update');
    return { kind: 'replacement', spec: update, positional: false, arrayFilters: new Map(), collator };
  }
  if (operators.length < keys.length) {
    throw failedToParse(
      `Unknown modifier: ${keys.find((key) => !key.startsWith('$'))}. Expected a valid update modifier or pipeline-style update specified as an array`,
    );
  }

  const arrayFilters = parseArrayFilters(options.arrayFilters ?? [], { collator });
  const usedIdentifiers = new Set<string>();
  const root: ObjectNode = { type: 'object', children: new Map(), positional: undefined };
  let positional = false;
  for (const [operator, fields] of Object.entries(update)) {
    if (!MODIFIERS.has(operator)) {
      throw failedToParse(
        `Unknown modifier: ${operator}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
    if (!isDocument(fields)) {
      throw failedToParse(
        `Modifiers operate on fields but we found type ${bsonTypeOf(fields)} instead. For example: {$mod: {<field>: ...}} not {${renderElement(operator, fields)}}`,
      );
    }
    for (const [path, argument] of Object.entries(fields)) {
      if (operator === '$rename') {
        positional = addRename(root, path, argument, arrayFilters, usedIdentifiers) || positional;
      } else {
        const leaf = makeLeaf(operator, path, argument, collator);
        positional = addPath(root, path, leaf, arrayFilters, usedIdentifiers) || positional;
      }
    }
  }
  for (const identifier of arrayFilters.keys()) {
    if (!usedIdentifiers.has(identifier)) {
      throw failedToParse(
        `The array filter for identifier '${identifier}' was not used in the update ${renderValue(update)}`,
      );
    }
  }
  return { kind: 'modifiers', spec: update, root, positional, arrayFilters, collator };
}

function parseArrayFilters(filters: Document[], options: MatchOptions): Map<string, Matcher> {
  const parsed = new Map<string, Matcher>();
  for (const filter of filters) {
    const identifier = placeholderOf(filter);
    if (parsed.has(identifier))
      throw failedToParse(`Found multiple array filters with the same top-level field name ${identifier}`);
    parsed.set(identifier, compileFilter(filter, options));
  }
  return parsed;
}

/** The identifier an array filter is about: the first part of every path it tests. */
function placeholderOf(filter: Document): string {
  const identifiers = new Set<string>();
  const collect = (clause: Document): void => {
    for (const [key, value] of Object.entries(clause)) {
      if (key === '$and' || key === '$or' || key === '$nor') {
        if (Array.isArray(value)) for (const sub of value) if (isDocument(sub)) collect(sub);
      } else if (!key.startsWith('$')) {
        identifiers.add(key.split('.')[0] as string);
      }
    }
  };
  collect(filter);
  const [identifier] = identifiers;
  if (identifier === undefined)
    throw failedToParse('Cannot use an expression without a top-level field name in arrayFilters');
  if (identifiers.size > 1)
    throw failedToParse(
      `Error parsing array filter :: caused by :: Expected a single top-level field name, found '${[...identifiers][0]}' and '${[...identifiers][1]}'`,
    );
  if (!/^[a-z][a-zA-Z0-9]*$/.test(identifier)) {
    throw badValue(
      `Error parsing array filter :: caused by :: The top-level field name must be an alphanumeric string beginning with a lowercase letter, found '${identifier}'`,
    );
  }
  return identifier;
}

function isArrayFilterPart(part: string): boolean {
  return part.startsWith('$[') && part.endsWith(']');
}

function checkUpdatable(path: string): string[] {
  if (path === '') throw new MongoCommandError('EmptyFieldName', 'An empty update path is not valid.');
  const parts = path.split('.');
  if (parts.some((part) => part === ''))
    throw new MongoCommandError(
      'EmptyFieldName',
      `The update path '${path}' contains an empty field name, which is not allowed.`,
    );
  for (const part of parts) {
    if (part.startsWith('$') && part !== '$' && !isArrayFilterPart(part)) {
      throw new MongoCommandError(
        'DollarPrefixedFieldName',
        `The dollar ($) prefixed field '${part}' in '${path}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`,
      );
    }
  }
  return parts;
}

/** Adds a leaf at `path`, creating object and array nodes on the way; returns whether the path is positional. */
function addPath(
  root: ObjectNode,
  path: string,
  leaf: UpdateNode,
  arrayFilters: Map<string, Matcher>,
  used: Set<string>,
): boolean {
  const parts = checkUpdatable(path);
  const positionals = parts.filter((part) => part === '$').length;
  if (positionals > 1) throw badValue(`Too many positional (i.e. '$') elements found in path '${path}'`);
  if (parts[0] === '$')
    throw badValue(`Cannot have positional (i.e. '$') element in the first position in path '${path}'`);

  let current: ObjectNode | ArrayNode = root;
  for (const [i, part] of parts.entries()) {
    const name = childName(part, i, path, arrayFilters, used);
    const last = i === parts.length - 1;
    const existing = getChild(current, name);
    if (last) {
      if (existing)
        throw new MongoCommandError(
          'ConflictingUpdateOperators',
          `Updating the path '${path}' would create a conflict at '${path}'`,
        );
      setChild(current, name, leaf);
      break;
    }
    const wantsArray = isArrayFilterPart(parts[i + 1] as string);
    if (existing) {
      if (existing.type !== (wantsArray ? 'array' : 'object')) {
        throw new MongoCommandError(
          'ConflictingUpdateOperators',
          `Updating the path '${path}' would create a conflict at '${parts.slice(0, i + 1).join('.')}'`,
        );
      }
      current = existing;
    } else {
      const created: ObjectNode | ArrayNode = wantsArray
        ? { type: 'array', children: new Map() }
        : { type: 'object', children: new Map(), positional: undefined };
      setChild(current, name, created);
      current = created;
    }
  }
  return positionals > 0;
}

function childName(
  part: string,
  position: number,
  path: string,
  arrayFilters: Map<string, Matcher>,
  used: Set<string>,
): string {
  if (!isArrayFilterPart(part)) return part;
  if (position === 0)
    throw badValue(
      `Cannot have array filter identifier (i.e. '$[<id>]') element in the first position in path '${path}'`,
    );
  const identifier = part.slice(2, -1);
  if (identifier !== '') {
    if (!arrayFilters.has(identifier))
      throw badValue(`No array filter found for identifier '${identifier}' in path '${path}'`);
    used.add(identifier);
  }
  return identifier;
}

function getChild(node: ObjectNode | ArrayNode, name: string): UpdateNode | undefined {
  if (node.type === 'object' && name === '$') return node.positional;
  return node.children.get(name);
}

function setChild(node: ObjectNode | ArrayNode, name: string, child: UpdateNode): void {
  if (node.type === 'object' && name === '$') node.positional = child;
  else node.children.set(name, child);
}

function addRename(
  root: ObjectNode,
  from: string,
  to: unknown,
  arrayFilters: Map<string, Matcher>,
  used: Set<string>,
): boolean {
  if (typeof to !== 'string') throw badValue(`The 'to' field for $rename must be a string: ${renderElement(from, to)}`);
  // The source holds a placeholder, so that no other operator may touch it in the same update.
  addPath(root, from, { type: 'leaf', operator: '$renameSource', argument: undefined }, arrayFilters, used);
  const fromParts = from.split('.');
  const toParts = to.split('.');
  if (fromParts.some((part) => part === '$' || isArrayFilterPart(part)))
    throw badValue(`The source field for $rename may not be dynamic: ${from}`);
  if (toParts.some((part) => part === '$' || isArrayFilterPart(part)))
    throw badValue(`The destination field for $rename may not be dynamic: ${to}`);
  if (from === to) throw badValue(`The source and target field for $rename must differ: ${renderElement(from, to)}`);
  if (to.startsWith(`${from}.`) || from.startsWith(`${to}.`))
    throw badValue(`The source and target field for $rename must not be on the same path: ${renderElement(from, to)}`);
  addPath(root, to, { type: 'leaf', operator: '$rename', argument: to, renameFrom: fromParts }, arrayFilters, used);
  return false;
}

function integerArgument(value: unknown): number | undefined {
  if (!isNumeric(value)) return undefined;
  const number = toNumber(value);
  return Number.isInteger(number) ? number : undefined;
}

/** Checks an operator's argument as mongod's update nodes do when they are built. */
function makeLeaf(operator: string, path: string, argument: unknown, collator: StringComparator | undefined): LeafNode {
  const leaf: LeafNode = { type: 'leaf', operator, argument };
  switch (operator) {
    case '$inc':
    case '$mul':
      if (!isNumeric(argument)) {
        throw new MongoCommandError(
          'TypeMismatch',
          `Cannot ${operator === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${renderElement(path, argument)}}`,
        );
      }
      break;
    case '$pop': {
      const direction = integerArgument(argument);
      if (direction === undefined) throw failedToParse(`Expected a number in: ${renderElement(path, argument)}`);
      if (direction !== 1 && direction !== -1) throw failedToParse(`$pop expects 1 or -1, found: ${direction}`);
      break;
    }
    case '$currentDate':
      currentDateType(argument);
      break;
    case '$bit':
      parseBit(argument);
      break;
    case '$pullAll':
      if (!Array.isArray(argument))
        throw badValue(`$pullAll requires an array argument but was given a ${bsonTypeOf(argument)}`);
      break;
    case '$pull':
      leaf.pullMatcher = pullMatcher(argument, collator);
      break;
    case '$push':
      leaf.push = parsePush(argument);
      break;
    case '$addToSet':
      leaf.addToSet = parseAddToSet(argument, collator);
      break;
    default:
      break;
  }
  return leaf;
}

/** Query operators that take a path; `$pull` conditions starting with one test each element itself. */
const PATH_ACCEPTING_OPERATORS = new Set([
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$exists',
  '$type',
  '$size',
  '$all',
  '$elemMatch',
  '$regex',
  '$options',
  '$mod',
  '$not',
  '$bitsAllSet',
  '$bitsAllClear',
  '$bitsAnySet',
  '$bitsAnyClear',
  '$geoWithin',
  '$geoIntersects',
  '$near',
  '$nearSphere',
  '$within',
  '$comment',
]);

/**
 * `$pull`'s three ways of matching, as in mongod: a document of conditions (even `{ $or: [...] }`) matches
 * element documents; an operator document or a regex tests each element; anything else removes equal elements.
 */
function pullMatcher(condition: unknown, collator: StringComparator | undefined): (element: unknown) => boolean {
  if (isDocument(condition)) {
    const [first] = Object.keys(condition);
    if (first === undefined || !PATH_ACCEPTING_OPERATORS.has(first)) {
      const matcher = compileFilter(condition, { collator });
      return (element) => isDocument(element) && matcher.test(element);
    }
  }
  if (isDocument(condition) || condition instanceof RegExp) {
    const matcher = compileFilter({ element: condition }, { collator });
    return (element) => matcher.test({ element: element });
  }
  return (element) => compareValues(element, condition, collator) === 0;
}

function parsePush(argument: unknown): PushClauses {
  const clauses: PushClauses = { values: [argument], position: undefined, slice: undefined, sort: undefined };
  if (!isDocument(argument) || !('$each' in argument)) return clauses;
  for (const name of Object.keys(argument)) {
    if (!['$each', '$slice', '$sort', '$position'].includes(name))
      throw badValue(`Unrecognized clause in $push: ${name}`);
  }
  const each = argument['$each'];
  if (!Array.isArray(each))
    throw badValue(`The argument to $each in $push must be an array but it was of type: ${bsonTypeOf(each)}`);
  clauses.values = each;
  if ('$slice' in argument) {
    const slice = integerArgument(argument['$slice']);
    if (slice === undefined)
      throw badValue(
        `The value for $slice must be an integer value but was given type: ${bsonTypeOf(argument['$slice'])}`,
      );
    clauses.slice = slice;
  }
  if ('$position' in argument) {
    const position = integerArgument(argument['$position']);
    if (position === undefined)
      throw badValue(
        `The value for $position must be an integer value, not of type: ${bsonTypeOf(argument['$position'])}`,
      );
    clauses.position = position;
  }
  if ('$sort' in argument) clauses.sort = parsePushSort(argument['$sort']);
  return clauses;
}

function parsePushSort(sort: unknown): PushClauses['sort'] {
  if (isNumeric(sort)) {
    const direction = toNumber(sort);
    if (direction !== 1 && direction !== -1) throw badValue('The $sort element value must be either 1 or -1');
    return { whole: direction };
  }
  if (!isDocument(sort))
    throw badValue('The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields');
  if (Object.keys(sort).length === 0) throw badValue('The $sort pattern is empty when it should be a set of fields.');
  return {
    fields: Object.entries(sort).map(([field, direction]) => {
      const order = isNumeric(direction) ? toNumber(direction) : 0;
      if (order !== 1 && order !== -1) throw badValue('The $sort element value must be either 1 or -1');
      if (field === '') throw badValue('The $sort field cannot be empty');
      if (field.split('.').some((part) => part === ''))
        throw badValue(`The $sort field is a dotted field but has an empty part: ${field}`);
      return [field.split('.'), order] as [string[], number];
    }),
  };
}

function parseAddToSet(argument: unknown, collator: StringComparator | undefined): unknown[] {
  let values = [argument];
  if (isDocument(argument) && Object.keys(argument)[0] === '$each') {
    const each = argument['$each'];
    if (!Array.isArray(each))
      throw new MongoCommandError(
        'TypeMismatch',
        `The argument to $each in $addToSet must be an array but it was of type ${bsonTypeOf(each)}`,
      );
    if (Object.keys(argument).length > 1)
      throw badValue(`Found unexpected fields after $each in $addToSet: ${renderValue(argument)}`);
    values = each;
  }
  const unique: unknown[] = [];
  for (const value of values) if (!unique.some((seen) => valuesEqual(seen, value, collator))) unique.push(value);
  return unique;
}

function currentDateType(argument: unknown): 'date' | 'timestamp' {
  if (typeof argument === 'boolean') return 'date';
  if (isDocument(argument)) {
    let type: 'date' | 'timestamp' | undefined;
    for (const [option, value] of Object.entries(argument)) {
      if (option !== '$type') throw badValue(`Unrecognized $currentDate option: ${option}`);
      if (value !== 'date' && value !== 'timestamp') {
        throw badValue(
          "The '$type' string field is required to be 'date' or 'timestamp': {$currentDate: {field : {$type: 'date'}}}",
        );
      }
      type = value;
    }
    if (!type)
      throw badValue(
        "The '$type' string field is required to be 'date' or 'timestamp': {$currentDate: {field : {$type: 'date'}}}",
      );
    return type;
  }
  throw badValue(
    `${bsonTypeOf(argument)} is not valid type for $currentDate. Please use a boolean ('true') or a $type expression ({$type: 'timestamp/date'}).`,
  );
}

function parseBit(argument: unknown): Array<['and' | 'or' | 'xor', unknown]> {
  if (!isDocument(argument)) {
    throw badValue(
      `The $bit modifier is not compatible with a ${bsonTypeOf(argument)}. You must pass in an embedded document: {$bit: {field: {and/or/xor: #}}`,
    );
  }
  return Object.entries(argument).map(([operation, value]) => {
    if (operation !== 'and' && operation !== 'or' && operation !== 'xor') {
      throw badValue(
        `The $bit modifier only supports 'and', 'or', and 'xor', not '${operation}' which is an unknown operator: {${renderElement(operation, value)}}`,
      );
    }
    const type = bsonTypeOf(value);
    if (type !== 'int' && type !== 'long') {
      throw badValue(
        `The $bit modifier field must be an Integer(32/64 bit); a '${type}' is not supported here: {${renderElement(operation, value)}}`,
      );
    }
    return [operation, value];
  });
}

// ---------------------------------------------------------------------------------------------
// Applying it

/** Where a node applies: an existing value, reached through its container. */
interface Element {
  value: unknown;
  container: Document | unknown[] | undefined;
  key: string;
}

interface ApplyState {
  root: Document;
  /** The array index the query matched through, for `$`. */
  matchedField: string | undefined;
  inserting: boolean;
  parsed: ParsedUpdate;
  now: Date;
}

export interface UpdateContext {
  /** The index the query's match went through in the first array of its path (from MatchDetails). */
  matchedField?: string | undefined;
  /** True when the document is being created by an upsert: `$setOnInsert` applies only then. */
  inserting: boolean;
  now?: Date;
}

/** The document `original` becomes under `update`; `original` itself is left untouched. */
export function updatedDocument(original: Document, parsed: ParsedUpdate, context: UpdateContext): Document {
  let result: Document;
  if (parsed.kind === 'pipeline') {
    const [first] = runPipeline([original], parsed.spec as Document[], {
      collator: parsed.collator,
      resolveCollection: () => [],
    });
    result = restoreNumberTypes(first ?? {}, original) as Document;
  } else if (parsed.kind === 'replacement') {
    const replacement = parsed.spec as Document;
    checkReplacement(replacement);
    result = { ...('_id' in original ? { _id: original['_id'] } : {}), ...cloneDocument(replacement) };
    if ('_id' in original && '_id' in replacement && !valuesEqual(original['_id'], replacement['_id'])) {
      throw new MongoCommandError(
        'ImmutableField',
        `After applying the update, the (immutable) field '_id' was found to have been altered to ${renderElement('_id', replacement['_id'])}`,
      );
    }
  } else {
    result = cloneDocument(original);
    const state: ApplyState = {
      root: result,
      matchedField: context.matchedField,
      inserting: context.inserting,
      parsed,
      now: context.now ?? new Date(),
    };
    applyObject(parsed.root as ObjectNode, { value: result, container: undefined, key: '' }, [], [], state);
  }

  if ('_id' in original && !valuesEqual(result['_id'], original['_id'])) {
    throw new MongoCommandError(
      'ImmutableField',
      "Performing an update on the path '_id' would modify the immutable field '_id'",
    );
  }
  if (Array.isArray(result['_id']))
    throw new MongoCommandError('InvalidIdField', "The '_id' value cannot be of type array");
  result = withIdFirst(result);
  if (bsonSize(result) > MAX_DOCUMENT_BYTES) {
    throw new MongoCommandError(
      'Location17419',
      `Resulting document after update is larger than ${MAX_DOCUMENT_BYTES}`,
    );
  }
  return result;
}

function checkReplacement(replacement: Document): void {
  for (const key of Object.keys(replacement)) {
    if (key.startsWith('$')) {
      throw new MongoCommandError(
        'DollarPrefixedFieldName',
        `The dollar ($) prefixed field '${key}' in '${key}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`,
      );
    }
  }
}

/** mingo computes with JS numbers; values a pipeline left alone keep the type they had. */
function restoreNumberTypes(result: unknown, original: unknown): unknown {
  if (original === result) return result;
  if (isDocument(result) && isDocument(original)) {
    for (const key of Object.keys(result))
      if (key in original) result[key] = restoreNumberTypes(result[key], original[key]);
    return result;
  }
  if (Array.isArray(result) && Array.isArray(original))
    return result.map((element, i) => restoreNumberTypes(element, original[i]));
  return isNumeric(original) && plainNumbers(original) === result ? original : result;
}

/** Field names in the order mongod applies (and creates) them: numbers numerically, the rest by bytes. */
function compareFieldNames(a: string, b: string): number {
  const numericA = /^\d+$/.test(a);
  const numericB = /^\d+$/.test(b);
  if (numericA && numericB) return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
  return a < b ? -1 : a > b ? 1 : 0;
}

function childElement(element: Element, field: string): Element | undefined {
  const { value } = element;
  if (isDocument(value))
    return Object.hasOwn(value, field) ? { value: value[field], container: value, key: field } : undefined;
  if (Array.isArray(value) && /^\d+$/.test(field)) {
    const index = Number(field);
    return index < value.length ? { value: value[index], container: value, key: field } : undefined;
  }
  return undefined;
}

function applyObject(node: ObjectNode, element: Element, taken: string[], toCreate: string[], state: ApplyState): void {
  const children = [...node.children.entries()];
  if (node.positional) {
    if (state.matchedField === undefined)
      throw badValue('The positional operator did not find the match needed from the query.');
    const matched = state.matchedField;
    const index = children.findIndex(([field]) => field === matched);
    if (index >= 0) {
      const [, sibling] = children[index] as [string, UpdateNode];
      children[index] = [matched, mergeNodes(node.positional, sibling, [...taken, ...toCreate, matched])];
    } else {
      children.push([matched, node.positional]);
    }
  }
  children.sort(([a], [b]) => compareFieldNames(a, b));

  let current = element;
  let pathTaken = taken;
  let pathToCreate = toCreate;
  for (const [field, child] of children) {
    const existing = pathToCreate.length === 0 ? childElement(current, field) : undefined;
    if (existing) applyNode(child, existing, [...pathTaken, field], [], state);
    else applyNode(child, current, pathTaken, [...pathToCreate, field], state);
    // A child may have created the missing part of our path: later children build on it.
    if (pathToCreate.length > 0) {
      let reached: Element | undefined = current;
      for (const part of pathToCreate) reached = reached && childElement(reached, part);
      if (reached) {
        current = reached;
        pathTaken = [...pathTaken, ...pathToCreate];
        pathToCreate = [];
      }
    }
  }
}

function applyNode(node: UpdateNode, element: Element, taken: string[], toCreate: string[], state: ApplyState): void {
  if (node.type === 'object') applyObject(node, element, taken, toCreate, state);
  else if (node.type === 'array') applyArray(node, element, taken, toCreate, state);
  else applyLeaf(node, element, taken, toCreate, state);
}

function applyArray(node: ArrayNode, element: Element, taken: string[], toCreate: string[], state: ApplyState): void {
  if (toCreate.length > 0)
    throw badValue(
      `The path '${[...taken, ...toCreate].join('.')}' must exist in the document in order to apply array updates.`,
    );
  if (!Array.isArray(element.value))
    throw badValue(`Cannot apply array updates to non-array element ${renderElement(element.key, element.value)}`);
  const array: unknown[] = element.value;
  const matching = array.map((value) =>
    [...node.children.entries()].filter(
      ([identifier]) =>
        identifier === '' || (state.parsed.arrayFilters.get(identifier) as Matcher).test({ [identifier]: value }),
    ),
  );
  matching.forEach((updates, i) => {
    if (updates.length === 0) return;
    const path = [...taken, String(i)];
    const merged = updates
      .slice(1)
      .reduce<UpdateNode>((left, [, right]) => mergeNodes(left, right, path), (updates[0] as [string, UpdateNode])[1]);
    applyNode(merged, { value: array[i], container: array, key: String(i) }, path, [], state);
  });
}

/** Two updates reaching the same element combine when both are paths; two leaves there conflict. */
function mergeNodes(left: UpdateNode, right: UpdateNode, path: string[]): UpdateNode {
  if (left.type === 'object' && right.type === 'object') {
    const children = new Map(left.children);
    for (const [field, child] of right.children) {
      const existing = children.get(field);
      children.set(field, existing ? mergeNodes(existing, child, [...path, field]) : child);
    }
    const positional =
      left.positional && right.positional
        ? mergeNodes(left.positional, right.positional, [...path, '$'])
        : (left.positional ?? right.positional);
    return { type: 'object', children, positional };
  }
  if (left.type === 'array' && right.type === 'array') {
    const children = new Map(left.children);
    for (const [identifier, child] of right.children) {
      const existing = children.get(identifier);
      children.set(identifier, existing ? mergeNodes(existing, child, [...path, `$[${identifier}]`]) : child);
    }
    return { type: 'array', children };
  }
  throw new MongoCommandError('ConflictingUpdateOperators', `Update created a conflict at '${path.join('.')}'`);
}

/** Operators that create their path when it is missing. */
const CREATING_OPERATORS = new Set([
  '$set',
  '$setOnInsert',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$currentDate',
  '$push',
  '$addToSet',
  '$bit',
  '$rename',
]);

function applyLeaf(leaf: LeafNode, element: Element, taken: string[], toCreate: string[], state: ApplyState): void {
  if (leaf.operator === '$setOnInsert' && !state.inserting) return;
  if (leaf.operator === '$renameSource') return;
  if (leaf.operator === '$rename') {
    applyRename(leaf, element, taken, toCreate, state);
    return;
  }
  if (toCreate.length > 0) {
    if (CREATING_OPERATORS.has(leaf.operator)) {
      createPath(element, toCreate, newValue(leaf, state));
    } else if (leaf.operator === '$pop') {
      checkViability(element, taken, toCreate);
    }
    return;
  }
  const replacement = updateExisting(leaf, element, taken, state);
  if (replacement !== KEEP) setValue(element, replacement);
}

const KEEP: unique symbol = Symbol('keep');
const REMOVE: unique symbol = Symbol('remove');

function setValue(element: Element, written: unknown): void {
  const { container, key } = element;
  // Arguments are shared by every document an update touches; each gets its own copy.
  const value = written === REMOVE ? written : cloneValue(written);
  if (Array.isArray(container)) container[Number(key)] = value === REMOVE ? null : value;
  else if (container) {
    if (value === REMOVE) delete container[key];
    else container[key] = value;
  }
}

/** Creates the missing `path` under `element` holding `value`, as mongod's createPathAt does. */
function createPath(element: Element, path: string[], value: unknown): void {
  const [first] = path as [string];
  const notViable = (): MongoCommandError =>
    new MongoCommandError(
      'PathNotViable',
      `Cannot create field '${first}' in element {${renderElement(element.key, element.value)}}`,
    );
  let built: unknown = cloneValue(value);
  for (let i = path.length - 1; i >= 1; i--) built = { [path[i] as string]: built };
  if (isDocument(element.value)) {
    element.value[first] = built;
    return;
  }
  if (!Array.isArray(element.value) || !/^\d+$/.test(first)) throw notViable();
  const index = Number(first);
  if (index - element.value.length > MAX_ARRAY_PADDING)
    throw badValue(`can't backfill more than ${MAX_ARRAY_PADDING} elements`);
  while (element.value.length < index) element.value.push(null);
  element.value[index] = built;
}

/** `$pop` on a path that cannot exist fails; on one that merely does not, nothing happens. */
function checkViability(element: Element, taken: string[], toCreate: string[]): void {
  if (isDocument(element.value)) return;
  if (Array.isArray(element.value) && /^\d+$/.test(toCreate[0] as string)) return;
  throw new MongoCommandError(
    'PathNotViable',
    `Cannot use the part (${toCreate[0]}) of (${[...taken, ...toCreate].join('.')}) to traverse the element ({${renderElement(element.key, element.value)}})`,
  );
}

/** The value an operator writes where nothing was. */
function newValue(leaf: LeafNode, state: ApplyState): unknown {
  switch (leaf.operator) {
    case '$inc':
      return leaf.argument;
    case '$mul':
      return multiply(leaf.argument, 0) ?? 0;
    case '$currentDate':
      return currentDate(leaf.argument, state.now);
    case '$push':
      return pushInto([], leaf.push as PushClauses, state);
    case '$addToSet':
      return [...(leaf.addToSet as unknown[])];
    case '$bit':
      return parseBit(leaf.argument).reduce<unknown>(
        (value, [operation, operand]) => bitwise(value, operation, operand),
        0,
      );
    default:
      return leaf.argument;
  }
}

function currentDate(argument: unknown, now: Date): unknown {
  return currentDateType(argument) === 'timestamp'
    ? new Timestamp({ t: Math.floor(now.getTime() / 1000), i: 1 })
    : new Date(now.getTime());
}

function fieldPath(taken: string[]): string {
  return taken.join('.');
}

/** The new value for an existing element, KEEP when unchanged, REMOVE to delete it. */
function updateExisting(leaf: LeafNode, element: Element, taken: string[], state: ApplyState): unknown {
  const { value } = element;
  const id = renderIdOf(state.root);
  const collator = state.parsed.collator;
  switch (leaf.operator) {
    case '$set':
    case '$setOnInsert':
      return leaf.argument;
    case '$unset':
      return REMOVE;
    case '$inc':
    case '$mul': {
      if (!isNumeric(value)) {
        throw new MongoCommandError(
          'TypeMismatch',
          `Cannot apply ${leaf.operator} to a value of non-numeric type. {${id}} has the field '${element.key}' of non-numeric type ${bsonTypeOf(value)}`,
        );
      }
      const result = leaf.operator === '$inc' ? add(value, leaf.argument) : multiply(value, leaf.argument);
      if (result === undefined)
        throw badValue(
          `Failed to apply ${leaf.operator} operations to current value (${debugNumber(value)}) for document {${id}}`,
        );
      return result;
    }
    case '$min':
    case '$max': {
      const order = compareValues(value, leaf.argument, collator);
      if (order === 0 || (leaf.operator === '$max') === order > 0) return KEEP;
      return leaf.argument;
    }
    case '$currentDate':
      return currentDate(leaf.argument, state.now);
    case '$push':
      if (!Array.isArray(value)) {
        throw badValue(
          `The field '${fieldPath(taken)}' must be an array but is of type ${bsonTypeOf(value)} in document {${id}}`,
        );
      }
      return pushInto(value, leaf.push as PushClauses, state);
    case '$addToSet': {
      if (!Array.isArray(value)) {
        throw badValue(
          `Cannot apply $addToSet to non-array field. Field named '${element.key}' has non-array type ${bsonTypeOf(value)}`,
        );
      }
      const missing = (leaf.addToSet as unknown[]).filter(
        (candidate) => !value.some((existing) => valuesEqual(existing, candidate, collator)),
      );
      return missing.length === 0 ? KEEP : [...(value as unknown[]), ...missing];
    }
    case '$pop': {
      if (!Array.isArray(value)) {
        throw new MongoCommandError(
          'TypeMismatch',
          `Path '${fieldPath(taken)}' contains an element of non-array type '${bsonTypeOf(value)}'`,
        );
      }
      if (value.length === 0) return KEEP;
      return toNumber(leaf.argument) === -1 ? value.slice(1) : value.slice(0, -1);
    }
    case '$pull':
    case '$pullAll': {
      if (!Array.isArray(value)) throw badValue('Cannot apply $pull to a non-array value');
      const remove =
        leaf.operator === '$pull'
          ? (leaf.pullMatcher as (element: unknown) => boolean)
          : (candidate: unknown) =>
              (leaf.argument as unknown[]).some((unwanted) => compareValues(candidate, unwanted, collator) === 0);
      const kept = value.filter((candidate) => !remove(candidate));
      return kept.length === value.length ? KEEP : kept;
    }
    case '$bit': {
      const type = bsonTypeOf(value);
      if (type !== 'int' && type !== 'long') {
        throw badValue(
          `Cannot apply $bit to a value of non-integral type.{${id}} has the field ${element.key} of non-integer type ${type}`,
        );
      }
      return parseBit(leaf.argument).reduce<unknown>(
        (current, [operation, operand]) => bitwise(current, operation, operand),
        value,
      );
    }
    default:
      return KEEP;
  }
}

function pushInto(array: unknown[], clauses: PushClauses, state: ApplyState): unknown[] {
  const result = [...array];
  const position = clauses.position ?? result.length;
  const at = position >= 0 ? Math.min(position, result.length) : Math.max(0, result.length + position);
  result.splice(at, 0, ...clauses.values);
  if (clauses.sort) {
    const sort = clauses.sort;
    const collator = state.parsed.collator;
    result.sort((a, b) =>
      'whole' in sort ? sort.whole * compareValues(a, b, collator) : comparePattern(a, b, sort.fields, collator),
    );
  }
  if (clauses.slice !== undefined) {
    const limit = Math.abs(clauses.slice);
    if (result.length > limit) return clauses.slice >= 0 ? result.slice(0, limit) : result.slice(result.length - limit);
  }
  return result;
}

/** `$push`'s `$sort: { field: 1 }`: elements compare by those fields, a missing one counting as null. */
function comparePattern(
  a: unknown,
  b: unknown,
  fields: Array<[string[], number]>,
  collator: StringComparator | undefined,
): number {
  for (const [parts, direction] of fields) {
    const order = compareValues(fieldValue(a, parts), fieldValue(b, parts), collator);
    if (order !== 0) return order * direction;
  }
  return 0;
}

function fieldValue(value: unknown, parts: string[]): unknown {
  let current = value;
  for (const part of parts) {
    if (isDocument(current)) current = Object.hasOwn(current, part) ? current[part] : undefined;
    else if (Array.isArray(current) && /^\d+$/.test(part)) current = current[Number(part)];
    else current = undefined;
    if (current === undefined) return null;
  }
  return current;
}

// ---------------------------------------------------------------------------------------------
// $rename

function applyRename(leaf: LeafNode, element: Element, taken: string[], toCreate: string[], state: ApplyState): void {
  const fromParts = leaf.renameFrom as string[];
  const source = findRenameSource(state.root, fromParts);
  if (!source) return;
  const destination = [...taken, ...toCreate].join('.');
  if (Array.isArray(element.value) || (toCreate.length === 0 && Array.isArray(element.container))) {
    throw badValue(
      `The destination field cannot be an array element, '${destination}' in doc with ${renderIdOf(state.root)} has an array field called '${element.key}'`,
    );
  }
  setValue(source, REMOVE);
  if (toCreate.length === 0) setValue(element, source.value);
  else createPath(element, toCreate, source.value);
}

/**
 * The element `$rename` moves, or undefined when the source does not exist. Like mongod, a path that cannot
 * be walked fails with PathNotViable, and a source inside an array is refused.
 */
function findRenameSource(root: Document, parts: string[]): Element | undefined {
  let current: Element = { value: root, container: undefined, key: '' };
  let arrayOnPath: string | undefined;
  for (const part of parts) {
    const walkable = isDocument(current.value) || (Array.isArray(current.value) && /^\d+$/.test(part));
    if (!walkable) {
      throw new MongoCommandError(
        'PathNotViable',
        `cannot use the part (${current.key} of ${parts.join('.')}) to traverse the element ({${renderElement(current.key, current.value)}})`,
      );
    }
    if (Array.isArray(current.value)) arrayOnPath ??= current.key;
    const next = childElement(current, part);
    if (!next) return undefined;
    current = next;
  }
  if (arrayOnPath !== undefined) {
    throw badValue(
      `The source field cannot be an array element, '${parts.join('.')}' in doc with ${renderIdOf(root)} has an array field called '${arrayOnPath}'`,
    );
  }
  return current;
}

// ---------------------------------------------------------------------------------------------
// Numbers, as mongod's SafeNum adds and multiplies them

type NumberKind = 'int' | 'long' | 'double' | 'decimal';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function kindOf(value: unknown): NumberKind {
  return bsonTypeOf(value) as NumberKind;
}

function bigOf(value: unknown): bigint {
  return value instanceof Long ? value.toBigInt() : BigInt(toNumber(value));
}

function fromBig(result: bigint, kind: 'int' | 'long'): unknown {
  if (kind === 'int' && result >= -(2n ** 31n) && result < 2n ** 31n) return Number(result);
  if (result < INT64_MIN || result > INT64_MAX) return undefined;
  return Long.fromBigInt(result);
}

/** int + int stays int unless it overflows into long; long overflow fails; a double makes a double. */
function add(a: unknown, b: unknown): unknown {
  return arithmetic(
    a,
    b,
    (x, y) => x + y,
    (x, y) => x + y,
  );
}

function multiply(a: unknown, b: unknown): unknown {
  return arithmetic(
    a,
    b,
    (x, y) => x * y,
    (x, y) => x * y,
  );
}

function arithmetic(
  a: unknown,
  b: unknown,
  onNumbers: (x: number, y: number) => number,
  onIntegers: (x: bigint, y: bigint) => bigint,
): unknown {
  const kinds = [kindOf(a), kindOf(b)];
  if (kinds.includes('decimal') || kinds.includes('double')) return makeDouble(onNumbers(toNumber(a), toNumber(b)));
  const kind = kinds.includes('long') ? 'long' : 'int';
  const result = onIntegers(bigOf(a), bigOf(b));
  if (kind === 'int' && (result < -(2n ** 31n) || result >= 2n ** 31n)) return fromBig(result, 'long');
  return fromBig(result, kind);
}

function bitwise(current: unknown, operation: 'and' | 'or' | 'xor', operand: unknown): unknown {
  const x = bigOf(current);
  const y = bigOf(operand);
  const result = operation === 'and' ? x & y : operation === 'or' ? x | y : x ^ y;
  const kind = kindOf(current) === 'long' || kindOf(operand) === 'long' ? 'long' : 'int';
  return fromBig(kind === 'long' ? BigInt.asIntN(64, result) : BigInt.asIntN(32, result), kind);
}

/** How mongod names a number in arithmetic errors: `(NumberLong)9223372036854775807`. */
function debugNumber(value: unknown): string {
  const names: Record<NumberKind, string> = {
    int: 'NumberInt',
    long: 'NumberLong',
    double: 'NumberDouble',
    decimal: 'NumberDecimal',
  };
  return `(${names[kindOf(value)]})${renderValue(value)}`;
}

// ---------------------------------------------------------------------------------------------
// Upserts

/** The document an upsert inserts: the filter's equality fields, then the update (with `$setOnInsert`). */
export function upsertDocument(filter: Document, parsed: ParsedUpdate, now?: Date): Document {
  const seed: Document = {};
  if (parsed.kind === 'replacement') {
    if ('_id' in filter && !isOperatorObject(filter['_id'])) seed['_id'] = filter['_id'];
  } else {
    for (const [path, value] of Object.entries(filterEqualities(filter))) setPath(seed, path, value);
  }
  const context: UpdateContext = { inserting: true, ...(now ? { now } : {}) };
  return withId(updatedDocument(seed, parsed, context));
}

function setPath(doc: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let current: Document = doc;
  for (const part of parts.slice(0, -1)) {
    if (!isDocument(current[part])) current[part] = {};
    current = current[part] as Document;
  }
  current[parts[parts.length - 1] as string] = cloneValue(value);
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
