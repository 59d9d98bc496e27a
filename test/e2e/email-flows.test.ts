/**
 * Email verification and password reset end to end through the local gateway, as `make dev` runs
 * them: real bundles, the forgot-password email sent by the function's own asynchronous
 * invocation through the local Lambda API, and every email read back from the local outbox's
 * /_local/emails, as a developer clicking the links would.
 */
import { expectHttpContract } from '../support/contract';
import type { LocalApi } from './support';
import { json, startLocalApi } from './support';

interface LocalEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  link: string;
  sentAt: string;
}

const ada = { name: 'Ada Lovelace', email: 'ada@example.com', password: 'correct-horse-battery-staple' };

describe('email flows through the local gateway', () => {
  let api: LocalApi;

  beforeAll(async () => {
    api = await startLocalApi({ ttlSeconds: 3600 });
  }, 120_000);
  afterAll(() => api.close());

  const bearer = (token: string): RequestInit => ({ headers: { Authorization: `Bearer ${token}` } });
  const emailsTo = async (address: string) => {
    const response = await api.call('/_local/emails');
    expect(response.status).toBe(200);
    return ((await response.json()) as LocalEmail[]).filter((email) => email.to === address);
  };
  const tokenOf = (email: LocalEmail | undefined) =>
    new URL(email?.link ?? 'http://none/').searchParams.get('token') ?? '';

  it('register → verification email in the outbox → verify → emailVerified: true', async () => {
    const registered = (await expectHttpContract('register', await api.call('/register', json(ada)))) as {
      token: string;
      user: { emailVerified: boolean };
    };
    expect(registered.user.emailVerified).toBe(false);
    const [email] = await emailsTo(ada.email);
    expect(email?.link).toMatch(/^http:\/\/app\.localhost\/verify-email\?token=/);

    const verified = await api.call('/email/verify', json({ token: tokenOf(email) }));
    expect(verified.status).toBe(204);
    const me = await expectHttpContract('me', await api.call('/me', bearer(registered.token)));
    expect(me).toMatchObject({ email: ada.email, emailVerified: true });

    const again = await api.call('/email/verify', json({ token: tokenOf(email) }));
    expect(await expectHttpContract('verifyEmail', again)).toMatchObject({
      type: 'urn:auth-api:problem:invalid-token',
    });
    const page = await api.call('/_local/outbox');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('ada@example.com');
  });

  it('forgot → reset email → reset: the old access token is refused under a warm cache, the new password logs in', async () => {
    const login = async (password: string) => api.call('/login', json({ email: ada.email, password }));
    const session = (await expectHttpContract('login', await login(ada.password))) as { token: string };
    expect((await api.call('/me', bearer(session.token))).status).toBe(200);

    const known = await api.call('/password/forgot', json({ email: ada.email }));
    expect(await expectHttpContract('forgotPassword', known)).toMatchObject({ accepted: true });
    const unknown = await api.call('/password/forgot', json({ email: 'nobody@example.com' }));
    expect(unknown.status).toBe(known.status);
    // Both requests handed their work to the function's asynchronous invocation; wait for both runs.
    const runs = await api.invocationsOf('forgotPassword', 2);
    expect(runs.map((run) => [run.invocationType, run.outcome])).toEqual([
      ['Event', 'success'],
      ['Event', 'success'],
    ]);
    expect(await emailsTo('nobody@example.com')).toEqual([]);
    const [resetEmail] = await emailsTo(ada.email);
    expect(resetEmail?.link).toMatch(/^http:\/\/app\.localhost\/reset-password\?token=/);

    const reset = await api.call(
      '/password/reset',
      json({ token: tokenOf(resetEmail), newPassword: 'a-brand-new-passphrase' }),
    );
    expect(reset.status).toBe(204);

    const after = await api.call('/me', bearer(session.token));
    expect(after.status).toBe(401);
    expect(api.lastRecord('/me').authorizer).toMatchObject({ cached: true, result: 'allowed' });
    expect((await login(ada.password)).status).toBe(401);
    expect((await login('a-brand-new-passphrase')).status).toBe(200);
    const reused = await api.call(
      '/password/reset',
      json({ token: tokenOf(resetEmail), newPassword: 'yet-another-passphrase' }),
    );
    expect(reused.status).toBe(400);
  });
});
