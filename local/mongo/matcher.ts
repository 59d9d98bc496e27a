/**
 * Query filters with mongod's semantics: dotted paths that reach into arrays, type bracketing of
 * comparisons, null matching missing fields, collation on strings, and the array position a match went
 * through (what the positional `$` of updates and projections refers to). Aggregation expressions inside
 * `$expr` are evaluated by mingo.
 */
// mingo/query's Query, not mingo's: that one merges its built-in operators over the context it is given.
import { Query } from 'mingo/query';
import { MINGO_CONTEXT, validateExpression } from './engine';
import { isDocument } from './document';
import type { Document } from './document';
import { MongoCommandError } from './errors';
import { plainNumbers } from './numbers';
import { compileRegex, linearRegExp } from './regex';
import { bsonTypeOf, canonicalRank, compareValues, isNumeric, renderValue, toNumber, TYPE_NUMBERS } from './values';
import type { BsonTypeName, StringComparator } from './values';

/** A field a path does not reach. */
export const MISSING: unique symbol = Symbol('missing');

/** What a match went through: the index in the first array on the matched path (`$` in updates and projections). */
export interface MatchDetails {
  elemMatchKey?: string | undefined;
}

export interface Matcher {
  test(doc: Document, details?: MatchDetails): boolean;
}

export interface MatchOptions {
  collator?: StringComparator | undefined;
  /** Where the filter comes from: `$where` and `$text` are refused differently in a pipeline. */
  context?: 'query' | 'pipeline';
}

type Node = (doc: Document, details: MatchDetails | undefined) => boolean;
type ValueTest = (value: unknown, details: MatchDetails | undefined) => boolean;

interface PathValue {
  value: unknown;
  /** The index taken in the first array on the path, if any. */
  offset: string | undefined;
}

const badValue = (message: string): MongoCommandError => new MongoCommandError('BadValue', message);

export function compileFilter(filter: Document, options: MatchOptions = {}): Matcher {
  const node = compileDocument(filter, options);
  return { test: (doc, details) => node(doc, details) };
}

/** A document of conditions: every field and top-level operator must hold. */
function compileDocument(filter: Document, options: MatchOptions): Node {
  const nodes: Node[] = [];
  for (const [field, condition] of Object.entries(filter)) {
    if (field.startsWith('$')) {
      const node = compileTopLevel(field, condition, options);
      if (node) nodes.push(node);
    } else {
      nodes.push(compileField(field, condition, options));
    }
  }
  return all(nodes);
}

function all(nodes: Node[]): Node {
  if (nodes.length === 1) return nodes[0] as Node;
  return (doc, details) => nodes.every((node) => node(doc, details));
}

function not(node: Node): Node {
  // A negation never records a position: nothing matched inside it.
  return (doc) => !node(doc, undefined);
}

function compileTopLevel(operator: string, argument: unknown, options: MatchOptions): Node | undefined {
  switch (operator) {
    case '$and':
    case '$or':
    case '$nor': {
      if (!Array.isArray(argument) || argument.length === 0) throw badValue('$and/$or/$nor must be a nonempty array');
      const clauses = argument.map((clause) => {
        if (!isDocument(clause)) throw badValue('$or/$and/$nor entries need to be full objects');
        return compileDocument(clause, options);
      });
      if (operator === '$and') return all(clauses);
      if (operator === '$or') return (doc, details) => clauses.some((clause) => clause(doc, details));
      return (doc) => !clauses.some((clause) => clause(doc, undefined));
    }
    case '$expr':
      // mingo's expressions compare strings by code point; refusing beats silently ignoring the collation.
      if (options.collator)
        throw badValue('$expr under a non-simple collation is not supported by the embedded MongoDB server');
      validateExpression(argument);
      return compileExpr(argument);
    case '$comment':
      return undefined;
    case '$alwaysTrue':
      return () => true;
    case '$alwaysFalse':
      return () => false;
    case '$where':
      // What a mongod started with --noscripting answers: server-side JavaScript is never run here.
      if (options.context === 'pipeline') throw badValue('$where is not allowed in this context');
      throw new MongoCommandError('Location6108304', 'no globalScriptEngine in $where parsing');
    case '$text':
      // A $text query needs a text index, and text indexes cannot be created here.
      throw new MongoCommandError('IndexNotFound', 'text index required for $text query');
    case '$jsonSchema':
    case '$sampleRate':
      throw badValue(`${operator} is not supported by the embedded MongoDB server`);
    default:
      throw badValue(
        `unknown top level operator: ${operator}. If you have a field name that starts with a '$' symbol, consider using $getField or $setField.`,
      );
  }
}

