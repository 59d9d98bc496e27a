/**
 * Collations, compared with ICU through Intl.Collator (the same library mongod uses): strength 1–3 and 5,
 * caseLevel, caseFirst, numericOrdering and alternate: 'shifted'. Options Intl cannot express (backwards,
 * maxVariable: 'space', strength 4 with 'shifted') are refused rather than ignored.
 */
import { isDocument } from './document';
import type { Document } from './document';
import { MongoCommandError } from './errors';
import { bsonTypeOf, compareStrings, isNumeric, renderValue, toNumber } from './values';
import type { StringComparator } from './values';

export interface Collation extends StringComparator {
  /** The complete specification, as listIndexes and listCollections report it. */
  spec: Document;
  /** Equal for equal collations: an index serves a query only under the same collation. */
  id: string;
}

/** mongod 7.0's ICU version, reported in every collation it describes. */
const ICU_VERSION = '57.1';

const DEFAULTS = {
  caseLevel: false,
  caseFirst: 'off',
  strength: 3,
  numericOrdering: false,
  alternate: 'non-ignorable',
  maxVariable: 'punct',
  normalization: false,
  backwards: false,
};

/** ICU's `@collation=` keywords as BCP 47 `-u-co-` values. */
const COLLATION_KEYWORDS: Record<string, string> = {
  phonebook: 'phonebk',
  dictionary: 'dict',
  traditional: 'trad',
  search: 'search',
  pinyin: 'pinyin',
  stroke: 'stroke',
  unihan: 'unihan',
  zhuyin: 'zhuyin',
  gb2312han: 'gb2312',
  big5han: 'big5han',
  eor: 'eor',
  standard: 'standard',
};

function fieldError(field: string, value: unknown, expected: string): MongoCommandError {
  return new MongoCommandError(
    'TypeMismatch',
    `BSON field 'collation.${field}' is the wrong type '${bsonTypeOf(value)}', expected type '${expected}'`,
  );
}

function languageTag(locale: string, raw: Document): string {
  const invalid = (): MongoCommandError =>
    new MongoCommandError('BadValue', `Field 'locale' is invalid in: ${renderValue(raw)}`);
  const [base, keywords] = locale.split('@') as [string, string | undefined];
  let tag = base.replace(/_/g, '-');
  if (keywords !== undefined) {
    const match = /^collation=(\w+)$/.exec(keywords);
    const value = match ? COLLATION_KEYWORDS[match[1] as string] : undefined;
    if (!value) throw invalid();
    tag += `-u-co-${value}`;
  }
  try {
    if (base === '' || Intl.Collator.supportedLocalesOf([tag]).length === 0) throw invalid();
  } catch (error) {
    if (error instanceof MongoCommandError) throw error;
    throw invalid();
  }
  return tag;
}

