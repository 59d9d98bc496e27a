/**
 * Sessions that can end: refresh with rotation and reuse detection, logout, the session list,
 * revocation, password change and account deletion, each invoked through its handler with real
 * API Gateway events on the embedded MongoDB, every answer checked against the contract.
 */
import '../support/lambda-environment';
import jwt from 'jsonwebtoken';
import { ObjectId } from 'mongodb';
import { handler as changePasswordHandler } from '../../functions/changePassword/handler';
import { handler as deleteMeHandler } from '../../functions/deleteMe/handler';
import { handler as listSessionsHandler } from '../../functions/listSessions/handler';
import { handler as loginHandler } from '../../functions/login/handler';
import { handler as logoutHandler } from '../../functions/logout/handler';
import { handler as meHandler } from '../../functions/me/handler';
import { handler as refreshHandler } from '../../functions/refreshToken/handler';
import { handler as registerHandler } from '../../functions/register/handler';
import { handler as revokeAllSessionsHandler } from '../../functions/revokeAllSessions/handler';
import { handler as revokeSessionHandler } from '../../functions/revokeSession/handler';
import { useTestClock } from '../support/clock';
import { authorizedBy, proxyEvent } from '../support/events';
import type { ProxyRequest } from '../support/events';
import { useFunctionDatabase } from '../support/function-database';
import { invokeHttp } from '../support/invoke';
import type { HttpHandler } from '../support/invoke';
import { captureOutput, metricNames, requestLines } from '../support/output';

const database = useFunctionDatabase('sessions');
const output = captureOutput();
const clock = useTestClock();

interface Tokens {
  token: string;
  refreshToken: string;
  expiresIn: number;
  refreshExpiresIn: number;
}

const PASSWORD = 'correct-horse-battery-staple';
let counter = 0;

function call(operationId: string, handler: HttpHandler, request: ProxyRequest) {
  return invokeHttp(operationId, handler, proxyEvent(request));
}

/** A new user, signed in once: their first session. */
async function newUser(): Promise<Tokens & { email: string; userId: string }> {
  counter += 1;
  const email = `user${counter}@example.com`;
  const { response, body } = await call('register', registerHandler, {
    path: '/register',
    body: { name: `User ${counter}`, email, password: PASSWORD },
  });
  expect(response.statusCode).toBe(201);
  return { ...(body as unknown as Tokens), email, userId: (body.user as { id: string }).id };
}

async function login(email: string, password = PASSWORD, userAgent = 'jest'): Promise<Tokens> {
  const { response, body } = await call('login', loginHandler, {
    path: '/login',
    body: { email, password },
    headers: { 'User-Agent': userAgent },
  });
  expect(response.statusCode).toBe(200);
  return body as unknown as Tokens;
}

const refresh = (refreshToken: unknown) =>
  call('refreshToken', refreshHandler, { path: '/token/refresh', body: { refreshToken } });
const logout = (refreshToken: unknown) => call('logout', logoutHandler, { path: '/logout', body: { refreshToken } });
const me = (token: string) => call('me', meHandler, { path: '/me', authorizer: authorizedBy(token) });
const listSessions = (token: string) =>
  call('listSessions', listSessionsHandler, { path: '/me/sessions', authorizer: authorizedBy(token) });
const sessionIdOf = (token: string) => (jwt.decode(token) as { sid: string }).sid;

const INVALID_REFRESH = {
  type: 'urn:auth-api:problem:invalid-refresh-token',
  title: 'Invalid refresh token',
  status: 401,
  detail: 'The refresh token is not valid; log in again',
};

