/**
 * New passwords through the functions that set them (register, PUT /me/password): common and
 * breached passwords and ones made of the user's name or email are a 400 naming the field. The
 * breached-password service is on here, played by a stand-in on 127.0.0.1.
 */
import '../support/lambda-environment';
import { handler as changePasswordHandler } from '../../functions/changePassword/handler';
import { handler as loginHandler } from '../../functions/login/handler';
import { handler as registerHandler } from '../../functions/register/handler';
import { setEnv } from '../support/env';
import { authorizedBy, proxyEvent } from '../support/events';
import { useFunctionDatabase } from '../support/function-database';
import { invokeHttp } from '../support/invoke';
import { captureOutput } from '../support/output';
import { BREACHED_PASSWORD, pwnedStandIn } from '../support/pwned-stand-in';

const database = useFunctionDatabase('password-policy');
const output = captureOutput();
const service = pwnedStandIn();

beforeAll(async () => {
  setEnv({
    PWNED_PASSWORDS_CHECK: 'on',
    PWNED_PASSWORDS_URL: await service.listen(),
    PWNED_PASSWORDS_TIMEOUT_MS: '200',
  });
});
afterAll(() => service.close());
beforeEach(() => service.setMode('up'));

const STRONG = 'correct-horse-battery-staple';
let users = 0;

function register(password: string, name = 'Ada Lovelace') {
  users += 1;
  return invokeHttp(
    'register',
    registerHandler,
    proxyEvent({ path: '/register', body: { name, email: `ada.byron+${users}@example.com`, password } }),
  );
}

describe('POST /register', () => {
  it.each([
    [
      'a common password',
      'Password123',
      'is one of the most common passwords, which attackers try first; choose one that is harder to guess (a few unrelated words work well)',
    ],
    [
      'a breached password',
      BREACHED_PASSWORD,
      'has appeared in a data breach, so attackers will try it; choose a different one',
    ],
    [
      'a password containing the name',
      'lovelace-forever',
      'must not contain your name or the part of your email address before the @',
    ],
    [
      'a password containing the email’s local part',
      'i-am-ada.byron',
      'must not contain your name or the part of your email address before the @',
    ],
  ])('refuses %s with a 400 naming /password, and stores nothing', async (_what, password, message) => {
    const before = await database.users().countDocuments();

    const { response, body } = await register(password);

    expect(response.statusCode).toBe(400);
    expect(body).toMatchObject({ type: 'urn:auth-api:problem:validation', errors: [{ path: '/password', message }] });
    expect(await database.users().countDocuments()).toBe(before);
    expect(output.metrics().filter((metric) => metric.name === 'PasswordRejected')).toHaveLength(1);
  });

  it('accepts a password no rule refuses; no rule about character classes', async () => {
    expect((await register('zebra lantern quietly')).response.statusCode).toBe(201);
  });

  it('registers with a breached password when the breach service is down, and counts PwnedCheckUnavailable', async () => {
    service.setMode('error');

    const { response } = await register(BREACHED_PASSWORD);

    expect(response.statusCode).toBe(201);
    expect(output.metrics().map((metric) => metric.name)).toContain('PwnedCheckUnavailable');
  });

  it('logs in with the password typed in another Unicode form than at registration', async () => {
    const composed = 'Crème brûlée à Noël'.normalize('NFC');
    const registered = await register(composed);
    expect(registered.response.statusCode).toBe(201);

    const email = (registered.body.user as { email: string }).email;
    const { response } = await invokeHttp(
      'login',
      loginHandler,
      proxyEvent({ path: '/login', body: { email, password: composed.normalize('NFD') } }),
    );

    expect(response.statusCode).toBe(200);
  });
});

describe('PUT /me/password', () => {
  it('refuses a common, breached or personal new password with a 400 naming /newPassword, and keeps the old one', async () => {
    const { body } = await register(STRONG);
    const change = (newPassword: string) =>
      invokeHttp(
        'changePassword',
        changePasswordHandler,
        proxyEvent({
          method: 'PUT',
          path: '/me/password',
          body: { currentPassword: STRONG, newPassword },
          authorizer: authorizedBy(body.token as string),
        }),
      );

    for (const newPassword of ['qwertyuiop', BREACHED_PASSWORD, 'AdaLovelace1815']) {
      const refused = await change(newPassword);
      expect(refused.response.statusCode).toBe(400);
      expect(refused.body.errors).toEqual([{ path: '/newPassword', message: expect.any(String) as string }]);
    }
    expect((await change('a-new-and-longer-passphrase')).response.statusCode).toBe(204);
  });
});
