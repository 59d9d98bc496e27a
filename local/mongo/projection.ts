/**
 * find() projections with mongod's (4.4+) rules: inclusion or exclusion decided as mongod decides it
 * (a `$slice`-only projection keeps every other field), `$slice` and the positional `arr.$` applied to the
 * projected document in place, `$elemMatch` added after the included fields, and aggregation expressions
 * evaluated by mingo.
 */
import { isDocument } from './document';
import type { Document } from './document';
import { MongoCommandError } from './errors';
import { compileFilter } from './matcher';
import type { MatchDetails, Matcher, MatchOptions } from './matcher';
import { validateExpression } from './engine';
import { evaluateExpression } from './pipeline';
import { bsonTypeOf, isNumeric, renderValue, toNumber } from './values';

type ProjectionNode =
  | { kind: 'include' }
  | { kind: 'exclude' }
  | { kind: 'expression'; expression: unknown }
  | { kind: 'slice'; skip: number | undefined; limit: number }
  | { kind: 'elemMatch'; matcher: Matcher }
  | { kind: 'positional' }
  | PathNode;

interface PathNode {
  kind: 'path';
  children: Map<string, ProjectionNode>;
}

/** Turns a stored document into what the client sees. */
export type Projector = (doc: Document) => Document;

interface ParseContext {
  filter: Document;
  matchOptions: MatchOptions;
  type: 'inclusion' | 'exclusion' | undefined;
  hasPositional: boolean;
  hasElemMatch: boolean;
  hasSlice: boolean;
  idSpecified: boolean;
  idIncluded: boolean;
  idExcluded: boolean;
  /** `$slice` and positional nodes, applied to the projected document afterwards. */
  postImage: Array<{ parts: string[]; node: ProjectionNode }>;
}

const fail = (code: `Location${number}`, message: string): MongoCommandError => new MongoCommandError(code, message);

/**
 * Compiles a find projection; undefined when there is none. `filter` is the query, which the positional
 * projection re-runs on each document to learn which array element matched.
 */
export function compileProjection(
  spec: Document | undefined,
  filter: Document,
  matchOptions: MatchOptions = {},
): Projector | undefined {
  if (!spec || Object.keys(spec).length === 0) return undefined;
  const context: ParseContext = {
    filter,
    matchOptions,
    type: undefined,
    hasPositional: false,
    hasElemMatch: false,
    hasSlice: false,
    idSpecified: false,
    idIncluded: false,
    idExcluded: false,
    postImage: [],
  };
  const root: PathNode = { kind: 'path', children: new Map() };
  for (const [field, value] of Object.entries(spec)) {
    context.idSpecified ||= field === '_id' || field.startsWith('_id.');
    parseElement(context, field, value, [], root);
  }
  const type = context.type ?? defaultType(context);
  if (type === 'inclusion' && !context.idSpecified) root.children.set('_id', { kind: 'include' });
  if (type === 'exclusion' && context.idIncluded) root.children.delete('_id');

  const positionalMatcher = context.hasPositional ? compileFilter(filter, matchOptions) : undefined;
  return (doc) => {
    let details: MatchDetails | undefined;
    if (positionalMatcher) {
      details = {};
      positionalMatcher.test(doc, details);
    }
    let projected = type === 'inclusion' ? include(root, doc, doc) : exclude(root, doc);
    for (const { parts, node } of context.postImage) projected = applyPostImage(projected, parts, node, details);
    return projected;
  };
}

/** mongod's rules for projections that name no plain inclusion or exclusion. */
function defaultType(context: ParseContext): 'inclusion' | 'exclusion' {
  if (context.hasSlice) return context.idIncluded ? 'inclusion' : 'exclusion';
  if (context.hasElemMatch) return 'inclusion';
  return context.idIncluded ? 'inclusion' : 'exclusion';
}

function positionalLocation(field: string): number | undefined {
  const inner = field.indexOf('.$.');
  if (inner >= 0) return inner;
  if (field.endsWith('.$')) return field.length - 2;
  return field === '$' ? 0 : undefined;
}

function isBooleanLike(value: unknown): boolean {
  return typeof value === 'boolean' || isNumeric(value);
}

