import '../support/lambda-environment';
import { handler as loginHandler } from '../../functions/login/handler';
import { handler as registerHandler } from '../../functions/register/handler';
import { findCredentials } from '../../functions/shared/users';
import { useFunctionDatabase } from '../support/function-database';
import { proxyEvent } from '../support/events';
import type { ProxyRequest } from '../support/events';
import { invokeHttp } from '../support/invoke';
import { captureOutput, metricNames, requestLines } from '../support/output';

useFunctionDatabase('request_hygiene');
const output = captureOutput();

const OPERATIONS = {
  register: { handler: registerHandler, path: '/register', rejected: 'RegistrationRejected' },
  login: { handler: loginHandler, path: '/login', rejected: 'LoginRejected' },
} as const;

type Operation = keyof typeof OPERATIONS;

function post(operation: Operation, request: Omit<ProxyRequest, 'path'>) {
  const { handler, path } = OPERATIONS[operation];
  return invokeHttp(operation, handler, proxyEvent({ method: 'POST', path, ...request }));
}

const valid = {
  register: { name: 'Ada Lovelace', email: 'ada@example.com', password: 'correct-horse-battery-staple' },
  login: { email: 'ada@example.com', password: 'correct-horse-battery-staple' },
};

beforeAll(async () => {
  await invokeHttp('register', registerHandler, proxyEvent({ path: '/register', body: valid.register }));
});

describe.each(['register', 'login'] as const)('%s request hygiene', (operation) => {
  it('answers 400 when the body is not JSON', async () => {
    const { response, body } = await post(operation, { rawBody: '{"email": "ada@example.com",' });

    expect(response.statusCode).toBe(400);
    expect(body).toEqual({
      type: 'urn:auth-api:problem:malformed-json',
      title: 'Malformed request body',
      status: 400,
      detail: 'The request body is not valid JSON',
    });
  });

  it('answers 400 when the body is empty', async () => {
    const { response, body } = await post(operation, { rawBody: '' });

    expect(response.statusCode).toBe(400);
    expect(body.detail).toBe('The request body is empty; send a JSON object');
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'application/jsonp'])(
    'answers 415 saying what to send for Content-Type %s',
    async (contentType) => {
      const { response, body } = await post(operation, {
        body: valid[operation],
        headers: { 'Content-Type': contentType },
      });

      expect(response.statusCode).toBe(415);
      expect(body.detail).toBe('Send the body as JSON with Content-Type application/json');
    },
  );

  it('answers 415 when there is no Content-Type', async () => {
    const event = proxyEvent({ method: 'POST', path: OPERATIONS[operation].path, body: valid[operation] });
    delete event.headers['Content-Type'];

    const { response } = await invokeHttp(operation, OPERATIONS[operation].handler, event);

    expect(response.statusCode).toBe(415);
  });

  it.each(['application/json; charset=utf-8', 'Application/JSON;charset="UTF-8"'])(
    'accepts Content-Type %s, in any case of the header name',
    async (contentType) => {
      const { response } = await post(operation, {
        body: { ...valid[operation], email: `${operation}-${contentType.length}@example.com` },
        headers: { 'content-type': contentType },
      });

      expect([200, 201, 401]).toContain(response.statusCode);
    },
  );

  it('answers 413 for a body over 64 KB', async () => {
    const { response, body } = await post(operation, {
      body: { ...valid[operation], email: `${'a'.repeat(70_000)}@example.com` },
    });

    expect(response.statusCode).toBe(413);
    expect(body.detail).toBe('The request body must be at most 65536 bytes');
  });

  it('answers 413 for a base64 body over 64 KB once decoded', async () => {
    const raw = Buffer.from(JSON.stringify({ ...valid[operation], pad: 'x'.repeat(70_000) })).toString('base64');

    const { response } = await post(operation, { rawBody: raw, isBase64Encoded: true });

    expect(response.statusCode).toBe(413);
  });

  it('decodes a base64 body', async () => {
    const raw = Buffer.from(JSON.stringify({ ...valid[operation], email: `base64-${operation}@example.com` })).toString(
      'base64',
    );

    const { response } = await post(operation, { rawBody: raw, isBase64Encoded: true });

    expect(response.statusCode).toBe(operation === 'register' ? 201 : 401);
  });

  it('answers 400 for a base64 body that is not UTF-8', async () => {
    const { response, body } = await post(operation, {
      rawBody: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64'),
      isBase64Encoded: true,
    });

    expect(response.statusCode).toBe(400);
    expect(body.detail).toBe('The request body is not valid UTF-8');
  });

  it.each([
    ['an array', []],
    ['a string', 'ada@example.com'],
    ['null', null],
  ])('answers 400 when the body is %s', async (_what, payload) => {
    const { response, body } = await post(operation, { body: payload });

    expect(response.statusCode).toBe(400);
    expect(body.errors).toEqual([{ path: '/', message: 'must be object' }]);
  });

  it('answers 400 naming each missing field', async () => {
    const { response, body } = await post(operation, { body: {} });

    expect(response.statusCode).toBe(400);
    const required = operation === 'register' ? ['/name', '/email', '/password'] : ['/email', '/password'];
    expect(body.errors).toEqual(required.map((path) => ({ path, message: 'is required' })));
  });

  it('answers 400 for fields of the wrong type', async () => {
    const { response, body } = await post(operation, {
      body: { ...valid[operation], email: true, password: 12345678 },
    });

    expect(response.statusCode).toBe(400);
    expect(body.errors).toEqual([
      { path: '/email', message: 'must be string' },
      { path: '/password', message: 'must be string' },
    ]);
  });

  it('answers 400 for unknown fields such as _id and isAdmin, and for __proto__', async () => {
    const { response, body } = await post(operation, {
      rawBody: JSON.stringify({ ...valid[operation], _id: '665f1c2a9e4b3c0012abcdef', isAdmin: true }).replace(
        /}$/,
        ',"__proto__":{"isAdmin":true}}',
      ),
    });

    expect(response.statusCode).toBe(400);
    expect(body.errors).toEqual([
      { path: '/_id', message: 'is not allowed' },
      { path: '/isAdmin', message: 'is not allowed' },
      { path: '/__proto__', message: 'is not allowed' },
    ]);
  });

  it('answers 400 for MongoDB operator objects', async () => {
    const { response, body } = await post(operation, {
      body: { ...valid[operation], email: { $gt: '' }, password: { $ne: null } },
    });

    expect(response.statusCode).toBe(400);
    expect(body.errors).toEqual([
      { path: '/email', message: 'must be string' },
      { path: '/password', message: 'must be string' },
    ]);
  });

  it('answers 400 for an invalid email', async () => {
    const { body } = await post(operation, { body: { ...valid[operation], email: 'ada at example.com' } });

    expect(body.errors).toEqual([{ path: '/email', message: 'must be an email address' }]);
  });

  it('counts and logs a rejected request without touching the database', async () => {
    await post(operation, { body: { ...valid[operation], isAdmin: true } });

    expect(metricNames(output)).toEqual([OPERATIONS[operation].rejected]);
    const [line] = requestLines(output);
    expect(line).toMatchObject({ status: 400, outcome: 'validation_failed', invalid_fields: ['/isAdmin'] });
    expect(line).not.toHaveProperty('db_connection');
  });
});

