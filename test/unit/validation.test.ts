import type { ErrorObject } from 'ajv';
import validateListUsersQuery from '../../generated/validators/listUsers-query';
import validateRegisterBody from '../../generated/validators/register-body';
import { ValidationFailed } from '../../functions/shared/errors';
import { queryFieldError, toFieldErrors, validated } from '../../functions/shared/validation';

function ajvError(error: Partial<ErrorObject>): ErrorObject {
  return { keyword: 'type', instancePath: '', schemaPath: '#', params: {}, message: 'is invalid', ...error };
}

function failures(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationFailed) return error.errors;
    throw error;
  }
  throw new Error('validation passed');
}

describe('toFieldErrors', () => {
  it('names a missing property by its own path', () => {
    expect(toFieldErrors([ajvError({ keyword: 'required', params: { missingProperty: 'email' } })], 'body')).toEqual([
      { path: '/email', message: 'is required' },
    ]);
  });

  it('names an unknown property and escapes it as a JSON Pointer', () => {
    const errors = [ajvError({ keyword: 'additionalProperties', params: { additionalProperty: 'a/b~c' } })];

    expect(toFieldErrors(errors, 'body')).toEqual([{ path: '/a~1b~0c', message: 'is not allowed' }]);
  });

  it('names the whole body as /', () => {
    expect(toFieldErrors([ajvError({ message: 'must be object' })], 'body')).toEqual([
      { path: '/', message: 'must be object' },
    ]);
  });

  it('keeps the first error of each field', () => {
    const errors = [
      ajvError({ instancePath: '/name', message: 'first' }),
      ajvError({ instancePath: '/name', message: 'second' }),
    ];

    expect(toFieldErrors(errors, 'body')).toEqual([{ path: '/name', message: 'first' }]);
  });

  it('cuts paths and messages to the contract limits', () => {
    const [field] = toFieldErrors(
      [
        ajvError({
          keyword: 'additionalProperties',
          params: { additionalProperty: 'k'.repeat(300) },
          message: 'm'.repeat(600),
        }),
      ],
      'body',
    );

    expect(field?.path.length).toBe(200);
  });

  it('names query parameters without a leading slash', () => {
    expect(toFieldErrors([ajvError({ instancePath: '/limit', message: 'must be integer' })], 'query')).toEqual([
      { path: 'limit', message: 'must be integer' },
    ]);
  });

  it('quotes a query parameter whose name cannot be a path, one entry each', () => {
    const errors = ['$where', '1st'].map((name) =>
      ajvError({ keyword: 'additionalProperties', params: { additionalProperty: name } }),
    );

    expect(toFieldErrors(errors, 'query')).toEqual([
      { path: 'query', message: 'parameter "$where" is not allowed' },
      { path: 'query', message: 'parameter "1st" is not allowed' },
    ]);
  });

  it('names the whole query string as query', () => {
    expect(toFieldErrors([ajvError({ message: 'must be object' })], 'query')).toEqual([
      { path: 'query', message: 'must be object' },
    ]);
  });

  it('cuts a long parameter name in its message', () => {
    expect(queryFieldError('$'.repeat(80), 'is not allowed').message).toBe(
      `parameter "${'$'.repeat(49)}…" is not allowed`,
    );
  });
});

describe('validated', () => {
  it('returns the data when it matches the contract', () => {
    const body = { name: 'Ada', email: 'ada@example.com', password: 'long-enough' };

    expect(validated(validateRegisterBody, body, 'body')).toBe(body);
  });

  it('lists every failing field of the generated validator', () => {
    expect(
      failures(() =>
        validated(validateRegisterBody, { name: '', email: 'nope', password: 'x', role: 'admin' }, 'body'),
      ),
    ).toEqual([
      { path: '/role', message: 'is not allowed' },
      { path: '/name', message: 'must NOT have fewer than 1 characters' },
      { path: '/email', message: 'must be an email address' },
      { path: '/password', message: 'must NOT have fewer than 8 characters' },
    ]);
  });

  it('coerces the limit of a query string and fills in its default', () => {
    expect(validated(validateListUsersQuery, { limit: '7' }, 'query')).toEqual({ limit: 7 });
    expect(validated(validateListUsersQuery, {}, 'query')).toEqual({ limit: 20 });
  });
});
