import '../support/lambda-environment';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { MongoClient } from 'mongodb';
import { databaseUri, dropDatabase, uniqueDatabaseName } from '../support/database';
import { configureFunctions, restoreEnvAfterEach } from '../support/env';
import { authorizedBy, lambdaContext, proxyEvent, tokenAuthorizerEvent } from '../support/events';
import { CURRENT_KEY, UNKNOWN_KEY } from '../support/keys';
import { captureOutput } from '../support/output';
import type { Instance } from './support';
import { newInstance } from './support';

/**
 * Passwords, password hashes, tokens, Authorization headers and configured secrets never reach a
 * log line, at any level: every path (success, validation errors, unexpected errors, database
 * outage, configuration errors, authorizer rejections) runs at DEBUG and TRACE, and everything
 * written to stdout and stderr is searched for each secret.
 */
const DATABASE = databaseUri(uniqueDatabaseName('observability_redaction'));
const output = captureOutput();
restoreEnvAfterEach();

const PASSWORD = 'Pa55word-that-must-never-be-logged';
const WRONG_PASSWORD = 'Wr0ng-password-that-must-never-be-logged';
const DB_PASSWORD = 'Db-pa55word-in-the-uri';

let instance: Instance | undefined;
let closedPort: number;

async function load(level: string, overrides: Record<string, string> = {}): Promise<Instance> {
  configureFunctions(DATABASE, { LOG_LEVEL: level, ...overrides });
  instance = await newInstance();
  return instance;
}

function http(
  handler: Instance['register'],
  path: string,
  init: {
    method?: string;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
    authorizer?: Record<string, string>;
    pathParameters?: Record<string, string>;
  },
) {
  return handler(proxyEvent({ path, ...init }), lambdaContext());
}

/** Fails naming the secret and the line it appears in. */
function expectNowhere(secrets: Record<string, string>): void {
  const text = output.text();
  expect(text.length).toBeGreaterThan(0);
  for (const [what, secret] of Object.entries(secrets)) {
    const line = text.split('\n').find((candidate) => candidate.includes(secret));
    expect({ what, line }).toEqual({ what, line: undefined });
  }
}