function parseElement(
  context: ParseContext,
  field: string,
  value: unknown,
  parentPath: string[],
  parent: PathNode,
): void {
  const positional = positionalLocation(field);
  if (isDocument(value)) {
    if (positional !== undefined)
      throw fail('Location31271', 'positional projection cannot be used with an expression or sub object');
    parseSubObject(context, field, value, parentPath, parent);
  } else if (isBooleanLike(value)) {
    const included = typeof value === 'boolean' ? value : toNumber(value) !== 0;
    if (included) parseInclusion(context, field, parentPath, parent, positional);
    else parseExclusion(context, field, parentPath, parent);
  } else {
    if (positional !== undefined) throw fail('Location31308', 'positional projection cannot be used with a literal');
    validateExpression(value);
    addNode(parent, field, { kind: 'expression', expression: value });
    markInclusion(context, 'Location31310', `Cannot use an expression ${field} in an exclusion projection`);
  }
}

function markInclusion(context: ParseContext, code: `Location${number}`, message: string): void {
  if (context.type === 'exclusion') throw fail(code, message);
  context.type = 'inclusion';
}

function parseSubObject(
  context: ParseContext,
  field: string,
  value: Document,
  parentPath: string[],
  parent: PathNode,
): void {
  const keys = Object.keys(value);
  const first = keys[0];
  if (keys.length === 1 && first?.startsWith('$')) {
    const argument = value[first];
    if (first === '$slice') {
      let node: ReturnType<typeof parseSlice>;
      try {
        node = parseSlice(argument);
      } catch (findError) {
        // Not find()'s $slice: mongod then reads it as the aggregation expression of the same name.
        if (Array.isArray(argument) && (argument.length === 2 || argument.length === 3)) {
          validateExpression(value);
          addNode(parent, field, { kind: 'expression', expression: value });
          markInclusion(context, 'Location31252', 'Cannot use expression other than $meta in exclusion projection');
          return;
        }
        const cause = findError as MongoCommandError;
        throw fail(
          'Location28667',
          `Invalid $slice syntax. The given syntax ${renderValue(value)} did not match the find() syntax because :: ${cause.codeName}: ${cause.message} :: The given syntax did not match the expression $slice syntax. :: caused by :: Expression $slice takes at least 2 arguments, and at most 3, but ${Array.isArray(argument) ? argument.length : 1} were passed in.`,
        );
      }
      addNode(parent, field, node);
      context.hasSlice = true;
      context.postImage.push({ parts: [...parentPath, ...field.split('.')], node });
      return;
    }
    if (first === '$elemMatch') {
      if (!isDocument(argument))
        throw fail('Location31274', `elemMatch: Invalid argument, object required, but got ${bsonTypeOf(argument)}`);
      if (context.hasPositional) throw fail('Location31255', 'Cannot specify positional operator and $elemMatch.');
      if (parentPath.length > 0 || field.includes('.'))
        throw fail('Location31275', 'Cannot use $elemMatch projection on a nested field.');
      addNode(parent, field, {
        kind: 'elemMatch',
        matcher: compileFilter({ [field]: { $elemMatch: argument } }, context.matchOptions),
      });
      context.hasElemMatch = true;
      return;
    }
    if (first === '$meta')
      throw new MongoCommandError(
        'BadValue',
        '$meta projections are not supported by the embedded MongoDB server: it has no text search',
      );
    validateExpression(value);
    addNode(parent, field, { kind: 'expression', expression: value });
    markInclusion(context, 'Location31252', 'Cannot use expression other than $meta in exclusion projection');
    return;
  }
  const child: PathNode = { kind: 'path', children: new Map() };
  addNode(parent, field, child);
  for (const [subField, subValue] of Object.entries(value))
    parseElement(context, subField, subValue, [...parentPath, ...field.split('.')], child);
}

