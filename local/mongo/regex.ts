/**
 * Regular expressions from clients, evaluated by RE2 (the `re2js` port, pure JavaScript) instead of
 * V8's backtracking engine: matching takes time linear in the input, so a catastrophic pattern such as
 * `^(a+)+$` cannot hold the server for seconds on one document, which no time budget could interrupt.
 *
 * A pattern must be valid for both engines: V8 still parses it (so its syntax errors stay what they were),
 * and RE2 refuses what needs backtracking (backreferences, lookahead, lookbehind), which mongod's PCRE
 * would accept: those are refused with BadValue rather than run with the risk.
 */
import { RE2JS, RE2JSException } from 're2js';
import { MongoCommandError } from './errors';

const FLAGS: Readonly<Record<string, number>> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
};

/** A RegExp whose matching is RE2's; mingo calls `exec` and `test` on it like any RegExp. */
export class LinearRegExp extends RegExp {
  readonly #re2: RE2JS;

  constructor(source: string, flags: string) {
    super(source, flags);
    let re2Flags = 0;
    for (const flag of flags) re2Flags |= FLAGS[flag] ?? 0;
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

  /** Every match of `input` in order (all, or the first only), with UTF-16 offsets and captures (null when a group took no part). */
  matches(input: string, all: boolean): Array<{ match: string; idx: number; captures: Array<string | null> }> {
    const matcher = this.#re2.matcher(input);
    const found: Array<{ match: string; idx: number; captures: Array<string | null> }> = [];
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

/** The linear-time version of a pattern given as a RegExp, or as a source string and options. */
export function linearRegExp(pattern: RegExp | string, options?: string): LinearRegExp {
  if (pattern instanceof LinearRegExp && options === undefined) return pattern;
  const source = pattern instanceof RegExp ? pattern.source : pattern;
  const flags = [...new Set(`${pattern instanceof RegExp ? pattern.flags : ''}${options ?? ''}`)].filter((flag) => flag !== 'g' && flag !== 'y').sort().join('');
  const key = `${flags}/${source}`;
  let compiled = cache.get(key);
  if (!compiled) {
    compiled = new LinearRegExp(source, flags);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, compiled);
  }
  return compiled;
}
