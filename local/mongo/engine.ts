/**
 * mingo, as the server uses it for aggregation stages and expressions: every built-in operator, except that
 * the operators that match regular expressions do it in linear time (regex.ts). Queries, sorts, projections and
 * updates are not mingo's (matcher.ts, sort.ts, projection.ts, update.ts); mingo's own query operators are
 * reached only from inside its stages (`$graphLookup`'s `restrictSearchWithMatch`), so their patterns are made
 * linear too. The patterns are converted inside the operators because mingo copies a query (RegExps included,
 * as plain RegExps) before compiling it. Also here: the check that an expression names only operators mingo has.
 */
import { Context, evalExpr, OpType } from 'mingo/core';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import type { Any, AnyObject, Options } from 'mingo/types';
import { isDocument } from './document';
import { MongoCommandError } from './errors';
import { compileRegex, linearRegExp } from './regex';
import type { RegexMatch } from './regex';

type ExpressionOperator = (obj: AnyObject, expr: Any, options: Options) => Any;

interface RegexArguments {
  input?: unknown;
  regex?: unknown;
  options?: unknown;
}

/** `$regexMatch`, `$regexFind`, `$regexFindAll`: mingo's semantics, mongod's options, RE2's matching. */
function regexSearch(obj: AnyObject, expr: Any, options: Options, all: boolean): RegexMatch[] {
  const { input, regex, options: regexOptions } = evalExpr(obj, expr, options) as RegexArguments;
  if (typeof input !== 'string') return [];
  if (!(regex instanceof RegExp) && typeof regex !== 'string')
    throw new Error('$regex must be a string or a regular expression');
  return compileRegex(regex, regexOptions ?? undefined).matches(input, all);
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
  return (selector, value, options) =>
    operator(selector, Array.isArray(value) ? value.map(linear) : linear(value), options);
}

/** The operators that test strings against patterns: `{ field: /p/ }` and `$not: /p/` reach `$regex` too. */
const regexQueries = {
  $regex: withLinearPatterns(queryOperators.$regex),
  $in: withLinearPatterns(queryOperators.$in),
  $nin: withLinearPatterns(queryOperators.$nin),
  $all: withLinearPatterns(queryOperators.$all),
};

/** Every operator mingo has, by kind, with the regular expression ones replaced. */
export const MINGO_OPERATORS = {
  accumulator: accumulatorOperators,
  expression: { ...expressionOperators, ...regexExpressions },
  pipeline: pipelineOperators,
  projection: projectionOperators,
  query: { ...queryOperators, ...regexQueries },
  window: windowOperators,
} as const;

/** The context for anything mingo evaluates outside a pipeline (`$expr`, computed projections). */
export const MINGO_CONTEXT = Context.init(MINGO_OPERATORS);

/** Server-side JavaScript operators: unknown to a server that runs no JavaScript, as this one. */
const SCRIPT_OPERATORS = new Set(['$function', '$accumulator']);

/** Throws for the first operator in an expression that neither mingo nor mongod knows. */
export function validateExpression(expression: unknown): void {
  if (Array.isArray(expression)) {
    for (const element of expression) validateExpression(element);
    return;
  }
  if (!isDocument(expression)) return;
  for (const [key, argument] of Object.entries(expression)) {
    if (key.startsWith('$')) {
      if (key === '$literal') continue;
      if (SCRIPT_OPERATORS.has(key))
        throw new MongoCommandError('InvalidPipelineOperator', `Unrecognized expression '${key}'`);
      const known =
        MINGO_CONTEXT.getOperator(OpType.EXPRESSION, key) ??
        MINGO_CONTEXT.getOperator(OpType.ACCUMULATOR, key) ??
        MINGO_CONTEXT.getOperator(OpType.WINDOW, key);
      if (!known) throw new MongoCommandError('InvalidPipelineOperator', `Unrecognized expression '${key}'`);
    }
    validateExpression(argument);
  }
}