/** `$expr` evaluates an aggregation expression against the whole document. */
function compileExpr(expression: unknown): Node {
  let query: Query;
  try {
    query = new Query({ $expr: expression }, { scriptEnabled: false, context: MINGO_CONTEXT });
  } catch (error) {
    throw badValue((error as Error).message);
  }
  return (doc) => {
    try {
      return query.test(plainNumbers(doc) as Document);
    } catch (error) {
      throw badValue((error as Error).message);
    }
  };
}

/** True when an object is a set of operators (`{ $gt: 1 }`) rather than a document to compare with. */
export function isOperatorObject(value: unknown): value is Document {
  if (!isDocument(value)) return false;
  const [first] = Object.keys(value);
  // {$ref, $id} is a DBRef literal, not an operator.
  return first !== undefined && first.startsWith('$') && first !== '$ref' && first !== '$id' && first !== '$db';
}

function compileField(path: string, condition: unknown, options: MatchOptions): Node {
  const parts = path.split('.');
  if (condition instanceof RegExp) return leaf(parts, true, regexTest(condition));
  if (!isOperatorObject(condition)) return leaf(parts, true, equalityTest(condition, options.collator));
  return compileOperators(parts, condition, options);
}

/**
 * The operators of one field condition, e.g. `{ $gte: 1, $lt: 5 }`. `expand` is false only for `$elemMatch`
 * on values, which tests each element as it is, without looking into nested arrays.
 */
function compileOperators(parts: string[], condition: Document, options: MatchOptions, expand = true): Node {
  const nodes: Node[] = [];
  const { collator } = options;
  for (const [operator, argument] of Object.entries(condition)) {
    switch (operator) {
      case '$eq':
        nodes.push(leaf(parts, expand, equalityTest(argument, collator)));
        break;
      case '$ne':
        nodes.push(not(leaf(parts, expand, equalityTest(argument, collator))));
        break;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        if (argument instanceof RegExp)
          throw badValue(`Can't have RegEx as arg to predicate over field '${parts.join('.')}'.`);
        nodes.push(leaf(parts, expand, comparisonTest(operator, argument, collator)));
        break;
      case '$in':
        nodes.push(leaf(parts, expand, inTest(operator, argument, collator)));
        break;
      case '$nin':
        nodes.push(not(leaf(parts, expand, inTest(operator, argument, collator))));
        break;
      case '$exists': {
        const exists = leaf(parts, expand, (value) => value !== MISSING);
        nodes.push(truthy(argument) ? exists : not(exists));
        break;
      }
      case '$type':
        nodes.push(leaf(parts, expand, typeTest(argument)));
        break;
      case '$size':
        nodes.push(leaf(parts, false, sizeTest(argument)));
        break;
      case '$all':
        nodes.push(allTest(parts, argument, options));
        break;
      case '$elemMatch':
        nodes.push(leaf(parts, false, elemMatchTest(argument, options)));
        break;
      case '$regex':
        nodes.push(leaf(parts, expand, regexTest(compileRegex(argument, condition['$options']))));
        break;
      case '$options':
        if (!('$regex' in condition)) throw badValue('$options needs a $regex');
        break;
      case '$mod':
        nodes.push(leaf(parts, expand, modTest(argument)));
        break;
      case '$not':
        nodes.push(not(compileNot(parts, argument, options, expand)));
        break;
      case '$bitsAllSet':
      case '$bitsAllClear':
      case '$bitsAnySet':
      case '$bitsAnyClear':
        nodes.push(leaf(parts, expand, bitsTest(operator, argument)));
        break;
      case '$geoWithin':
      case '$geoIntersects':
      case '$within':
        throw badValue(`${operator} is not supported by the embedded MongoDB server: it has no geospatial support`);
      case '$near':
      case '$nearSphere':
        // What mongod answers when no geospatial index exists, which is always the case here.
        throw new MongoCommandError(
          'NoQueryExecutionPlans',
          'error processing query: planner returned error :: caused by :: unable to find index for $geoNear query',
        );
      case '$comment':
        break;
      default:
        throw badValue(`unknown operator: ${operator}`);
    }
  }
  return all(nodes);
}

function compileNot(parts: string[], argument: unknown, options: MatchOptions, expand: boolean): Node {
  if (argument instanceof RegExp) return leaf(parts, expand, regexTest(argument));
  if (!isDocument(argument)) throw badValue('$not needs a regex or a document');
  if (Object.keys(argument).length === 0) throw badValue('$not cannot be empty');
  return compileOperators(parts, argument, options, expand);
}

