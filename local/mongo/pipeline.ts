/**
 * Aggregation pipelines: mingo runs the stages and expressions, with our `$match` and `$sort` (mongod's
 * matching and ordering, collation included). Every stage and expression operator is checked before anything
 * runs, so a pipeline mongod would refuse is refused even on an empty collection.
 */
import { Aggregator } from 'mingo/aggregator';
import { Context, evalExpr, OpType, ProcessingMode } from 'mingo/core';
import { Lazy } from 'mingo/lazy';
import type { Iterator } from 'mingo/lazy';
import type { CollectionResolver, Options } from 'mingo/types';
import { checkedEach, checkTimeLimit } from './deadline';
import { isDocument } from './document';
import type { Document } from './document';
import { MINGO_OPERATORS, validateExpression } from './engine';
import { MongoCommandError } from './errors';
import { compileFilter } from './matcher';
import { plainNumbers } from './numbers';
import { sortDocuments } from './sort';
import type { StringComparator } from './values';

/** Stages that write to collections; refused as a server without them would refuse them. */
const REFUSED_STAGES = new Set(['$out', '$merge']);

/** Stages whose argument is a sub-pipeline, or holds some, to check as well. */
const NESTED_PIPELINES: Record<string, (argument: Document) => unknown[]> = {
  $lookup: (argument) => [argument['pipeline']],
  $unionWith: (argument) => [argument['pipeline']],
  $facet: (argument) => Object.values(argument),
};

/** Stages whose arguments are (or contain) aggregation expressions. */
const EXPRESSION_STAGES = new Set([
  '$project',
  '$addFields',
  '$set',
  '$group',
  '$replaceRoot',
  '$replaceWith',
  '$bucket',
  '$sortByCount',
  '$redact',
]);

function contextFor(collator: StringComparator | undefined): Context {
  const pipeline: Record<string, unknown> = { ...MINGO_OPERATORS.pipeline };
  for (const stage of REFUSED_STAGES) delete pipeline[stage];
  pipeline['$match'] = (input: Iterator, filter: Document) => {
    const matcher = compileFilter(filter, { collator, context: 'pipeline' });
    return input.filter((doc: Document) => matcher.test(doc));
  };
  pipeline['$sort'] = (input: Iterator, spec: Document) =>
    input.transform((docs: Document[]) => Lazy(sortDocuments(docs, spec, collator, (doc) => doc)));
  return Context.init({ ...MINGO_OPERATORS, pipeline: pipeline as never });
}

const DEFAULT_CONTEXT = contextFor(undefined);

export interface PipelineOptions {
  collator?: StringComparator | undefined;
  resolveCollection: CollectionResolver;
}

/** Checks a pipeline's stages and expression operators, throwing mongod's error for the first bad one. */
export function validatePipeline(pipeline: unknown[], collator?: StringComparator): void {
  for (const [i, stage] of pipeline.entries()) {
    if (!isDocument(stage) || Object.keys(stage).length !== 1) {
      throw new MongoCommandError(
        'Location40323',
        'A pipeline stage specification object must contain exactly one field.',
      );
    }
    const [name, argument] = Object.entries(stage)[0] as [string, unknown];
    if (REFUSED_STAGES.has(name) || !DEFAULT_CONTEXT.getOperator(OpType.PIPELINE, name)) {
      throw new MongoCommandError('Location40324', `Unrecognized pipeline stage name: '${name}'`);
    }
    if (name === '$documents' && i !== 0)
      throw new MongoCommandError('Location40602', '$documents is only valid as the first stage in a pipeline');
    if (name === '$match') {
      if (!isDocument(argument))
        throw new MongoCommandError('Location15959', 'the match filter must be an expression in an object');
      compileFilter(argument, { collator, context: 'pipeline' });
    }
    if (EXPRESSION_STAGES.has(name)) validateExpression(argument);
    const nested = NESTED_PIPELINES[name];
    if (nested && isDocument(argument)) {
      for (const sub of nested(argument)) if (Array.isArray(sub)) validatePipeline(sub, collator);
    }
  }
}

/** Stages whose results do not depend on how strings compare, unless their expressions compare strings. */
const COLLATION_NEUTRAL_STAGES = new Set([
  '$match',
  '$sort',
  '$skip',
  '$limit',
  '$count',
  '$unwind',
  '$documents',
  '$sample',
  '$project',
  '$addFields',
  '$set',
  '$unset',
  '$replaceRoot',
  '$replaceWith',
  '$group',
  '$facet',
]);

