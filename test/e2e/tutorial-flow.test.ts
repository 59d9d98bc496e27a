/**
 * The original tutorial's flow, end to end over HTTP: the real bundles behind the local gateway, on
 * the embedded MongoDB, each answer checked against openapi.yaml.
 */
import { expectHttpContract } from '../support/contract';
import type { LocalApi } from './support';
import { json, startLocalApi } from './support';

interface Registered {
  token: string;
  user: { id: string; email: string; name: string };
}

const ada = { name: 'Ada Lovelace', email: 'ada@example.com', password: 'correct-horse-battery-staple' };
/** What API Gateway answers by itself carries only fixed headers: no X-Request-Id. */
const GATEWAY_ANSWER = { absentHeaders: ['X-Request-Id'] };

describe('the tutorial flow on the local API', () => {
  let api: LocalApi;
  let registered: Registered;

  beforeAll(async () => {
    api = await startLocalApi();
  }, 120_000);
  afterAll(() => api.close());

  it('registers a user and returns a token', async () => {
    const response = await api.call('/register', json(ada));

    expect(response.status).toBe(201);
    registered = (await expectHttpContract('register', response)) as Registered;
    expect(registered.user).toMatchObject({ name: ada.name, email: ada.email });
    expect(api.lastRecord('/register')).toMatchObject({ functionKey: 'register', coldStart: true });
  });

  it('returns the user to /me with the token as a Bearer token', async () => {
    const response = await api.call('/me', { headers: { Authorization: `Bearer ${registered.token}` } });

    expect(response.status).toBe(200);
    expect(await expectHttpContract('me', response)).toMatchObject({ id: registered.user.id, email: ada.email });
    expect(api.lastRecord('/me').authorizer).toMatchObject({ invoked: true, cached: false, result: 'allowed' });
  });

  it('accepts the bare token too, as older clients send it', async () => {
    const response = await api.call('/me', { headers: { Authorization: registered.token } });

    expect(response.status).toBe(200);
    expect(await expectHttpContract('me', response)).toMatchObject({ id: registered.user.id });
  });

  it.each(['bearer', 'BEARER', 'bEaReR'])(
    'accepts the scheme written %s, as schemes are case-insensitive',
    async (scheme) => {
      const response = await api.call('/me', { headers: { Authorization: `${scheme} ${registered.token}` } });

      expect(response.status).toBe(200);
      expect(await expectHttpContract('me', response)).toMatchObject({ id: registered.user.id });
    },
  );

  it('answers a repeated token from the authorizer cache', async () => {
    const response = await api.call('/me', { headers: { Authorization: `Bearer ${registered.token}` } });

    expect(response.status).toBe(200);
    expect(api.lastRecord('/me').authorizer).toMatchObject({ invoked: false, cached: true });
  });

  it('logs in with the same credentials, and the new token works', async () => {
    const login = await api.call('/login', json({ email: ada.email, password: ada.password }));

    expect(login.status).toBe(200);
    const { token } = (await expectHttpContract('login', login)) as { token: string };
    const me = await api.call('/me', { headers: { Authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
  });

  it('lists the users without their emails', async () => {
    const response = await api.call('/users');

    expect(response.status).toBe(200);
    const page = (await expectHttpContract('listUsers', response)) as { items: Array<Record<string, unknown>> };
    expect(page.items).toEqual([expect.objectContaining({ id: registered.user.id, name: ada.name })]);
    expect(JSON.stringify(page)).not.toContain(ada.email);
  });

  it('refuses /me without a token, with the gateway’s 401 problem', async () => {
    const response = await api.call('/me');

    expect(response.status).toBe(401);
    expect(await expectHttpContract('me', response, GATEWAY_ANSWER)).toMatchObject({
      type: 'urn:auth-api:problem:unauthorized',
      status: 401,
    });
    expect(api.lastRecord('/me').authorizer).toMatchObject({ invoked: false });
  });

  it('refuses a token with a forged signature, after asking the authorizer', async () => {
    const [header, payload] = registered.token.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(43)}`;

    const response = await api.call('/me', { headers: { Authorization: `Bearer ${forged}` } });

    expect(response.status).toBe(401);
    expect(await expectHttpContract('me', response, GATEWAY_ANSWER)).toMatchObject({
      type: 'urn:auth-api:problem:unauthorized',
    });
    expect(api.lastRecord('/me').authorizer).toMatchObject({ invoked: true, result: 'unauthorized' });
  });

  it('answers a second registration of the email with 409', async () => {
    const response = await api.call('/register', json(ada));

    expect(response.status).toBe(409);
    expect(await expectHttpContract('register', response)).toMatchObject({ type: 'urn:auth-api:problem:email-taken' });
  });

  it('keeps the registered users when the functions are replaced by a hot reload', async () => {
    api.gateway.reloadFunctions();

    const response = await api.call('/login', json({ email: ada.email, password: ada.password }));

    expect(response.status).toBe(200);
    expect(api.lastRecord('/login')).toMatchObject({ coldStart: true });
  });
});
