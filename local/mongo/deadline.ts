/**
 * `maxTimeMS`: a command's time budget, checked between documents by the loops that can run long (scans,
 * pipeline input, the statements of a batch). Commands run one at a time and to completion, so the budget
 * of the running command is held here rather than passed through every call.
 */
import { Long } from 'bson';
import type { Document } from './document';
import { MongoCommandError } from './errors';

/** mongod keeps maxTimeMS in an int32. */
const MAX_TIME_MS_LIMIT = 2 ** 31 - 1;

let expiresAt = Infinity;

/** Runs `command` with the budget its `maxTimeMS` field asks for (none when absent or 0). */
export function withinTimeLimit<T>(command: Document, run: () => T): T {
  const limitMs = maxTimeMS(command);
  expiresAt = limitMs > 0 ? performance.now() + limitMs : Infinity;
  try {
    return run();
  } finally {
    expiresAt = Infinity;
  }
}

/** Throws MaxTimeMSExpired, as mongod does, once the running command has used up its budget. */
export function checkTimeLimit(): void {
  if (expiresAt !== Infinity && performance.now() >= expiresAt)
    throw new MongoCommandError('MaxTimeMSExpired', 'operation exceeded time limit');
}

/** Yields `items` one by one, checking the budget before each: for iterations run inside a library (mingo's pipelines). */
export function* checkedEach<T>(items: Iterable<T>): Generator<T> {
  for (const item of items) {
    checkTimeLimit();
    yield item;
  }
}

/** The field as mongod parses it: an integral number from 0 to 2^31 - 1, with mongod's errors otherwise. */
function maxTimeMS(command: Document): number {
  if (!('maxTimeMS' in command)) return 0;
  const value = command['maxTimeMS'];
  if (value === null || value === undefined) throw new MongoCommandError('BadValue', 'maxTimeMS must be a number');
  const number = value instanceof Long ? value.toNumber() : typeof value === 'number' ? value : undefined;
  if (number === undefined) {
    const type = Array.isArray(value)
      ? 'array'
      : typeof value === 'object'
        ? 'object'
        : typeof value === 'boolean'
          ? 'bool'
          : typeof value;
    const commandName = Object.keys(command)[0] ?? '';
    throw new MongoCommandError(
      'TypeMismatch',
      `BSON field '${commandName}.maxTimeMS' is the wrong type '${type}', expected types '[long, int, decimal, double']`,
    );
  }
  if (number < 0)
    throw new MongoCommandError(
      'Location51024',
      `BSON field 'maxTimeMS' value must be >= 0, actual value '${asLong(number)}'`,
    );
  if (number > MAX_TIME_MS_LIMIT)
    throw new MongoCommandError('BadValue', `${asLong(number)} value for maxTimeMS is out of range`);
  if (!Number.isInteger(number)) throw new MongoCommandError('BadValue', 'maxTimeMS has non-integral value');
  return number;
}

/** How mongod shows a number it read as a 64-bit integer: truncated, and saturated beyond the range. */
function asLong(number: number): string {
  if (number >= 2 ** 63) return '9223372036854775807';
  if (number <= -(2 ** 63)) return '-9223372036854775808';
  return BigInt(Math.trunc(number)).toString();
}
