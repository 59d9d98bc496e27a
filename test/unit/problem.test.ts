import {
  ConfigError,
  DatabaseUnavailable,
  EmailTaken,
  IntegrationError,
  InvalidCredentials,
  MalformedJson,
  MAX_FIELD_ERRORS,
  PayloadTooLarge,
  TokenRejected,
  UnsupportedMediaType,
  UserNotFound,
  ValidationFailed,
} from '../../functions/shared/errors';
import { toProblem } from '../../functions/shared/problem';

const REQUEST_ID = '0b9c6f2e-2f4e-4f3e-9f51-6d1f2e3a4b5c';

describe('toProblem', () => {
  it.each([
    [new EmailTaken(), 409, 'email-taken', 'Email already registered', 'A user with this email is already registered'],
    [new InvalidCredentials(), 401, 'invalid-credentials', 'Invalid credentials', 'The email or password is incorrect'],
    [new UserNotFound(), 404, 'user-not-found', 'User not found', 'The user this token was issued to no longer exists'],
    [
      new UnsupportedMediaType(),
      415,
      'unsupported-media-type',
      'Unsupported media type',
      'Send the body as JSON with Content-Type application/json',
    ],
    [
      new PayloadTooLarge(65_536),
      413,
      'payload-too-large',
      'Request body too large',
      'The request body must be at most 65536 bytes',
    ],
    [
      new MalformedJson('The request body is not valid JSON'),
      400,
      'malformed-json',
      'Malformed request body',
      'The request body is not valid JSON',
    ],
  ])('shows a client error as it is: %p', (error, status, kind, title, detail) => {
    expect(toProblem(error, REQUEST_ID)).toEqual({
      status,
      problem: { type: `urn:auth-api:problem:${kind}`, title, status, detail },
      headers: {},
    });
  });

  it('answers a refused token with 401 and a WWW-Authenticate challenge (RFC 6750 §3)', () => {
    expect(toProblem(new TokenRejected('expired'), REQUEST_ID)).toEqual({
      status: 401,
      problem: {
        type: 'urn:auth-api:problem:unauthorized',
        title: 'Unauthorized',
        status: 401,
        detail: 'A valid access token is required',
      },
      headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
    });
  });

  it('lists the failing fields of a validation error', () => {
    const answer = toProblem(
      new ValidationFailed([{ path: '/email', message: 'must match format "email"' }]),
      REQUEST_ID,
    );

    expect(answer.problem).toEqual({
      type: 'urn:auth-api:problem:validation',
      title: 'Your request is not valid',
      status: 400,
      detail: '1 field is invalid',
      errors: [{ path: '/email', message: 'must match format "email"' }],
    });
  });

  it('keeps at most 100 field errors but counts them all', () => {
    const errors = Array.from({ length: 150 }, (_, i) => ({ path: `/f${i}`, message: 'is not allowed' }));

    const answer = toProblem(new ValidationFailed(errors), REQUEST_ID);

    expect(answer.problem.errors).toHaveLength(MAX_FIELD_ERRORS);
    expect(answer.problem.detail).toBe('150 fields are invalid');
  });

  it('answers 503 with Retry-After and nothing of the cause', () => {
    const answer = toProblem(new DatabaseUnavailable(new Error('connect ECONNREFUSED 10.0.0.7:27017')), REQUEST_ID);

    expect(answer).toEqual({
      status: 503,
      problem: {
        type: 'urn:auth-api:problem:unavailable',
        title: 'Service unavailable',
        status: 503,
        detail: 'The service is temporarily unavailable; try again shortly',
        requestId: REQUEST_ID,
      },
      headers: { 'Retry-After': '5' },
    });
  });

  it.each([
    ['an unexpected error', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a configuration error', new ConfigError('JWT_SECRET', 'JWT_SECRET is required')],
    ['an integration error', new IntegrationError('no user id in requestContext.authorizer')],
    ['a thrown string', 'boom'],
  ])('answers 500 with only the request id for %s', (_what, error) => {
    const answer = toProblem(error, REQUEST_ID);

    expect(answer).toEqual({
      status: 500,
      problem: {
        type: 'urn:auth-api:problem:internal',
        title: 'Internal error',
        status: 500,
        detail: `Internal error (request id: ${REQUEST_ID})`,
        requestId: REQUEST_ID,
      },
      headers: {},
    });
  });

  it('marks only client errors as safe to expose', () => {
    expect(new EmailTaken().expose).toBe(true);
    expect(new DatabaseUnavailable(undefined).expose).toBe(false);
    expect(new ConfigError('X', 'X is required').expose).toBe(false);
  });
});