describe('POST /token/refresh', () => {
  it('answers a new access token and a new refresh token for the same session', async () => {
    const user = await newUser();

    const { response, body } = await refresh(user.refreshToken);

    expect(response.statusCode).toBe(200);
    expect(body.refreshToken).not.toBe(user.refreshToken);
    expect(body.token).not.toBe(user.token);
    expect(sessionIdOf(body.token as string)).toBe(sessionIdOf(user.token));
    expect((await me(body.token as string)).response.statusCode).toBe(200);
    expect(metricNames(output)).toContain('RefreshSucceeded');
  });

  it('makes every refresh token single use: the second use ends the session, its access tokens included', async () => {
    const user = await newUser();
    const first = await refresh(user.refreshToken);
    const second = await refresh(first.body.refreshToken);
    expect(second.response.statusCode).toBe(200);
    output.clear();

    const reused = await refresh(user.refreshToken);

    expect(reused.response.statusCode).toBe(401);
    expect(reused.body).toEqual(INVALID_REFRESH);
    const session = await database.sessions().findOne({ _id: new ObjectId(sessionIdOf(user.token)) });
    expect(session).toMatchObject({ revokeReason: 'reuse', revokedAt: expect.any(Date) });
    expect((await refresh(second.body.refreshToken)).response.statusCode).toBe(401);
    expect((await me(second.body.token as string)).response.statusCode).toBe(401);
    const warning = output.logs().find((line) => line.message === 'refresh token reused: session revoked');
    expect(warning).toMatchObject({ level: 'WARN', session_id: sessionIdOf(user.token) });
    expect(JSON.stringify(output.logs())).not.toContain(user.refreshToken);
  });

  it('counts a reuse, the revocation and the refusal by reason', async () => {
    const user = await newUser();
    await refresh(user.refreshToken);
    output.clear();

    await refresh(user.refreshToken);

    expect(output.metrics()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'RefreshRefused', dimensions: expect.objectContaining({ reason: 'reuse' }) }),
        expect.objectContaining({ name: 'RefreshTokenReuse' }),
        expect.objectContaining({ name: 'SessionRevoked', dimensions: expect.objectContaining({ reason: 'reuse' }) }),
      ]),
    );
  });

  it('lets exactly one of concurrent refreshes with one token succeed', async () => {
    const user = await newUser();

    const answers = await Promise.all(Array.from({ length: 10 }, () => refresh(user.refreshToken)));

    expect(answers.map((a) => a.response.statusCode).sort()).toEqual([200, ...Array.from({ length: 9 }, () => 401)]);
  });

  it.each([
    ['malformed', 'not a refresh token'],
    ['unknown', 'A'.repeat(43)],
    ['empty-looking', ' '],
  ])('answers the same 401 for a %s token', async (_what, token) => {
    const { response, body } = await refresh(token);

    expect(response.statusCode).toBe(401);
    expect(body).toEqual(INVALID_REFRESH);
  });

  it('answers 400 naming the field when the body has no refresh token', async () => {
    const { response, body } = await call('refreshToken', refreshHandler, { path: '/token/refresh', body: {} });

    expect(response.statusCode).toBe(400);
    expect(body.errors).toEqual([{ path: '/refreshToken', message: 'is required' }]);
  });

  it('refuses a session idle for longer than SESSION_IDLE_TTL, and keeps one refreshed in time', async () => {
    const idle = await newUser();
    const active = await newUser();

    clock.advance(6 * 86_400);
    const kept = await refresh(active.refreshToken);
    clock.advance(2 * 86_400);

    expect((await refresh(idle.refreshToken)).response.statusCode).toBe(401);
    expect(requestLines(output).at(-1)).toMatchObject({ outcome: 'refresh_refused', reason: 'idle' });
    expect((await refresh(kept.body.refreshToken)).response.statusCode).toBe(200);
  });

  it('refuses a session past REFRESH_TOKEN_TTL however often it was refreshed', async () => {
    const user = await newUser();
    let refreshToken = user.refreshToken;
    for (let day = 5; day < 30; day += 5) {
      clock.advance(5 * 86_400);
      const refreshed = await refresh(refreshToken);
      expect(refreshed.response.statusCode).toBe(200);
      refreshToken = refreshed.body.refreshToken as string;
    }
    clock.advance(5 * 86_400);

    const { response } = await refresh(refreshToken);

    expect(response.statusCode).toBe(401);
    expect(requestLines(output).at(-1)).toMatchObject({ outcome: 'refresh_refused', reason: 'expired' });
  });

  it('says how long the session has left, shrinking as it ages', async () => {
    const user = await newUser();
    expect(user.refreshExpiresIn).toBe(30 * 86_400);
    clock.advance(86_400);

    const { body } = await refresh(user.refreshToken);

    expect(body.refreshExpiresIn).toBe(29 * 86_400);
  });
});

