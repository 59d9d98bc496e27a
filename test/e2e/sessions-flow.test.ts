/**
 * The session lifecycle end to end through the local gateway, on real bundles: refresh tokens
 * rotate, a reused one ends the session, and the session's access token is refused on /me at once,
 * while the gateway still serves the authorizer's cached Allow for it.
 */
import { expectHttpContract } from '../support/contract';
import type { LocalApi } from './support';
import { json, startLocalApi } from './support';

interface Tokens {
  token: string;
  refreshToken: string;
}

const ada = { name: 'Ada Lovelace', email: 'ada@example.com', password: 'correct-horse-battery-staple' };

describe('sessions through the local gateway', () => {
  let api: LocalApi;

  beforeAll(async () => {
    api = await startLocalApi({ ttlSeconds: 3600 });
  }, 120_000);
  afterAll(() => api.close());

  const bearer = (token: string): RequestInit => ({ headers: { Authorization: `Bearer ${token}` } });
  const refresh = (refreshToken: string) => api.call('/token/refresh', json({ refreshToken }));

  it('register → refresh → refresh → reuse of the first refresh token: the session ends, its access token is refused under a warm cache', async () => {
    const registered = (await expectHttpContract('register', await api.call('/register', json(ada)))) as Tokens;
    const first = await refresh(registered.refreshToken);
    const firstTokens = (await expectHttpContract('refreshToken', first)) as Tokens;
    const second = await refresh(firstTokens.refreshToken);
    const secondTokens = (await expectHttpContract('refreshToken', second)) as Tokens;
    expect([first.status, second.status]).toEqual([200, 200]);

    const warm = await api.call('/me', bearer(secondTokens.token));
    expect(warm.status).toBe(200);
    expect(api.lastRecord('/me').authorizer).toMatchObject({ invoked: true, cached: false, result: 'allowed' });

    const reused = await refresh(registered.refreshToken);
    expect(reused.status).toBe(401);
    expect(await expectHttpContract('refreshToken', reused)).toMatchObject({
      type: 'urn:auth-api:problem:invalid-refresh-token',
    });

    const after = await api.call('/me', bearer(secondTokens.token));
    expect(after.status).toBe(401);
    expect(await expectHttpContract('me', after)).toMatchObject({ type: 'urn:auth-api:problem:unauthorized' });
    expect(api.lastRecord('/me').authorizer).toMatchObject({ invoked: false, cached: true, result: 'allowed' });
    expect((await refresh(secondTokens.refreshToken)).status).toBe(401);
  });

  it('lists, ends one and logs out of sessions over HTTP, DELETE bodies and path parameters included', async () => {
    const login = async () =>
      (await expectHttpContract(
        'login',
        await api.call('/login', json({ email: ada.email, password: ada.password })),
      )) as Tokens;
    const laptop = await login();
    const phone = await login();

    const listed = (await expectHttpContract('listSessions', await api.call('/me/sessions', bearer(laptop.token)))) as {
      items: Array<{ id: string; current: boolean }>;
    };
    expect(listed.items.filter((s) => s.current)).toHaveLength(1);
    const phoneSession = listed.items.find((s) => !s.current)!;

    const ended = await api.call(`/me/sessions/${phoneSession.id}`, { method: 'DELETE', ...bearer(laptop.token) });
    expect(ended.status).toBe(204);
    await expectHttpContract('revokeSession', ended);
    expect((await api.call('/me', bearer(phone.token))).status).toBe(401);

    const changed = await api.call('/me/password', {
      method: 'PUT',
      headers: { Authorization: `Bearer ${laptop.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ currentPassword: ada.password, newPassword: 'a-new-and-longer-passphrase' }),
    });
    expect(changed.status).toBe(204);

    const loggedOut = await api.call('/logout', json({ refreshToken: laptop.refreshToken }));
    expect(loggedOut.status).toBe(204);
    await expectHttpContract('logout', loggedOut);
    expect((await api.call('/me', bearer(laptop.token))).status).toBe(401);

    const again = (await expectHttpContract(
      'login',
      await api.call('/login', json({ email: ada.email, password: 'a-new-and-longer-passphrase' })),
    )) as Tokens;
    const deleted = await api.call('/me', {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${again.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ password: 'a-new-and-longer-passphrase' }),
    });
    expect(deleted.status).toBe(204);
    expect((await api.call('/register', json(ada))).status).toBe(201);
  });
});
