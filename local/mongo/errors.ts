/**
 * MongoDB server error codes the embedded server can return, keyed by MongoDB's own `codeName`
 * so that drivers and mongoose recognise them exactly as they would from a real server.
 */
export const ErrorCode = {
  InternalError: 1,
  BadValue: 2,
  NoSuchKey: 4,
  FailedToParse: 9,
  Unauthorized: 13,
  TypeMismatch: 14,
  Overflow: 15,
  InvalidLength: 16,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  PathNotViable: 28,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  MaxTimeMSExpired: 50,
  DollarPrefixedFieldName: 52,
  InvalidIdField: 53,
  NotSingleValueField: 54,
  EmptyFieldName: 56,
  CommandNotFound: 59,
  ImmutableField: 66,
  CannotCreateIndex: 67,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  CommandNotSupported: 115,
  InvalidPipelineOperator: 168,
  CannotIndexParallelArrays: 171,
  InvalidIndexSpecificationOption: 197,
  NotImplemented: 238,
  NoQueryExecutionPlans: 291,
  BSONObjectTooLarge: 10334,
  DuplicateKey: 11000,
} as const;

/**
 * A named code, or `Location<n>`: mongod's name for the many errors that have only a number
 * (e.g. `Location40324`, an unknown pipeline stage).
 */
export type ErrorCodeName = keyof typeof ErrorCode | `Location${number}`;

function codeOf(name: ErrorCodeName): number {
  return name.startsWith('Location')
    ? Number(name.slice('Location'.length))
    : ErrorCode[name as keyof typeof ErrorCode];
}

/** A command failure: becomes an `{ ok: 0, code, codeName, errmsg }` reply or a write error. */
export class MongoCommandError extends Error {
  readonly code: number;

  constructor(
    readonly codeName: ErrorCodeName,
    message: string,
    /** Extra top-level fields MongoDB puts next to `errmsg` (e.g. `keyPattern`, `keyValue`). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'MongoCommandError';
    this.code = codeOf(codeName);
  }

  toReply(): Record<string, unknown> {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.details };
  }

  toWriteError(index: number): Record<string, unknown> {
    return { index, code: this.code, errmsg: this.message, ...this.details };
  }
}

/** A frame that cannot be understood: the server closes that one connection, as mongod does. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Any failure as a command error; anything unexpected becomes an InternalError rather than a crash. */
export function toCommandError(error: unknown): MongoCommandError {
  if (error instanceof MongoCommandError) return error;
  return new MongoCommandError('InternalError', error instanceof Error ? error.message : String(error));
}