describe('POST /logout', () => {
  it('ends the session: its refresh token and its access token stop working at once', async () => {
    const user = await newUser();

    const { response } = await logout(user.refreshToken);

    expect(response.statusCode).toBe(204);
    expect((await refresh(user.refreshToken)).response.statusCode).toBe(401);
    expect((await me(user.token)).response.statusCode).toBe(401);
  });

  it('answers 204 again, and for unknown and malformed tokens', async () => {
    const user = await newUser();
    await logout(user.refreshToken);

    for (const token of [user.refreshToken, 'B'.repeat(43), 'nonsense'])
      expect((await logout(token)).response.statusCode).toBe(204);
  });

  it('leaves the user signed in elsewhere', async () => {
    const user = await newUser();
    const phone = await login(user.email);

    await logout(user.refreshToken);

    expect((await me(phone.token)).response.statusCode).toBe(200);
  });
});

describe('GET /me/sessions', () => {
  it('lists the live sessions newest first, marking the current one, showing where each began', async () => {
    const user = await newUser();
    clock.advance(60);
    const phone = await login(user.email, PASSWORD, 'Phone/1.0 \u00e9\u0000');
    clock.advance(60);
    const ended = await login(user.email);
    await logout(ended.refreshToken);

    const { response, body } = await listSessions(user.token);

    expect(response.statusCode).toBe(200);
    const items = body.items as Array<{ id: string; current: boolean; userAgent: string; ipAddress: string }>;
    expect(items.map((s) => s.id)).toEqual([sessionIdOf(phone.token), sessionIdOf(user.token)]);
    expect(items.map((s) => s.current)).toEqual([false, true]);
    expect(items[0]).toMatchObject({ userAgent: 'Phone/1.0 ??', ipAddress: '203.0.113.7' });
  });

  it("never lists another user's sessions", async () => {
    const ada = await newUser();
    await newUser();

    const { body } = await listSessions(ada.token);

    expect((body.items as unknown[]).length).toBe(1);
  });
});

describe('DELETE /me/sessions/{sessionId}', () => {
  const revoke = (token: string, sessionId: string) =>
    call('revokeSession', revokeSessionHandler, {
      method: 'DELETE',
      path: '/me/sessions/{sessionId}',
      pathParameters: { sessionId },
      authorizer: authorizedBy(token),
    });

  it('ends one session of the caller: its tokens stop working, the others go on', async () => {
    const user = await newUser();
    const phone = await login(user.email);

    const { response } = await revoke(user.token, sessionIdOf(phone.token));

    expect(response.statusCode).toBe(204);
    expect((await me(phone.token)).response.statusCode).toBe(401);
    expect((await refresh(phone.refreshToken)).response.statusCode).toBe(401);
    expect((await me(user.token)).response.statusCode).toBe(200);
  });

  it("answers one 404 for another user's session, an ended one and one that never existed", async () => {
    const user = await newUser();
    const other = await newUser();
    const ended = await login(user.email);
    await logout(ended.refreshToken);

    const answers = await Promise.all(
      [sessionIdOf(other.token), sessionIdOf(ended.token), new ObjectId().toHexString()].map((id) =>
        revoke(user.token, id),
      ),
    );

    expect(answers.map((a) => a.response.statusCode)).toEqual([404, 404, 404]);
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect((await me(other.token)).response.statusCode).toBe(200);
  });

  it('answers 400 naming sessionId for an id of another shape', async () => {
    const user = await newUser();

    const { response, body } = await revoke(user.token, 'all');

    expect(response.statusCode).toBe(400);
    expect(body.errors).toEqual([{ path: 'sessionId', message: expect.any(String) }]);
  });
});

