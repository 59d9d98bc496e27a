/**
 * Regular expressions from clients: options checked as mongod checks them, and matching done by RE2 (the
 * `re2js` port, pure JavaScript) instead of V8's backtracking engine, so that it takes time linear in the
 * input: a catastrophic pattern such as `^(a+)+$` cannot hold the server for seconds on one document, which
 * no time budget could interrupt.
 *
 * A pattern must be valid for both engines: V8 still parses it (a syntax error is mongod's 51091), and RE2
 * refuses what needs backtracking (backreferences, lookahead, lookbehind), which mongod's PCRE would accept:
 * those are refused with BadValue rather than run with the risk.
 */
import { RE2JS, RE2JSException } from 're2js';
import { MongoCommandError } from './errors';

/** The options mongod accepts; `x` (extended) is applied here by stripping whitespace and comments. */
const ALLOWED_OPTIONS = new Set(['i', 'm', 's', 'x', 'u']);

const RE2_FLAGS: Readonly<Record<string, number>> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
};

/** One match as `$regexFind` reports it: UTF-16 offset, and null for a group that took no part. */
export interface RegexMatch {
  match: string;
  idx: number;
  captures: Array<string | null>;
}

/** A RegExp whose matching is RE2's; mingo and the matcher call `exec` and `test` on it like any RegExp. */
export class LinearRegExp extends RegExp {
  readonly #re2: RE2JS;

  constructor(source: string, flags: string) {
    try {
      super(source, flags);
    } catch (error) {
      throw new MongoCommandError('Location51091', `Regular expression is invalid: ${(error as Error).message}`);
    }
    let re2Flags = 0;
    for (const flag of flags) re2Flags |= RE2_FLAGS[flag] ?? 0;
    try {
      this.#re2 = RE2JS.compile(RE2JS.translateRegExp(this.source), re2Flags);
    } catch (error) {
      if (!(error instanceof RE2JSException)) throw error;
      throw new MongoCommandError(
        'BadValue',
        `Regular expression /${this.source}/ is not supported by the embedded server: it needs a backtracking engine (${error.message})`,
      );
    }
  }

  override exec(input: string): RegExpExecArray | null {
    return this.#re2.exec(String(input)) as RegExpExecArray | null;
  }

  override test(input: string): boolean {
    return this.#re2.test(String(input));
  }

  /** Every match of `input` in order (all, or the first only). */
  matches(input: string, all: boolean): RegexMatch[] {
    const matcher = this.#re2.matcher(input);
    const found: RegexMatch[] = [];
    while (matcher.find()) {
      const captures: Array<string | null> = [];
      for (let group = 1; group <= matcher.groupCount(); group++) captures.push(matcher.group(group));
      found.push({ match: matcher.group() ?? '', idx: matcher.start(), captures });
      if (!all) break;
    }
    return found;
  }
}

/** Compiled patterns are reused: expressions compile their pattern once per document otherwise. */
const cache = new Map<string, LinearRegExp>();
const CACHE_LIMIT = 1000;

/**
 * The linear-time version of a RegExp value (`{ field: /p/ }`, `$in: [/p/]`, ...). Such values come from the
 * BSON decoder, which reads a regular expression's `s` option (dot matches newlines) as JavaScript's `g`.
 */
export function linearRegExp(pattern: RegExp): LinearRegExp {
  if (pattern instanceof LinearRegExp) return pattern;
  return cached(pattern.source, pattern.flags.replace('g', 's'));
}

function cached(source: string, jsFlags: string): LinearRegExp {
  // `g` and `y` only make a RegExp stateful; mongod has no such options.
  const flags = [...new Set(jsFlags)]
    .filter((flag) => flag !== 'g' && flag !== 'y')
    .sort()
    .join('');
  const key = `${flags}/${source}`;
  let compiled = cache.get(key);
  if (!compiled) {
    compiled = new LinearRegExp(source, flags);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, compiled);
  }
  return compiled;
}

/**
 * A pattern and its options as `$regex`/`$options` (and `$regexMatch`'s `regex`/`options`) give them,
 * checked the way mongod checks them.
 */
export function compileRegex(pattern: unknown, options: unknown): LinearRegExp {
  if (options !== undefined && typeof options !== 'string')
    throw new MongoCommandError('BadValue', '$options has to be a string');
  const optionString = typeof options === 'string' ? options : '';
  if (pattern instanceof RegExp) {
    if (optionString && pattern.flags)
      throw new MongoCommandError('Location51075', 'options set in both $regex and $options');
    return optionString ? withOptions(pattern.source, optionString) : linearRegExp(pattern);
  }
  if (typeof pattern !== 'string') throw new MongoCommandError('BadValue', '$regex has to be a string');
  return withOptions(pattern, optionString);
}

function withOptions(source: string, options: string): LinearRegExp {
  for (const flag of options) {
    if (!ALLOWED_OPTIONS.has(flag))
      throw new MongoCommandError('Location51108', `invalid flag in regex options: ${flag}`);
  }
  const flags = [...options].filter((flag) => flag === 'i' || flag === 'm' || flag === 's').join('');
  return cached(options.includes('x') ? stripExtended(source) : source, flags);
}

/** PCRE's extended mode: unescaped whitespace and `#` comments outside character classes do not count. */
function stripExtended(source: string): string {
  let result = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i] as string;
    if (char === '\\') {
      result += source.slice(i, i + 2);
      i += 1;
    } else if (inClass) {
      if (char === ']') inClass = false;
      result += char;
    } else if (char === '[') {
      inClass = true;
      result += char;
    } else if (char === '#') {
      while (i < source.length && source[i] !== '\n') i += 1;
    } else if (!/\s/.test(char)) {
      result += char;
    }
  }
  return result;
}
