/** Finds the equality conditions in a filter that a hash index can answer without a scan. */
import { isDocument } from './document';
import type { Document } from './document';
import { isHashableScalar } from './keys';

/** Above this many value combinations a compound `$in` lookup stops being cheaper than a scan. */
const MAX_LOOKUPS = 1000;

/**
 * For each field the filter pins to one value (`{ email: x }`, `{ email: { $eq: x } }`) or a few (`$in`),
 * the values a matching document must hold. Fields with other conditions are left out: the filter is
 * always re-applied to what an index returns, so this only has to narrow, never to decide.
 */
export function pinnedValues(filter: Document, into = new Map<string, unknown[]>()): Map<string, unknown[]> {
  for (const [field, condition] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(condition)) {
      for (const clause of condition) if (isDocument(clause)) pinnedValues(clause, into);
      continue;
    }
    if (field.startsWith('$') || into.has(field)) continue;
    const values = valuesOf(condition);
    if (values) into.set(field, values);
  }
  return into;
}

function valuesOf(condition: unknown): unknown[] | undefined {
  if (isHashableScalar(condition)) return [condition];
  if (!isDocument(condition)) return undefined;
  if ('$eq' in condition && isHashableScalar(condition['$eq'])) return [condition['$eq']];
  const candidates = condition['$in'];
  if (Array.isArray(candidates) && candidates.length > 0 && candidates.every(isHashableScalar))
    return candidates as unknown[];
  return undefined;
}

/** Every combination of pinned values for the given fields, or undefined when one is not pinned or there are too many. */
export function lookupTuples(fields: string[], pinned: Map<string, unknown[]>): unknown[][] | undefined {
  let tuples: unknown[][] = [[]];
  for (const field of fields) {
    const values = pinned.get(field);
    if (!values) return undefined;
    tuples = tuples.flatMap((tuple) => values.map((value) => [...tuple, value]));
    if (tuples.length > MAX_LOOKUPS) return undefined;
  }
  return tuples;
}