function parseSlice(argument: unknown): { kind: 'slice'; skip: number | undefined; limit: number } {
  if (isNumeric(argument)) return { kind: 'slice', skip: undefined, limit: Math.trunc(toNumber(argument)) };
  if (Array.isArray(argument)) {
    if (argument.length !== 2) throw fail('Location31272', '$slice array argument should be of form [skip, limit]');
    const [skip, limit] = argument as [unknown, unknown];
    if (!isNumeric(skip))
      throw fail('Location31257', `$slice expects the skip argument to be a number, got ${bsonTypeOf(skip)}`);
    if (!isNumeric(limit))
      throw fail('Location31258', `$slice expects the limit argument to be a number, got ${bsonTypeOf(limit)}`);
    if (Math.trunc(toNumber(limit)) <= 0)
      throw fail('Location31259', `$slice limit must be positive, got ${Math.trunc(toNumber(limit))}`);
    return { kind: 'slice', skip: Math.trunc(toNumber(skip)), limit: Math.trunc(toNumber(limit)) };
  }
  throw fail('Location31273', '$slice only supports numbers and [skip, limit] arrays');
}

function parseInclusion(
  context: ParseContext,
  field: string,
  parentPath: string[],
  parent: PathNode,
  positional: number | undefined,
): void {
  const isTopLevelId = field === '_id' && parentPath.length === 0;
  if (positional === undefined) {
    addNode(parent, field, { kind: 'include' });
    if (isTopLevelId) context.idIncluded = true;
  } else {
    if (context.hasPositional)
      throw fail('Location31276', 'Cannot specify more than one positional projection per query.');
    if (context.hasElemMatch) throw fail('Location31256', 'Cannot specify positional operator and $elemMatch.');
    const matchField = parentPath[0] ?? field.split('.')[0] ?? field;
    if (!filterMentions(context.filter, matchField))
      throw fail('Location31277', `Positional projection '${field}' does not match the query document.`);
    if (field.endsWith('.$.')) throw fail('Location31270', "Path cannot end with '.$.'");
    const rest = field.slice(positional + (field.slice(positional).startsWith('.$.') ? 3 : 2));
    if (positionalLocation(rest) !== undefined || rest === '$')
      throw fail('Location31287', `Cannot use positional operator twice: ${field}`);
    const path = field.slice(0, positional);
    addNode(parent, path, { kind: 'include' });
    context.postImage.push({ parts: [...parentPath, ...path.split('.')], node: { kind: 'positional' } });
    context.hasPositional = true;
  }
  if (!isTopLevelId)
    markInclusion(context, 'Location31253', `Cannot do inclusion on field ${field} in exclusion projection`);
}

/** Whether some condition of the query is on `field` or a path under it. */
function filterMentions(filter: Document, field: string): boolean {
  return Object.entries(filter).some(([path, condition]) => {
    if (path === '$and' || path === '$or' || path === '$nor')
      return (
        Array.isArray(condition) && condition.some((clause) => isDocument(clause) && filterMentions(clause, field))
      );
    return path.split('.')[0] === field;
  });
}

function parseExclusion(context: ParseContext, field: string, parentPath: string[], parent: PathNode): void {
  addNode(parent, field, { kind: 'exclude' });
  if (field === '_id' && parentPath.length === 0) {
    context.idExcluded = true;
    return;
  }
  if (context.type === 'inclusion')
    throw fail('Location31254', `Cannot do exclusion on field ${field} in inclusion projection`);
  context.type = 'exclusion';
}

/** Adds a node at a dotted path under `parent`, refusing collisions as mongod does. */
function addNode(parent: PathNode, field: string, node: ProjectionNode): void {
  const parts = field.split('.');
  let current = parent;
  for (const [i, part] of parts.entries()) {
    const existing = current.children.get(part);
    if (i === parts.length - 1) {
      if (existing) throw fail('Location31250', `Path collision at ${field}`);
      current.children.set(part, node);
      return;
    }
    if (!existing) {
      const child: PathNode = { kind: 'path', children: new Map() };
      current.children.set(part, child);
      current = child;
    } else if (existing.kind === 'path') {
      current = existing;
    } else {
      throw fail('Location31249', `Path collision at ${field} remaining portion ${parts.slice(i + 1).join('.')}`);
    }
  }
}

