/** `$regex` with `$options`, turned into a JS RegExp the way mongod validates them. */
import { MongoCommandError } from './errors';

/** The options mongod accepts; `x` (extended) is applied here by stripping whitespace and comments. */
const ALLOWED_OPTIONS = new Set(['i', 'm', 's', 'x', 'u']);

export function compileRegex(pattern: unknown, options: unknown): RegExp {
  if (options !== undefined && typeof options !== 'string') throw new MongoCommandError('BadValue', '$options has to be a string');
  if (pattern instanceof RegExp) {
    if (options && pattern.flags) throw new MongoCommandError('Location51075', 'options set in both $regex and $options');
    return options ? buildRegex(pattern.source, options) : pattern;
  }
  if (typeof pattern !== 'string') throw new MongoCommandError('BadValue', '$regex has to be a string');
  return buildRegex(pattern, options ?? '');
}

function buildRegex(source: string, options: string): RegExp {
  for (const flag of options) {
    if (!ALLOWED_OPTIONS.has(flag)) throw new MongoCommandError('Location51108', `invalid flag in regex options: ${flag}`);
  }
  const flags = [...new Set(options)].filter((flag) => flag === 'i' || flag === 'm' || flag === 's').join('');
  try {
    return new RegExp(options.includes('x') ? stripExtended(source) : source, flags);
  } catch (error) {
    throw new MongoCommandError('Location51091', `Regular expression is invalid: ${(error as Error).message}`);
  }
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