/** Expression operators that compare values, which mingo does without a collation. */
const COLLATION_SENSITIVE_OPERATORS = new Set([
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$cmp',
  '$in',
  '$indexOfArray',
  '$setEquals',
  '$setIntersection',
  '$setUnion',
  '$setDifference',
  '$setIsSubset',
  '$addToSet',
  '$min',
  '$max',
  '$minN',
  '$maxN',
  '$sortArray',
  '$top',
  '$bottom',
  '$topN',
  '$bottomN',
  '$switch',
]);

function comparesValues(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(comparesValues);
  if (!isDocument(value)) return false;
  return Object.entries(value).some(
    ([key, argument]) => COLLATION_SENSITIVE_OPERATORS.has(key) || comparesValues(argument),
  );
}

function hasFieldPath(value: unknown): boolean {
  if (typeof value === 'string') return value.startsWith('$');
  if (Array.isArray(value)) return value.some(hasFieldPath);
  return isDocument(value) && Object.values(value).some(hasFieldPath);
}

/**
 * Under a non-simple collation our $match and $sort compare strings by it, but mingo's expressions and
 * groupings would not: such pipelines are refused rather than run with the collation silently ignored.
 */
export function checkCollationSupport(pipeline: Document[]): void {
  const refuse = (what: string): MongoCommandError =>
    new MongoCommandError(
      'BadValue',
      `${what} under a non-simple collation is not supported by the embedded MongoDB server`,
    );
  for (const stage of pipeline) {
    const [name, argument] = Object.entries(stage)[0] as [string, unknown];
    if (!COLLATION_NEUTRAL_STAGES.has(name)) throw refuse(name);
    if (name === '$facet' && isDocument(argument)) {
      for (const sub of Object.values(argument)) if (Array.isArray(sub)) checkCollationSupport(sub as Document[]);
      continue;
    }
    if (name === '$match') continue;
    if (name === '$group' && isDocument(argument) && hasFieldPath(argument['_id'])) throw refuse('$group by a field');
    if (comparesValues(argument)) throw refuse(`Comparing values in ${name}`);
  }
}

/** Runs a pipeline over documents; numbers reach mingo as JS numbers. */
export function runPipeline(docs: Document[], pipeline: Document[], options: PipelineOptions): Document[] {
  validatePipeline(pipeline, options.collator);
  if (options.collator) checkCollationSupport(pipeline);
  const mingoOptions: Partial<Options> = {
    // Server-side JavaScript ($where, $function, $accumulator) is never run on behalf of clients.
    scriptEnabled: false,
    // Stages such as $addFields may write into their input; stored documents must never change in place.
    processingMode: ProcessingMode.CLONE_INPUT,
    collectionResolver: (name) => {
      checkTimeLimit();
      return options.resolveCollection(name).map((doc) => plainNumbers(doc) as Document);
    },
    context: options.collator ? contextFor(options.collator) : DEFAULT_CONTEXT,
  };
  return translateMingoErrors((): Document[] => new Aggregator(pipeline, mingoOptions).run(pipelineInput(docs)));
}

/** The documents entering a pipeline, one at a time, with the command's time budget checked before each (deadline.ts). */
function* pipelineInput(docs: Document[]): Generator<Document> {
  for (const doc of checkedEach(docs)) yield plainNumbers(doc) as Document;
}

/** Evaluates one aggregation expression against a document (find projections with expressions). */
export function evaluateExpression(doc: Document, expression: unknown): unknown {
  return translateMingoErrors(() =>
    evalExpr(plainNumbers(doc), expression, { scriptEnabled: false, context: DEFAULT_CONTEXT } as unknown as Options),
  );
}

/** mingo reports bad operators and malformed expressions as plain errors; clients expect a MongoDB code. */
export function translateMingoErrors<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof MongoCommandError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const unknownOperator = /^accumulator '(\$\w+)' is not registered\.$/.exec(message);
    if (unknownOperator)
      throw new MongoCommandError('InvalidPipelineOperator', `Unrecognized expression '${unknownOperator[1]}'`);
    throw new MongoCommandError('BadValue', message);
  }
}