describe('DELETE /me/sessions', () => {
  it('logs out everywhere, the current session included', async () => {
    const user = await newUser();
    const phone = await login(user.email);

    const { response } = await call('revokeAllSessions', revokeAllSessionsHandler, {
      method: 'DELETE',
      path: '/me/sessions',
      authorizer: authorizedBy(user.token),
    });

    expect(response.statusCode).toBe(204);
    for (const tokens of [user, phone]) {
      expect((await me(tokens.token)).response.statusCode).toBe(401);
      expect((await refresh(tokens.refreshToken)).response.statusCode).toBe(401);
    }
  });
});

describe('PUT /me/password', () => {
  const change = (token: string, body: unknown) =>
    call('changePassword', changePasswordHandler, {
      method: 'PUT',
      path: '/me/password',
      body,
      authorizer: authorizedBy(token),
    });

  it('sets the new password and ends every other session, keeping the current one', async () => {
    const user = await newUser();
    const stolen = await login(user.email);

    const { response } = await change(user.token, { currentPassword: PASSWORD, newPassword: 'a-brand-new-passphrase' });

    expect(response.statusCode).toBe(204);
    expect((await me(stolen.token)).response.statusCode).toBe(401);
    expect((await refresh(stolen.refreshToken)).response.statusCode).toBe(401);
    expect((await me(user.token)).response.statusCode).toBe(200);
    expect((await refresh(user.refreshToken)).response.statusCode).toBe(200);
    const old = await call('login', loginHandler, { path: '/login', body: { email: user.email, password: PASSWORD } });
    expect(old.response.statusCode).toBe(401);
    await login(user.email, 'a-brand-new-passphrase');
  });

  it('answers 401 invalid-credentials for a wrong current password, changing nothing', async () => {
    const user = await newUser();
    const other = await login(user.email);

    const { response, body } = await change(user.token, {
      currentPassword: 'not-the-password',
      newPassword: 'a-brand-new-passphrase',
    });

    expect(response.statusCode).toBe(401);
    expect(body).toMatchObject({
      type: 'urn:auth-api:problem:invalid-credentials',
      detail: 'The password is incorrect',
    });
    expect((await me(other.token)).response.statusCode).toBe(200);
    await login(user.email);
  });

  it('answers 400 when the new password breaks the register rules', async () => {
    const user = await newUser();

    const short = await change(user.token, { currentPassword: PASSWORD, newPassword: 'short' });
    const long = await change(user.token, { currentPassword: PASSWORD, newPassword: 'é'.repeat(37) });

    expect(short.body.errors).toEqual([{ path: '/newPassword', message: 'must NOT have fewer than 8 characters' }]);
    expect(long.body.errors).toEqual([
      { path: '/newPassword', message: 'must be at most 72 bytes of UTF-8 (bcrypt ignores the rest)' },
    ]);
  });
});

describe('DELETE /me', () => {
  const remove = (token: string, body: unknown) =>
    call('deleteMe', deleteMeHandler, { method: 'DELETE', path: '/me', body, authorizer: authorizedBy(token) });

  it('deletes the user and all their sessions; the email can register again', async () => {
    const user = await newUser();
    const phone = await login(user.email);

    const { response } = await remove(user.token, { password: PASSWORD });

    expect(response.statusCode).toBe(204);
    expect(await database.users().countDocuments({ email: user.email })).toBe(0);
    expect(await database.sessions().countDocuments({ userId: new ObjectId(user.userId) })).toBe(0);
    expect((await me(phone.token)).response.statusCode).toBe(401);
    expect((await refresh(phone.refreshToken)).response.statusCode).toBe(401);
    const again = await call('register', registerHandler, {
      path: '/register',
      body: { name: 'Again', email: user.email, password: PASSWORD },
    });
    expect(again.response.statusCode).toBe(201);
  });

  it('answers 401 for a wrong password and deletes nothing', async () => {
    const user = await newUser();

    const { response } = await remove(user.token, { password: 'not-the-password' });

    expect(response.statusCode).toBe(401);
    expect(await database.users().countDocuments({ email: user.email })).toBe(1);
  });
});