/** mongod's truthiness of an argument: false, 0 and null are false. */
function truthy(value: unknown): boolean {
  if (value === false || value === null || value === undefined) return false;
  if (isNumeric(value)) return toNumber(value) !== 0;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Paths

/** A condition on one path: true when any value the path reaches passes `test`. */
function leaf(parts: string[], expandLeafArrays: boolean, test: ValueTest): Node {
  return (doc, details) => {
    for (const { value, offset } of valuesAlongPath(doc, parts, expandLeafArrays)) {
      if (!test(value, details)) continue;
      if (details && offset !== undefined) details.elemMatchKey = offset;
      return true;
    }
    return false;
  };
}

function isArrayIndex(part: string): boolean {
  return /^(0|[1-9]\d*)$/.test(part);
}

/** A DBRef is a document with $ref, $id and $db fields to a query; bson decodes it into a class. */
function asDocument(value: unknown): Document | undefined {
  if (isDocument(value)) return value;
  if (typeof value === 'object' && value !== null && (value as { _bsontype?: unknown })._bsontype === 'DBRef') {
    return (value as { toJSON(): Document }).toJSON();
  }
  return undefined;
}

function lookup(container: unknown, part: string): unknown {
  if (Array.isArray(container)) return isArrayIndex(part) ? container[Number(part)] : undefined;
  const doc = asDocument(container);
  return doc && Object.hasOwn(doc, part) ? doc[part] : undefined;
}

/**
 * Every value a dotted path reaches, as mongod's matcher walks it: through embedded documents, into each
 * document of an array (and by position for numeric parts), and, when the path ends on an array, each of its
 * elements followed by the array itself. A path that stops short yields MISSING.
 */
export function valuesAlongPath(doc: unknown, parts: string[], expandLeafArrays: boolean): PathValue[] {
  const found: PathValue[] = [];
  collect(doc, parts, 0, expandLeafArrays, undefined, found);
  return found;
}

function collect(
  container: unknown,
  parts: string[],
  start: number,
  expand: boolean,
  offset: string | undefined,
  found: PathValue[],
): void {
  let i = start;
  let value = lookup(container, parts[i] as string);
  i += 1;
  while (value !== undefined && !Array.isArray(value) && i < parts.length) {
    value = lookup(value, parts[i] as string);
    i += 1;
  }
  if (value === undefined) {
    found.push({ value: MISSING, offset });
    return;
  }
  if (i === parts.length) {
    if (Array.isArray(value) && expand)
      value.forEach((element, k) => found.push({ value: element, offset: offset ?? String(k) }));
    found.push({ value, offset });
    return;
  }
  // An array in the middle of the path: look into each element.
  const part = parts[i] as string;
  const position = isArrayIndex(part) ? Number(part) : undefined;
  (value as unknown[]).forEach((element, k) => {
    const elementOffset = offset ?? String(k);
    if (position === k) {
      if (i + 1 === parts.length) found.push({ value: element, offset: elementOffset });
      else if (isDocument(element) || Array.isArray(element))
        collect(element, parts, i + 1, expand, elementOffset, found);
    }
    if (isDocument(element)) collect(element, parts, i, expand, elementOffset, found);
  });
}

// ---------------------------------------------------------------------------------------------
// Value tests

function isNullish(value: unknown): boolean {
  return value === MISSING || value === null || value === undefined;
}

/** `{ a: v }` and `$eq`: null also matches a missing field; otherwise the values must compare equal. */
export function equalityTest(expected: unknown, collator: StringComparator | undefined): ValueTest {
  if (expected === null) return (value) => isNullish(value);
  return (value) =>
    value !== MISSING &&
    canonicalRank(value) === canonicalRank(expected) &&
    compareValues(value, expected, collator) === 0;
}

type ComparisonOperator = '$gt' | '$gte' | '$lt' | '$lte';

/** Comparisons only hold between values of the same canonical type (with null/undefined and MinKey/MaxKey exceptions). */
function comparisonTest(
  operator: ComparisonOperator,
  expected: unknown,
  collator: StringComparator | undefined,
): ValueTest {
  const inclusive = operator === '$gte' || operator === '$lte';
  const expectedType = bsonTypeOf(expected);
  return (raw) => {
    const value = raw === MISSING ? null : raw;
    const valueRank = canonicalRank(value);
    const expectedRank = canonicalRank(expected);
    if (valueRank !== expectedRank) {
      // null and undefined are interchangeable (their ranks, 5 and 0, are the only pair adding up to 5).
      if (valueRank + expectedRank === 5) return inclusive;
      if (expectedType === 'maxKey') return operator === '$lt' || operator === '$lte';
      if (expectedType === 'minKey') return operator === '$gt' || operator === '$gte';
      return false;
    }
    if (isNumeric(value) && (Number.isNaN(toNumber(value)) || Number.isNaN(toNumber(expected)))) {
      return inclusive && Number.isNaN(toNumber(value)) && Number.isNaN(toNumber(expected));
    }
    const order = compareValues(value, expected, collator);
    switch (operator) {
      case '$gt':
        return order > 0;
      case '$gte':
        return order >= 0;
      case '$lt':
        return order < 0;
      default:
        return order <= 0;
    }
  };
}

function inTest(operator: '$in' | '$nin', argument: unknown, collator: StringComparator | undefined): ValueTest {
  if (!Array.isArray(argument)) throw badValue(`${operator} needs an array`);
  const tests = argument.map((candidate) => {
    if (isOperatorObject(candidate)) throw badValue(`cannot nest $ under ${operator}`);
    return candidate instanceof RegExp ? regexTest(candidate) : equalityTest(candidate, collator);
  });
  return (value, details) => tests.some((test) => test(value, details));
}

/**
 * A regex matches strings and symbols by pattern, in linear time (regex.ts), and regex values equal to itself.
 * Every pattern a filter holds is tested here: `$regex`, RegExp values, `$in`, `$nin`, `$all`, `$not`, and so
 * `$elemMatch`, `$pull` conditions and array filters too.
 */
function regexTest(regex: RegExp): ValueTest {
  const linear = linearRegExp(regex);
  return (value) => {
    if (typeof value === 'string') return linear.test(value);
    const type = bsonTypeOf(value);
    if (type === 'symbol') return linear.test(String((value as { value: string }).value));
    if (type === 'regex') return (value as RegExp).source === regex.source && (value as RegExp).flags === regex.flags;
    return false;
  };
}

const TYPE_ALIASES = new Set<string>([...Object.keys(TYPE_NUMBERS), 'number']);

function typeTest(argument: unknown): ValueTest {
  const requested = (Array.isArray(argument) ? argument : [argument]).map(typeName);
  return (value) =>
    value !== MISSING && requested.some((type) => (type === 'number' ? isNumeric(value) : bsonTypeOf(value) === type));
}

function typeName(argument: unknown): BsonTypeName | 'number' {
  if (typeof argument === 'string') {
    if (!TYPE_ALIASES.has(argument)) throw badValue(`Unknown type name alias: ${argument}`);
    return argument as BsonTypeName | 'number';
  }
  if (isNumeric(argument)) {
    const code = toNumber(argument);
    const name = (Object.keys(TYPE_NUMBERS) as BsonTypeName[]).find((type) => TYPE_NUMBERS[type] === code);
    if (!name) throw badValue(`Invalid numerical type code: ${renderValue(argument)}`);
    return name;
  }
  throw new MongoCommandError('TypeMismatch', 'type must be represented as a number or a string');
}

function sizeTest(argument: unknown): ValueTest {
  if (!isNumeric(argument)) throw badValue('$size needs a number');
  const size = toNumber(argument);
  if (!Number.isInteger(size)) throw badValue('$size must be a whole number');
  return (value) => Array.isArray(value) && value.length === size;
}

function allTest(parts: string[], argument: unknown, options: MatchOptions): Node {
  if (!Array.isArray(argument)) throw badValue('$all needs an array');
  if (argument.length === 0) return () => false;
  const elemMatches = argument.filter((value) => isDocument(value) && Object.keys(value)[0] === '$elemMatch');
  if (elemMatches.length > 0 && elemMatches.length !== argument.length)
    throw badValue('$all/$elemMatch has to be consistent');
  if (elemMatches.length > 0) {
    return all(
      elemMatches.map((value) => leaf(parts, false, elemMatchTest((value as Document)['$elemMatch'], options))),
    );
  }
  return all(
    argument.map((value) => {
      if (isOperatorObject(value)) throw badValue('no $ expressions in $all');
      return leaf(parts, true, value instanceof RegExp ? regexTest(value) : equalityTest(value, options.collator));
    }),
  );
}

/** Operators that make an `$elemMatch` test each element itself rather than fields of element documents. */
const LOGICAL_OPERATORS = new Set([
  '$and',
  '$or',
  '$nor',
  '$expr',
  '$where',
  '$text',
  '$comment',
  '$jsonSchema',
  '$alwaysTrue',
  '$alwaysFalse',
]);

function elemMatchTest(argument: unknown, options: MatchOptions): ValueTest {
  if (!isDocument(argument)) throw badValue('$elemMatch needs an Object');
  const [first] = Object.keys(argument);
  const onValues = first !== undefined && first.startsWith('$') && !LOGICAL_OPERATORS.has(first);
  if (onValues) {
    // Each element is tested as the value of a one-field document.
    const node = compileOperators(['element'], argument, options, false);
    return (value, details) => matchElements(value, details, (element) => node({ element: element }, undefined), false);
  }
  const node = compileDocument(argument, options);
  return (value, details) => matchElements(value, details, (element) => node(element as Document, undefined), true);
}

function matchElements(
  value: unknown,
  details: MatchDetails | undefined,
  test: (element: unknown) => boolean,
  documentsOnly: boolean,
): boolean {
  if (!Array.isArray(value)) return false;
  for (const [k, element] of value.entries()) {
    if (documentsOnly && !isDocument(element) && !Array.isArray(element)) continue;
    if (!test(element)) continue;
    if (details) details.elemMatchKey = String(k);
    return true;
  }
  return false;
}

function modTest(argument: unknown): ValueTest {
  if (!Array.isArray(argument)) throw badValue('malformed mod, needs to be an array');
  if (argument.length < 2) throw badValue('malformed mod, not enough elements');
  if (argument.length > 2) throw badValue('malformed mod, too many elements');
  const [divisorArgument, remainderArgument] = argument as [unknown, unknown];
  if (!isNumeric(divisorArgument)) throw badValue('malformed mod, divisor not a number');
  if (!isNumeric(remainderArgument)) throw badValue('malformed mod, remainder not a number');
  const divisor = Math.trunc(toNumber(divisorArgument));
  const remainder = Math.trunc(toNumber(remainderArgument));
  if (divisor === 0) throw badValue('divisor cannot be 0');
  return (value) => {
    if (!isNumeric(value)) return false;
    const number = toNumber(value);
    return Number.isFinite(number) && Math.trunc(number) % divisor === remainder;
  };
}

/** `$bitsAllSet` and friends: a mask (number), bit positions (array) or bytes (binData). */
function bitsTest(operator: string, argument: unknown): ValueTest {
  const mask = bitMask(operator, argument);
  return (value) => {
    const bits = valueBits(value);
    if (bits === undefined) return false;
    const set = bits & mask;
    switch (operator) {
      case '$bitsAllSet':
        return set === mask;
      case '$bitsAnySet':
        return set !== 0n;
      case '$bitsAllClear':
        return set === 0n;
      default:
        return set !== mask;
    }
  };
}

function bitMask(operator: string, argument: unknown): bigint {
  if (Array.isArray(argument)) {
    return argument.reduce<bigint>((mask, position) => {
      if (!isNumeric(position) || !Number.isInteger(toNumber(position)) || toNumber(position) < 0) {
        throw badValue(`bit positions must be an integer but got: ${renderValue(position)}`);
      }
      return mask | (1n << BigInt(toNumber(position)));
    }, 0n);
  }
  if (isNumeric(argument)) {
    const number = toNumber(argument);
    if (!Number.isInteger(number) || number < 0)
      throw badValue(`${operator} cannot take a negative or non-integral number: ${renderValue(argument)}`);
    return BigInt(number);
  }
  const bits = bsonTypeOf(argument) === 'binData' ? valueBits(argument) : undefined;
  if (bits === undefined)
    throw badValue(`${operator} takes an Array, a number, or a BinData but received: ${renderValue(argument)}`);
  return bits;
}

/** Integral numbers as two's complement bits; binData bytes little-endian, as mongod reads them. */
function valueBits(value: unknown): bigint | undefined {
  const type = bsonTypeOf(value);
  if (type === 'binData') {
    const bytes = (value as { buffer: Uint8Array }).buffer;
    let bits = 0n;
    for (let i = bytes.length - 1; i >= 0; i--) bits = (bits << 8n) | BigInt(bytes[i] as number);
    return bits;
  }
  if (!isNumeric(value)) return undefined;
  const number = toNumber(value);
  if (!Number.isInteger(number)) return undefined;
  return BigInt.asUintN(64, BigInt(number));
}

/** The equality test an update's `$pull` and `$addToSet` use for a plain value. */
export function valueMatcher(condition: unknown, options: MatchOptions): (value: unknown) => boolean {
  if (condition instanceof RegExp) {
    const test = regexTest(condition);
    return (value) => test(value, undefined);
  }
  const node = compileOperators(['value'], condition as Document, options);
  return (value) => node({ value: value }, undefined);
}