/** Parses a `collation` option; undefined stands for the simple (binary) collation. */
export function parseCollation(raw: unknown): Collation | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isDocument(raw))
    throw new MongoCommandError(
      'TypeMismatch',
      `BSON field 'collation' is the wrong type '${bsonTypeOf(raw)}', expected type 'object'`,
    );
  const spec: Document = { ...DEFAULTS };
  for (const [field, value] of Object.entries(raw)) {
    switch (field) {
      case 'locale':
        if (typeof value !== 'string') throw fieldError(field, value, 'string');
        break;
      case 'caseFirst':
        if (typeof value !== 'string') throw fieldError(field, value, 'string');
        if (!['upper', 'lower', 'off'].includes(value))
          throw new MongoCommandError('BadValue', `Field '${field}' must be 'upper', 'lower' or 'off'. Got: ${value}`);
        break;
      case 'alternate':
        if (typeof value !== 'string') throw fieldError(field, value, 'string');
        if (!['non-ignorable', 'shifted'].includes(value))
          throw new MongoCommandError(
            'BadValue',
            `Field '${field}' must be 'non-ignorable' or 'shifted'. Got: ${value}`,
          );
        break;
      case 'maxVariable':
        if (typeof value !== 'string') throw fieldError(field, value, 'string');
        if (!['punct', 'space'].includes(value))
          throw new MongoCommandError('BadValue', `Field '${field}' must be 'punct' or 'space'. Got: ${value}`);
        break;
      case 'strength': {
        if (!isNumeric(value)) throw fieldError(field, value, 'int');
        const strength = Math.trunc(toNumber(value));
        if (strength < 1 || strength > 5) {
          throw new MongoCommandError(
            'Location51024',
            `BSON field 'collation.strength' value must be >= 1 and <= 5, actual value '${strength}'`,
          );
        }
        spec[field] = strength;
        continue;
      }
      case 'caseLevel':
      case 'numericOrdering':
      case 'normalization':
      case 'backwards':
        if (typeof value !== 'boolean') throw fieldError(field, value, 'bool');
        break;
      case 'version':
        if (typeof value !== 'string') throw fieldError(field, value, 'string');
        if (value !== ICU_VERSION)
          throw new MongoCommandError(
            'BadValue',
            `Requested collation version ${value} but the only available collator version was ${ICU_VERSION}. Requested collation spec: ${renderValue(raw)}`,
          );
        break;
      default:
        throw new MongoCommandError('Location40415', `BSON field 'collation.${field}' is an unknown field.`);
    }
    spec[field] = value;
  }
  const locale = spec['locale'];
  if (locale === undefined)
    throw new MongoCommandError('Location40414', "BSON field 'collation.locale' is missing but a required field");
  if (locale === 'simple') return undefined;
  const tag = languageTag(locale as string, raw);
  return build(tag, { locale, ...spec, version: ICU_VERSION });
}

function unsupported(option: string): MongoCommandError {
  return new MongoCommandError(
    'BadValue',
    `collation option ${option} is not supported by the embedded MongoDB server`,
  );
}

function build(tag: string, spec: Document): Collation {
  const strength = spec['strength'] as number;
  const shifted = spec['alternate'] === 'shifted';
  if (spec['backwards'] === true) throw unsupported('backwards: true');
  if (shifted && spec['maxVariable'] === 'space') throw unsupported("maxVariable: 'space'");
  if (shifted && strength === 4) throw unsupported("strength: 4 with alternate: 'shifted'");
  const caseLevel = spec['caseLevel'] === true;
  const sensitivity =
    strength === 1 ? (caseLevel ? 'case' : 'base') : strength === 2 ? (caseLevel ? 'variant' : 'accent') : 'variant';
  const collator = new Intl.Collator(tag, {
    usage: 'sort',
    sensitivity,
    caseFirst: spec['caseFirst'] === 'off' ? 'false' : (spec['caseFirst'] as 'upper' | 'lower'),
    numeric: spec['numericOrdering'] === true,
    ignorePunctuation: shifted,
  });
  // Identical strength also separates strings ICU ranks equal, by their code points.
  const compare =
    strength === 5
      ? (a: string, b: string): number => collator.compare(a, b) || compareStrings(a, b)
      : (a: string, b: string): number => collator.compare(a, b);
  return { spec, id: JSON.stringify(spec), compare };
}

/**
 * Hash keys for strings under a collation: strings the collation calls equal share a key. Representatives
 * are kept sorted by the collation, so finding a string's class is a binary search.
 */
export class CollationKeys {
  private readonly representatives: string[] = [];
  private readonly ids = new Map<string, number>();

  constructor(private readonly collation: Collation) {}

  /** The key for `value`, registering it as a new class if none is equal to it. */
  keyOf(value: string): string {
    const found = this.search(value);
    if (found.equal !== undefined) return `c:${this.ids.get(found.equal) as number}`;
    this.representatives.splice(found.index, 0, value);
    const id = this.ids.size;
    this.ids.set(value, id);
    return `c:${id}`;
  }

  /** The key for `value` if some stored string is equal to it. */
  existingKey(value: string): string | undefined {
    const { equal } = this.search(value);
    return equal === undefined ? undefined : `c:${this.ids.get(equal) as number}`;
  }

  private search(value: string): { index: number; equal: string | undefined } {
    let low = 0;
    let high = this.representatives.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const candidate = this.representatives[middle] as string;
      const order = this.collation.compare(value, candidate);
      if (order === 0) return { index: middle, equal: candidate };
      if (order < 0) high = middle;
      else low = middle + 1;
    }
    return { index: low, equal: undefined };
  }
}
