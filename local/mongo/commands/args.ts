/** Typed reads of command fields, failing with the error codes mongod uses for malformed commands. */
import { Long } from 'bson';
import { isDocument } from '../document';
import type { Document } from '../document';
import { MongoCommandError } from '../errors';
import { bsonTypeOf, isNumeric, toNumber } from '../values';

function commandName(command: Document): string {
  return Object.keys(command)[0] ?? '';
}

function wrongType(command: Document, field: string, expected: string): MongoCommandError {
  const type = bsonTypeOf(command[field]);
  return new MongoCommandError(
    'TypeMismatch',
    `BSON field '${commandName(command)}.${field}' is the wrong type '${type}', expected type '${expected}'`,
  );
}

/** The collection a command names in its first field, e.g. `{ find: 'users' }`. */
export function collectionName(command: Document): string {
  const name = command[commandName(command)];
  if (typeof name !== 'string' || name.length === 0) {
    throw new MongoCommandError('InvalidNamespace', `collection name has invalid type ${typeof name}`);
  }
  return name;
}

export function requiredString(command: Document, field: string): string {
  const value = command[field];
  if (typeof value !== 'string') throw wrongType(command, field, 'string');
  return value;
}

export function optionalDocument(command: Document, field: string): Document | undefined {
  const value = command[field];
  if (value === undefined || value === null) return undefined;
  if (!isDocument(value)) throw wrongType(command, field, 'object');
  return value;
}

export function optionalBoolean(command: Document, field: string): boolean | undefined {
  const value = command[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  // mongod accepts numbers for booleans (`{ multi: 1 }`), as older drivers send them.
  if (isNumeric(value)) return toNumber(value) !== 0;
  throw wrongType(command, field, 'bool');
}

/** Integers may arrive as int32, double or int64 (Long) depending on the client. */
export function optionalInteger(command: Document, field: string): number | undefined {
  const value = command[field];
  if (value === undefined || value === null) return undefined;
  if (isNumeric(value) && Number.isFinite(toNumber(value))) return Math.trunc(toNumber(value));
  throw wrongType(command, field, 'long');
}

export function optionalDocuments(command: Document, field: string): Document[] | undefined {
  const value = command[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every(isDocument)) throw wrongType(command, field, 'array');
  return value;
}

export function requiredDocuments(command: Document, field: string): Document[] {
  const value = optionalDocuments(command, field);
  if (!value)
    throw new MongoCommandError(
      'FailedToParse',
      `BSON field '${commandName(command)}.${field}' is missing but a required field`,
    );
  return value;
}

/** A cursor id as clients send it: Long, or a plain number when small enough for bson to promote it. */
export function cursorIdValue(value: unknown, command: Document, field: string): Long {
  if (value instanceof Long) return value;
  if (isNumeric(value) && Number.isInteger(toNumber(value))) return Long.fromNumber(toNumber(value));
  throw wrongType(command, field, 'long');
}