/** An inclusion projection: the included fields in the document's order, then computed fields. */
function include(node: PathNode, value: Document, root: Document): Document {
  const result: Document = {};
  for (const [field, fieldValue] of Object.entries(value)) {
    const child = node.children.get(field);
    if (!child) continue;
    // A sliced array is included whole here and sliced with the other post-image rewrites.
    if (child.kind === 'include' || child.kind === 'slice') result[field] = fieldValue;
    else if (child.kind === 'path') {
      const projected = includeValue(child, fieldValue, root);
      if (projected !== undefined) result[field] = projected;
    }
  }
  for (const [field, child] of node.children) {
    if (child.kind === 'expression') {
      const computed = evaluateExpression(root, child.expression);
      if (computed !== undefined) result[field] = computed;
    } else if (child.kind === 'elemMatch') {
      const matched = firstElemMatch(value[field], child.matcher, field);
      if (matched !== undefined) result[field] = [matched];
    } else if (child.kind === 'path' && !(field in value) && hasComputed(child)) {
      result[field] = include(child, {}, root);
    }
  }
  return result;
}

function includeValue(node: PathNode, value: unknown, root: Document): unknown {
  if (isDocument(value)) return include(node, value, root);
  // Inside arrays, only documents (and nested arrays) can hold the included fields.
  if (Array.isArray(value))
    return value
      .filter((element) => isDocument(element) || Array.isArray(element))
      .map((element) => includeValue(node, element, root));
  return undefined;
}

function hasComputed(node: PathNode): boolean {
  return [...node.children.values()].some(
    (child) => child.kind === 'expression' || (child.kind === 'path' && hasComputed(child)),
  );
}

function firstElemMatch(value: unknown, matcher: Matcher, field: string): unknown {
  if (!Array.isArray(value)) return undefined;
  const details: MatchDetails = {};
  if (!matcher.test({ [field]: value }, details) || details.elemMatchKey === undefined) return undefined;
  return value[Number(details.elemMatchKey)];
}

/** An exclusion projection: everything but the excluded fields. */
function exclude(node: PathNode, value: Document): Document {
  const result: Document = {};
  for (const [field, fieldValue] of Object.entries(value)) {
    const child = node.children.get(field);
    if (child?.kind === 'exclude') continue;
    if (child?.kind === 'elemMatch') {
      const matched = firstElemMatch(fieldValue, child.matcher, field);
      if (matched !== undefined) result[field] = [matched];
      continue;
    }
    result[field] = child?.kind === 'path' ? excludeValue(child, fieldValue) : fieldValue;
  }
  return result;
}

function excludeValue(node: PathNode, value: unknown): unknown {
  if (isDocument(value)) return exclude(node, value);
  if (Array.isArray(value)) return value.map((element) => excludeValue(node, element));
  return value;
}

/** `$slice` and positional projections rewrite the array at their path in the projected document. */
function applyPostImage(
  doc: Document,
  parts: string[],
  node: ProjectionNode,
  details: MatchDetails | undefined,
): Document {
  const rewrite = (value: unknown, depth: number): unknown => {
    if (depth === parts.length) {
      if (!Array.isArray(value)) return value;
      if (node.kind === 'slice') return slice(value, node.skip, node.limit);
      const key = details?.elemMatchKey;
      if (key === undefined) {
        throw fail(
          'Location51246',
          "Executor error during find command :: caused by :: positional operator '.$' couldn't find a matching element in the array",
        );
      }
      const index = Number(key);
      if (index >= value.length)
        throw fail(
          'Location51247',
          "Executor error during find command :: caused by :: positional operator '.$' element mismatch",
        );
      return [value[index]];
    }
    if (isDocument(value)) {
      const part = parts[depth] as string;
      if (!(part in value)) return value;
      return { ...value, [part]: rewrite(value[part], depth + 1) };
    }
    if (Array.isArray(value) && node.kind === 'slice') return value.map((element) => rewrite(element, depth));
    return value;
  };
  return rewrite(doc, 0) as Document;
}

function slice(array: unknown[], skip: number | undefined, limit: number): unknown[] {
  if (skip === undefined) return limit >= 0 ? array.slice(0, limit) : array.slice(Math.max(0, array.length + limit));
  const start = skip >= 0 ? Math.min(skip, array.length) : Math.max(0, array.length + skip);
  return array.slice(start, start + limit);
}
