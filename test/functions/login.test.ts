import '../support/lambda-environment';
import bcrypt from 'bcryptjs';
import { handler as loginHandler } from '../../functions/login/handler';
import { handler as registerHandler } from '../../functions/register/handler';
import { useFunctionDatabase } from '../support/function-database';
import { TEST_AUDIENCE, TEST_ISSUER } from '../support/env';
import { CURRENT_KEY, verifyWith } from '../support/keys';
import { proxyEvent } from '../support/events';
import { invokeHttp } from '../support/invoke';
import { captureOutput, metricNames, requestLines } from '../support/output';

useFunctionDatabase('login');
const output = captureOutput();

const ada = { name: 'Ada Lovelace', email: 'ada@example.com', password: 'correct-horse-battery-staple' };
let adaId: string;

function login(body: unknown) {
  return invokeHttp('login', loginHandler, proxyEvent({ path: '/login', body }));
}

beforeAll(async () => {
  const registered = await invokeHttp('register', registerHandler, proxyEvent({ path: '/register', body: ada }));
  adaId = (registered.body.user as { id: string }).id;
});

describe('login', () => {
  it('answers 200 with a token for the user when the password is right', async () => {
    const { response, body } = await login({ email: ada.email, password: ada.password });

    expect(response.statusCode).toBe(200);
    expect(Object.keys(body).sort()).toEqual([
      'auth',
      'expiresIn',
      'refreshExpiresIn',
      'refreshToken',
      'token',
      'tokenType',
    ]);
    expect(body).toMatchObject({ auth: true, tokenType: 'Bearer', expiresIn: 3600, refreshExpiresIn: 30 * 86_400 });
    const claims = verifyWith(CURRENT_KEY, body.token as string, { issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
    expect(claims.sub).toBe(adaId);
    expect(claims.sid).toMatch(/^[0-9a-f]{24}$/);
    expect(body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('finds the user whatever the case and spacing of the email', async () => {
    const { response } = await login({ email: '  ADA@Example.com ', password: ada.password });

    expect(response.statusCode).toBe(200);
  });

  it('gives the same 401 for a wrong password and for an unknown email', async () => {
    const wrongPassword = await login({ email: ada.email, password: 'not-the-password' });
    const unknownEmail = await login({ email: 'nobody@example.com', password: ada.password });

    expect(wrongPassword.response.statusCode).toBe(401);
    expect(unknownEmail.response.statusCode).toBe(401);
    expect(wrongPassword.body).toEqual(unknownEmail.body);
    expect(wrongPassword.body).toEqual({
      type: 'urn:auth-api:problem:invalid-credentials',
      title: 'Invalid credentials',
      status: 401,
      detail: 'The email or password is incorrect',
    });
  });

  it('runs one bcrypt comparison for an unknown email, as for a known one', async () => {
    const compare = jest.spyOn(bcrypt, 'compare');
    try {
      await login({ email: 'nobody@example.com', password: 'whatever-password' });
      expect(compare).toHaveBeenCalledTimes(1);
      compare.mockClear();
      await login({ email: ada.email, password: 'whatever-password' });
      expect(compare).toHaveBeenCalledTimes(1);
    } finally {
      compare.mockRestore();
    }
  });

  it('refuses a password over 72 bytes even when its first 72 bytes are the password', async () => {
    // 36 two-byte characters: exactly bcrypt's 72 bytes, while the schema counts 36 characters.
    const password = 'ü'.repeat(36);
    await invokeHttp(
      'register',
      registerHandler,
      proxyEvent({ path: '/register', body: { name: 'Umlaut', email: 'umlaut@example.com', password } }),
    );

    const { response, body } = await login({ email: 'umlaut@example.com', password: `${password}zzz` });

    expect(response.statusCode).toBe(400);
    expect(body.errors).toEqual([
      { path: '/password', message: 'must be at most 72 bytes of UTF-8 (bcrypt ignores the rest)' },
    ]);
    expect((await login({ email: 'umlaut@example.com', password })).response.statusCode).toBe(200);
  });

  it('logs invalid_credentials for both failures and counts them as one metric', async () => {
    await login({ email: ada.email, password: 'not-the-password' });
    await login({ email: 'nobody@example.com', password: 'not-the-password' });

    expect(requestLines(output).map((line) => [line.status, line.outcome])).toEqual([
      [401, 'invalid_credentials'],
      [401, 'invalid_credentials'],
    ]);
    expect(metricNames(output)).toEqual(['DbConnectionReused', 'LoginFailed', 'DbConnectionReused', 'LoginFailed']);
    expect(output.text()).not.toContain('not-the-password');
  });

  it('counts a successful login', async () => {
    await login({ email: ada.email, password: ada.password });

    expect(metricNames(output)).toEqual(['DbConnectionReused', 'LoginSucceeded', 'SessionCreated']);
    expect(requestLines(output)[0]).toMatchObject({ operation: 'login', status: 200, outcome: 'logged_in' });
  });
});
