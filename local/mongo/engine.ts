/**
 * mingo, as the server uses it: every built-in operator, except that the operators that match regular
 * expressions do it in linear time (regex.ts). Drop-in for mingo's own `Query`, `Aggregator`, `find` and
 * `update`. The patterns are converted inside the operators because mingo copies a query (RegExps included,
 * as plain RegExps) before compiling it.
 */
import { Aggregator as MingoAggregator } from 'mingo/aggregator';
import { Context, evalExpr } from 'mingo/core';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import { Query as MingoQuery } from 'mingo/query';
import type { Cursor } from 'mingo/cursor';
import type { Source } from 'mingo/lazy';
import type { Any, AnyObject, Criteria, Options, Projection } from 'mingo/types';
import { update as mingoUpdate } from 'mingo/updater';
import type { Modifier } from 'mingo/updater';
import { linearRegExp } from './regex';
import type { LinearRegExp } from './regex';

type ExpressionOperator = (obj: AnyObject, expr: Any, options: Options) => Any;

interface RegexArguments {
  input?: unknown;
  regex?: unknown;
  options?: unknown;
}

/** `$regexMatch`, `$regexFind`, `$regexFindAll`: mingo's semantics, RE2's matching. */
function regexSearch(obj: AnyObject, expr: Any, options: Options, all: boolean): ReturnType<LinearRegExp['matches']> {
  const { input, regex, options: regexOptions } = evalExpr(obj, expr, options) as RegexArguments;
  if (typeof input !== 'string') return [];
  if (typeof regexOptions === 'string') {
    if (regexOptions.includes('x')) throw new Error("extended capability option 'x' not supported");
    if (regexOptions.includes('g')) throw new Error("global option 'g' not supported");
  }
  if (!(regex instanceof RegExp) && typeof regex !== 'string') throw new Error('$regex must be a string or a regular expression');
  return linearRegExp(regex, typeof regexOptions === 'string' ? regexOptions : undefined).matches(input, all);
}

const regexExpressions: Record<string, ExpressionOperator> = {
  $regexMatch: (obj, expr, options) => regexSearch(obj, expr, options, false).length > 0,
  $regexFind: (obj, expr, options) => regexSearch(obj, expr, options, false)[0] ?? null,
  $regexFindAll: (obj, expr, options) => regexSearch(obj, expr, options, true),
};

type QueryOperator = typeof queryOperators.$regex;

/** A query operator given the same value with every pattern in it (or in its list) made linear. */
function withLinearPatterns(operator: QueryOperator): QueryOperator {
  const linear = (value: unknown): unknown => (value instanceof RegExp ? linearRegExp(value) : value);
  return (selector, value, options) => operator(selector, Array.isArray(value) ? value.map(linear) : linear(value), options);
}

/** The operators that test strings against patterns: `{ field: /p/ }` and `$not: /p/` reach `$regex` too. */
const regexQueries = {
  $regex: withLinearPatterns(queryOperators.$regex),
  $in: withLinearPatterns(queryOperators.$in),
  $nin: withLinearPatterns(queryOperators.$nin),
  $all: withLinearPatterns(queryOperators.$all),
};

const CONTEXT = Context.init({
  accumulator: accumulatorOperators,
  expression: { ...expressionOperators, ...regexExpressions },
  pipeline: pipelineOperators,
  projection: projectionOperators,
  query: { ...queryOperators, ...regexQueries },
  window: windowOperators,
} as Parameters<typeof Context.init>[0]);

function withContext(options: Partial<Options> | undefined): Partial<Options> {
  return { ...options, context: CONTEXT };
}

export class Query<T = AnyObject> extends MingoQuery<T> {
  constructor(condition: Criteria<T>, options?: Partial<Options>) {
    super(condition, withContext(options));
  }
}

export class Aggregator extends MingoAggregator {
  constructor(pipeline: AnyObject[], options?: Partial<Options>) {
    super(pipeline, withContext(options));
  }
}

export function find<R = AnyObject, T = AnyObject>(collection: Source, condition: Criteria<T>, projection?: Projection<R>, options?: Partial<Options>): Cursor<R> {
  return new Query<T>(condition, options).find<R>(collection, projection);
}

/** mingo's updater, whose conditions (`$pull`, array filters) match patterns in linear time too. */
export function update<T extends AnyObject>(
  obj: T,
  modifier: Modifier<T>,
  arrayFilters?: AnyObject[],
  condition?: Criteria<T>,
  options?: Parameters<typeof mingoUpdate>[4],
): string[] {
  return mingoUpdate(obj, modifier, arrayFilters, condition, { ...options, queryOptions: withContext(options?.queryOptions) });
}