beforeAll(async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closedPort = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

afterEach(async () => {
  await instance?.closeDatabase();
  instance = undefined;
});

afterAll(async () => {
  await dropDatabase(DATABASE);
});

describe.each(['DEBUG', 'TRACE'])('at LOG_LEVEL=%s', (level) => {
  it('logs no password, hash, token or Authorization header through registration, login, me and the authorizer', async () => {
    const functions = await load(level);
    const email = `ada-${level.toLowerCase()}@example.com`;

    const registered = await http(functions.register, '/register', {
      body: { name: 'Ada', email, password: PASSWORD },
    });
    const { token } = JSON.parse(registered.body) as { token: string; user: { id: string } };
    const taken = await http(functions.register, '/register', { body: { name: 'Ada', email, password: PASSWORD } });
    const invalid = await http(functions.register, '/register', {
      body: { name: '', email: 'not-an-email', password: PASSWORD, extra: PASSWORD },
    });
    const malformed = await http(functions.register, '/register', { rawBody: `{"password":"${PASSWORD}"` });
    const loggedIn = await http(functions.login, '/login', { body: { email, password: PASSWORD } });
    const failed = await http(functions.login, '/login', { body: { email, password: WRONG_PASSWORD } });
    const unknown = await http(functions.login, '/login', {
      body: { email: 'nobody@example.com', password: WRONG_PASSWORD },
    });
    const loginInvalid = await http(functions.login, '/login', { body: { email, password: PASSWORD, token } });
    await functions.authorizer(tokenAuthorizerEvent(`Bearer ${token}`), lambdaContext());
    await expect(functions.authorizer(tokenAuthorizerEvent(`Bearer ${token}x`), lambdaContext())).rejects.toThrow(
      'Unauthorized',
    );
    await expect(
      functions.authorizer(tokenAuthorizerEvent(`Bearer ${token} ${PASSWORD}`), lambdaContext()),
    ).rejects.toThrow('Unauthorized');
    await expect(
      functions.authorizer(
        { type: 'REQUEST', authorizationToken: `Bearer ${token}`, methodArn: 'x' } as never,
        lambdaContext(),
      ),
    ).rejects.toThrow(/Authorizer failed/);
    const me = await http(functions.me, '/me', {
      headers: { Authorization: `Bearer ${token}` },
      authorizer: authorizedBy(token),
    });

    expect(
      [registered, taken, invalid, malformed, loggedIn, failed, unknown, loginInvalid, me].map((r) => r.statusCode),
    ).toEqual([201, 409, 400, 400, 200, 401, 401, 400, 200]);
    const client = await MongoClient.connect(DATABASE);
    const stored = await client.db().collection('users').findOne({ email });
    await client.close();
    const hash = String(stored?.passwordHash);
    expect(hash).toMatch(/^\$2b\$/);
    expectNowhere({
      password: PASSWORD,
      'wrong password': WRONG_PASSWORD,
      'password hash': hash,
      'hash salt': hash.slice(7, 29),
      token,
      'token signature': token.split('.')[2]!,
      'signing key': CURRENT_KEY.privatePem.split('\n')[1]!,
    });
  });

  it('logs no password, hash or token through refresh, reuse, logout, the session operations, a password change and account deletion', async () => {
    const functions = await load(level);
    const email = `grace-${level.toLowerCase()}@example.com`;
    const NEW_PASSWORD = 'N3w-password-that-must-never-be-logged';

    const registered = JSON.parse(
      (await http(functions.register, '/register', { body: { name: 'Grace', email, password: PASSWORD } })).body,
    ) as { token: string; refreshToken: string };
    const phone = JSON.parse((await http(functions.login, '/login', { body: { email, password: PASSWORD } })).body) as {
      token: string;
      refreshToken: string;
    };
    const refreshedResponse = await http(functions.refreshToken, '/token/refresh', {
      body: { refreshToken: registered.refreshToken },
    });
    const refreshed = JSON.parse(refreshedResponse.body) as { token: string; refreshToken: string };
    const reused = await http(functions.refreshToken, '/token/refresh', {
      body: { refreshToken: registered.refreshToken },
    });
    const malformed = await http(functions.refreshToken, '/token/refresh', {
      body: { refreshToken: `${PASSWORD} not a token` },
    });
    const second = JSON.parse(
      (await http(functions.login, '/login', { body: { email, password: PASSWORD } })).body,
    ) as { token: string; refreshToken: string };
    const listed = await http(functions.listSessions, '/me/sessions', { authorizer: authorizedBy(second.token) });
    const sid = (authorizedBy(phone.token) as { sid: string }).sid;
    const revokedOne = await http(functions.revokeSession, '/me/sessions/{sessionId}', {
      method: 'DELETE',
      pathParameters: { sessionId: sid },
      authorizer: authorizedBy(second.token),
    });
    const wrongCurrent = await http(functions.changePassword, '/me/password', {
      method: 'PUT',
      body: { currentPassword: WRONG_PASSWORD, newPassword: NEW_PASSWORD },
      authorizer: authorizedBy(second.token),
    });
    const changed = await http(functions.changePassword, '/me/password', {
      method: 'PUT',
      body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
      authorizer: authorizedBy(second.token),
    });
    const third = JSON.parse(
      (await http(functions.login, '/login', { body: { email, password: NEW_PASSWORD } })).body,
    ) as { token: string; refreshToken: string };
    const loggedOut = await http(functions.logout, '/logout', { body: { refreshToken: third.refreshToken } });
    const everywhere = await http(functions.revokeAllSessions, '/me/sessions', {
      method: 'DELETE',
      authorizer: authorizedBy(second.token),
    });
    const fourth = JSON.parse(
      (await http(functions.login, '/login', { body: { email, password: NEW_PASSWORD } })).body,
    ) as { token: string; refreshToken: string };
    const wrongDelete = await http(functions.deleteMe, '/me', {
      method: 'DELETE',
      body: { password: PASSWORD },
      authorizer: authorizedBy(fourth.token),
    });
    const deleted = await http(functions.deleteMe, '/me', {
      method: 'DELETE',
      body: { password: NEW_PASSWORD },
      authorizer: authorizedBy(fourth.token),
    });

    expect(
      [
        refreshedResponse,
        reused,
        malformed,
        listed,
        revokedOne,
        wrongCurrent,
        changed,
        loggedOut,
        everywhere,
        wrongDelete,
        deleted,
      ].map((r) => r.statusCode),
    ).toEqual([200, 401, 401, 200, 204, 401, 204, 204, 204, 401, 204]);
    const tokens = [registered, phone, refreshed, second, third, fourth];
    expectNowhere({
      password: PASSWORD,
      'wrong password': WRONG_PASSWORD,
      'new password': NEW_PASSWORD,
      ...Object.fromEntries(
        tokens.flatMap((t, i) => [
          [`refresh token ${i}`, t.refreshToken],
          [`access token ${i}`, t.token],
          [`access token signature ${i}`, t.token.split('.')[2]!],
        ]),
      ),
    });
  });

  it('logs neither the request nor the database password when the database is down', async () => {
    const functions = await load(level, {
      MONGODB_URI: `mongodb://admin:${DB_PASSWORD}@127.0.0.1:${closedPort}/outage`,
      MONGODB_SERVER_SELECTION_TIMEOUT_MS: '100',
    });

    const registration = await http(functions.register, '/register', {
      body: { name: 'Ada', email: 'ada@example.com', password: PASSWORD },
    });
    const login = await http(functions.login, '/login', { body: { email: 'ada@example.com', password: PASSWORD } });

    expect([registration.statusCode, login.statusCode]).toEqual([503, 503]);
    expect(output.text()).toContain('dependency unavailable');
    expectNowhere({ password: PASSWORD, 'database password': DB_PASSWORD });
  });

  it('logs the variable of a configuration error, never its value or the request', async () => {
    // A private key that is not the published one's: the one secret of the token configuration.
    const functions = await load(level, {
      JWT_SIGNING_PRIVATE_KEY: UNKNOWN_KEY.privatePem,
      MONGODB_URI: `not a uri ${DB_PASSWORD}`,
    });
    const registration = await http(functions.register, '/register', {
      body: { name: 'Ada', email: 'ada@example.com', password: PASSWORD },
    });
    const authorizer = (await load(level, { JWT_PUBLIC_KEYS: JSON.stringify({ k: `${PASSWORD}==` }) })).authorizer;
    await expect(authorizer(tokenAuthorizerEvent(`Bearer ${PASSWORD}.${PASSWORD}`), lambdaContext())).rejects.toThrow(
      /Authorizer failed/,
    );

    expect(registration.statusCode).toBe(500);
    expect(output.text()).toContain('configuration error');
    expect(output.text()).toContain('JWT_SIGNING_PRIVATE_KEY');
    expectNowhere({
      password: PASSWORD,
      'private key': UNKNOWN_KEY.privatePem.split('\n')[1]!,
      'database password': DB_PASSWORD,
    });
  });

  it('logs an unexpected error without the request that caused it', async () => {
    const functions = await load(level);
    const authorization = `Bearer ${PASSWORD}`;
    // A request that reaches the function without the authorizer's context, and one whose body cannot be read.
    const unauthorizedMe = await http(functions.me, '/me', { headers: { Authorization: authorization } });
    const broken = proxyEvent({
      path: '/login',
      headers: { Authorization: authorization },
      body: { email: 'ada@example.com', password: PASSWORD },
    });
    Object.defineProperty(broken, 'body', {
      get() {
        throw new TypeError('the body cannot be read');
      },
    });
    const login = await functions.login(broken, lambdaContext());

    expect([unauthorizedMe.statusCode, login.statusCode]).toEqual([500, 500]);
    expect(output.text()).toContain('the body cannot be read');
    expectNowhere({ password: PASSWORD });
  });
});
