import '../support/lambda-environment';
import { createHash } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ObjectId } from 'mongodb';
import { handler } from '../../functions/register/handler';
import { useFunctionDatabase } from '../support/function-database';
import { setEnv, TEST_AUDIENCE, TEST_ISSUER, TEST_ORIGIN } from '../support/env';
import { CURRENT_KEY, signingVariables, verifyWith } from '../support/keys';
import { proxyEvent } from '../support/events';
import { invokeHttp } from '../support/invoke';
import { captureOutput, metricNames, requestLines } from '../support/output';

const database = useFunctionDatabase('register');
const output = captureOutput();

function registration(body: unknown, requestId?: string) {
  return invokeHttp(
    'register',
    handler,
    proxyEvent({ path: '/register', body, ...(requestId === undefined ? {} : { requestId }) }),
  );
}

const ada = { name: 'Ada Lovelace', email: 'ada@example.com', password: 'correct-horse-battery-staple' };

describe('register', () => {
  // First in the file: it is the instance's first invocation.
  it('opens the database connection on the first invocation and reports the cold start', async () => {
    await registration({ name: 'First', email: 'first@example.com', password: 'opening-night-ticket' });

    expect(metricNames(output)).toEqual(['ColdStart', 'DbConnectionNew', 'SessionCreated', 'RegistrationSucceeded']);
    expect(requestLines(output)[0]).toMatchObject({ cold_start: true, db_connection: 'new' });
  });

  it('creates the user and answers 201 with a bearer token for it', async () => {
    const { response, body } = await registration(ada);

    expect(response.statusCode).toBe(201);
    expect(body).toMatchObject({
      auth: true,
      tokenType: 'Bearer',
      expiresIn: 3600,
      user: { name: 'Ada Lovelace', email: 'ada@example.com' },
    });
    const user = body.user as { id: string; createdAt: string };
    const claims = verifyWith(CURRENT_KEY, body.token as string, { issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
    expect(claims.sub).toBe(user.id);
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(user.createdAt)).not.toBeNaN();
  });

  it('starts a session that stores only the hash of its refresh token, with where the client came from', async () => {
    const { body } = await registration({
      name: 'Session',
      email: 'session@example.com',
      password: 'tidal-copper-kettle',
    });

    const claims = jwt.decode(body.token as string) as jwt.JwtPayload;
    const session = await database.sessions().findOne({ _id: new ObjectId(claims.sid as string) });
    expect(session).toMatchObject({
      userId: new ObjectId((body.user as { id: string }).id),
      userAgent: 'jest',
      ipAddress: '203.0.113.7',
      revokedAt: null,
    });
    expect(session?.tokenHash).toBe(
      createHash('sha256')
        .update(body.refreshToken as string)
        .digest('hex'),
    );
    expect(JSON.stringify(session)).not.toContain(body.refreshToken as string);
  });

  it('stores a bcrypt hash at the configured cost, never the password', async () => {
    const { body } = await registration({
      name: 'Grace Hopper',
      email: 'grace@example.com',
      password: 'a-long-enough-password',
    });

    const stored = await database.users().findOne({ email: 'grace@example.com' });
    expect(stored?.passwordHash).toMatch(/^\$2b\$04\$/);
    expect(JSON.stringify(stored)).not.toContain('a-long-enough-password');
    expect(stored?._id.toHexString()).toBe((body.user as { id: string }).id);
  });

  it('stores the name trimmed and the email trimmed and lower-cased', async () => {
    const { body } = await registration({
      name: '  Alan Turing ',
      email: '  Alan.Turing@Example.COM ',
      password: 'enigma-machine-1',
    });

    expect(body.user).toMatchObject({ name: 'Alan Turing', email: 'alan.turing@example.com' });
    expect(await database.users().countDocuments({ email: 'alan.turing@example.com' })).toBe(1);
  });

  it('returns 409 when the email is already registered, in any case or spacing', async () => {
    await registration({ name: 'Katherine', email: 'katherine@example.com', password: 'orbital-mechanics' });

    const { response, body } = await registration({
      name: 'Impostor',
      email: ' KATHERINE@example.com  ',
      password: 'another-password',
    });

    expect(response.statusCode).toBe(409);
    expect(body).toEqual({
      type: 'urn:auth-api:problem:email-taken',
      title: 'Email already registered',
      status: 409,
      detail: 'A user with this email is already registered',
    });
    expect(await database.users().countDocuments({ email: 'katherine@example.com' })).toBe(1);
  });

  it('lets exactly one of 50 concurrent registrations of one email succeed', async () => {
    const attempts = Array.from({ length: 50 }, (_, i) =>
      registration({
        name: `Racer ${i}`,
        email: i % 2 === 0 ? 'race@example.com' : 'RACE@example.com ',
        password: 'same-password-for-all',
      }),
    );

    const statuses = (await Promise.all(attempts)).map((call) => call.response.statusCode);

    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(49);
    expect(await database.users().countDocuments({ email: 'race@example.com' })).toBe(1);
  });

  it('answers with the request id, CORS and no-store headers', async () => {
    const { headers } = await registration(
      { name: 'Hedy', email: 'hedy@example.com', password: 'frequency-hopping' },
      'c0ffee00-1234-4321-8888-000000000001',
    );

    expect(headers).toMatchObject({
      'Content-Type': 'application/json',
      'X-Request-Id': 'c0ffee00-1234-4321-8888-000000000001',
      'Access-Control-Allow-Origin': TEST_ORIGIN,
      'Access-Control-Expose-Headers': 'X-Request-Id,x-amzn-RequestId,Retry-After,WWW-Authenticate',
      Vary: 'Origin',
      'Cache-Control': 'no-store',
    });
  });

  it('logs one request line with the outcome and never the password, hash or token', async () => {
    const { body, context } = await registration(
      { name: 'Barbara', email: 'barbara@example.com', password: 'liskov-substitution' },
      'c0ffee00-1234-4321-8888-000000000002',
    );

    const [line, ...others] = requestLines(output);
    expect(others).toHaveLength(0);
    expect(line).toMatchObject({
      level: 'INFO',
      operation: 'register',
      status: 201,
      outcome: 'registered',
      db_connection: 'reused',
      correlation_id: 'c0ffee00-1234-4321-8888-000000000002',
      function_request_id: context.awsRequestId,
    });
    expect(typeof line?.duration_ms).toBe('number');
    expect(context.callbackWaitsForEmptyEventLoop).toBe(false);
    const stored = await database.users().findOne({ email: 'barbara@example.com' });
    const text = output.text();
    expect(text).not.toContain('liskov-substitution');
    expect(text).not.toContain(stored?.passwordHash as string);
    expect(text).not.toContain(body.token as string);
  });

  it('counts successful registrations, taken emails and reused connections', async () => {
    await registration({ name: 'Margaret', email: 'margaret@example.com', password: 'apollo-guidance' });
    await registration({ name: 'Margaret', email: 'margaret@example.com', password: 'apollo-guidance' });

    expect(metricNames(output)).toEqual([
      'DbConnectionReused',
      'SessionCreated',
      'RegistrationSucceeded',
      'DbConnectionReused',
      'RegistrationEmailTaken',
    ]);
  });
});

describe('when the token cannot be signed', () => {
  it('answers 503 and leaves no account behind, so the same registration succeeds once signing works', async () => {
    const grace = { name: 'Grace Hopper', email: 'grace.hopper@example.com', password: 'cobol-compiler-pioneer' };
    const sessionsBefore = await database.sessions().countDocuments({});
    // KMS signs in AWS; here it is an endpoint nobody listens on, so every Sign call fails to connect.
    setEnv({
      JWT_SIGNING_PRIVATE_KEY: undefined,
      JWT_SIGNING_KMS_KEY: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      AWS_ENDPOINT_URL_KMS: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    jest.resetModules();
    const { handler: withoutSigning } = await import('../../functions/register/handler');
    const { closeDatabase } = await import('../../functions/shared/db');
    let refused;
    try {
      refused = await invokeHttp('register', withoutSigning, proxyEvent({ path: '/register', body: grace }));
    } finally {
      await closeDatabase();
      setEnv({
        ...signingVariables(CURRENT_KEY),
        JWT_SIGNING_KMS_KEY: undefined,
        AWS_ENDPOINT_URL_KMS: undefined,
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
      });
    }
    expect(refused.response.statusCode).toBe(503);
    expect(await database.users().countDocuments({ email: grace.email })).toBe(0);
    expect(await database.sessions().countDocuments({})).toBe(sessionsBefore);

    const { response } = await registration(grace);
    expect(response.statusCode).toBe(201);
  });
});