describe('register password and name rules', () => {
  function register(body: Record<string, unknown>) {
    return post('register', { body: { ...valid.register, email: 'rules@example.com', ...body } });
  }

  it('answers 400 for a password of 73 bytes written in fewer than 72 characters', async () => {
    const password = `${'é'.repeat(36)}x`;
    expect(password.length).toBeLessThan(72);

    const { response, body } = await register({ password });

    expect(response.statusCode).toBe(400);
    expect(body.errors).toEqual([
      { path: '/password', message: 'must be at most 72 bytes of UTF-8 (bcrypt ignores the rest)' },
    ]);
  });

  it('accepts a password of exactly 72 bytes', async () => {
    const { response } = await register({ password: 'é'.repeat(36) });

    expect(response.statusCode).toBe(201);
  });

  it('answers 400 for a password under 8 characters', async () => {
    const { body } = await register({ password: 'short' });

    expect(body.errors).toEqual([{ path: '/password', message: 'must NOT have fewer than 8 characters' }]);
  });

  it('answers 400 for a name that is only spaces', async () => {
    const { body } = await register({ name: '   ' });

    expect(body.errors).toEqual([
      {
        path: '/name',
        message: 'must contain a visible character and no control, line-separator or bidirectional-control characters',
      },
    ]);
  });

  it('answers 400 for a name over 100 characters as sent, surrounding spaces included', async () => {
    const { body } = await register({ name: ` ${'n'.repeat(99)} ` });

    expect(body.errors).toEqual([{ path: '/name', message: 'must NOT have more than 100 characters' }]);
  });
});

describe('the database layer', () => {
  it('treats an operator object that reaches a query as a value, not an operator', async () => {
    const operator = { $gt: '' } as unknown as string;

    const found = await findCredentials(operator).catch((error: unknown) => error);

    expect(found).not.toMatchObject({ passwordHash: expect.any(String) });
  });
});
