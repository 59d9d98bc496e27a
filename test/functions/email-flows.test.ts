/**
 * Email verification and password reset through the functions, with the emails read from a local
 * outbox and the forgot-password job queued on a stand-in for Lambda and run when the test says.
 * Expiry is judged on a moved clock, never waited for.
 */
import '../support/lambda-environment';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { handler as forgotPasswordHandler } from '../../functions/forgotPassword/handler';
import { handler as loginHandler } from '../../functions/login/handler';
import { handler as meHandler } from '../../functions/me/handler';
import { handler as refreshHandler } from '../../functions/refreshToken/handler';
import { handler as registerHandler } from '../../functions/register/handler';
import { handler as resetPasswordHandler } from '../../functions/resetPassword/handler';
import { handler as sendEmailVerificationHandler } from '../../functions/sendEmailVerification/handler';
import { handler as verifyEmailHandler } from '../../functions/verifyEmail/handler';
import { database } from '../../functions/shared/db';
import { MetricName } from '../../functions/shared/observability';
import { useTestClock } from '../support/clock';
import { setEnv, TEST_ORIGIN } from '../support/env';
import { authorizedBy, proxyEvent } from '../support/events';
import { useFunctionDatabase } from '../support/function-database';
import type { HttpHandler } from '../support/invoke';
import { invokeHttp } from '../support/invoke';
import { useLambdaStandIn } from '../support/lambda-stand-in';
import { useTestOutbox } from '../support/outbox';
import { captureOutput } from '../support/output';

const testDatabase = useFunctionDatabase('email_flows');
const outbox = useTestOutbox();
const lambda = useLambdaStandIn('auth-api-test-forgotPassword');
const clock = useTestClock();
const output = captureOutput();

const forgotHandler = forgotPasswordHandler as unknown as HttpHandler;

let users = 0;
interface Registered {
  email: string;
  password: string;
  token: string;
  refreshToken: string;
}
async function registerUser(name = 'Ada Lovelace'): Promise<Registered> {
  users += 1;
  const user = { name, email: `user${users}@example.com`, password: 'correct-horse-battery-staple' };
  const { response, body } = await invokeHttp(
    'register',
    registerHandler,
    proxyEvent({ path: '/register', body: user }),
  );
  expect(response.statusCode).toBe(201);
  return { ...user, token: body.token as string, refreshToken: body.refreshToken as string };
}

const me = (token: string) =>
  invokeHttp('me', meHandler, proxyEvent({ path: '/me', method: 'GET', authorizer: authorizedBy(token) }));
const verify = (token: string) =>
  invokeHttp('verifyEmail', verifyEmailHandler, proxyEvent({ path: '/email/verify', body: { token } }));
const resend = (accessToken: string) =>
  invokeHttp(
    'sendEmailVerification',
    sendEmailVerificationHandler,
    proxyEvent({ path: '/me/email/verification', method: 'POST', authorizer: authorizedBy(accessToken) }),
  );
const forgot = (email: string) =>
  invokeHttp('forgotPassword', forgotHandler, proxyEvent({ path: '/password/forgot', body: { email } }));
const reset = (token: string, newPassword: string) =>
  invokeHttp(
    'resetPassword',
    resetPasswordHandler,
    proxyEvent({ path: '/password/reset', body: { token, newPassword } }),
  );
const login = (email: string, password: string) =>
  invokeHttp('login', loginHandler, proxyEvent({ path: '/login', body: { email, password } }));
const refresh = (refreshToken: string) =>
  invokeHttp('refreshToken', refreshHandler, proxyEvent({ path: '/token/refresh', body: { refreshToken } }));

/** Runs the forgot-password jobs the requests queued, as Lambda would after answering them. */
const runJobs = () => lambda.runQueued(forgotPasswordHandler);

/** What a client can compare between two answers: everything but the per-request ids. */
function observable(response: APIGatewayProxyResult) {
  const body = JSON.parse(response.body) as Record<string, unknown>;
  delete body.requestId;
  const headers = { ...response.headers };
  delete headers['X-Request-Id'];
  return { status: response.statusCode, headers, body };
}

const INVALID_LINK = {
  type: 'urn:auth-api:problem:invalid-token',
  title: 'Invalid or expired link',
  status: 400,
  detail: 'This link is not valid any more; ask for a new one',
};

beforeEach(() => lambda.clear());

describe('email verification', () => {
  it('sends a verification link on registration, and the link verifies the email once', async () => {
    const ada = await registerUser();
    const [email] = outbox.to(ada.email);
    expect(email).toMatchObject({ subject: expect.stringMatching(/verify/i) as unknown });
    expect(email?.link).toMatch(new RegExp(`^${TEST_ORIGIN}/verify-email\\?token=[A-Za-z0-9_-]{43}$`));
    expect(email?.text).toContain(email?.link);
    expect(email?.html).toContain(email?.link);
    expect((await me(ada.token)).body.emailVerified).toBe(false);

    const token = outbox.latestToken(ada.email);
    expect((await verify(token)).response.statusCode).toBe(204);
    expect((await me(ada.token)).body.emailVerified).toBe(true);

    const again = await verify(token);
    expect(again.response.statusCode).toBe(400);
    expect(again.body).toMatchObject(INVALID_LINK);
  });

  it('answers a made-up token, of our shape or not, exactly as a used one', async () => {
    const madeUp = await verify('A'.repeat(43));
    const otherShape = await verify('not a token');
    expect(observable(madeUp.response)).toEqual(observable(otherShape.response));
    expect(madeUp.body).toMatchObject(INVALID_LINK);
  });

  it('sends a new link on request, after which the earlier one no longer works; a verified email gets 409', async () => {
    const ada = await registerUser();
    const first = outbox.latestToken(ada.email);
    const resent = await resend(ada.token);
    expect(resent.response.statusCode).toBe(202);
    const second = outbox.latestToken(ada.email);
    expect(second).not.toBe(first);

    expect((await verify(first)).response.statusCode).toBe(400);
    expect((await verify(second)).response.statusCode).toBe(204);
    const verified = await resend(ada.token);
    expect(verified.response.statusCode).toBe(409);
    expect(verified.body).toMatchObject({ type: 'urn:auth-api:problem:email-already-verified' });
  });

  it('refuses a verification link 24 hours after it was sent', async () => {
    const ada = await registerUser();
    const token = outbox.latestToken(ada.email);
    clock.advance(86_400 + 1);
    expect((await verify(token)).body).toMatchObject(INVALID_LINK);
  });

  it('escapes HTML in the name, in the HTML part of the email', async () => {
    const mallory = await registerUser('<img src=x onerror=alert(1)> & "Mallory"');
    const [email] = outbox.to(mallory.email);
    expect(email?.html).not.toContain('<img src=x');
    expect(email?.html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;Mallory&quot;');
  });

  it('with REQUIRE_VERIFIED_EMAIL on, refuses the right password with 403 until the email is verified', async () => {
    const ada = await registerUser();
    setEnv({ REQUIRE_VERIFIED_EMAIL: 'on' });
    jest.resetModules();
    const { handler: strictLogin } = await import('../../functions/login/handler');
    const { closeDatabase: closeStrict } = await import('../../functions/shared/db');
    const strict = (password: string) =>
      invokeHttp('login', strictLogin, proxyEvent({ path: '/login', body: { email: ada.email, password } }));
    try {
      const refused = await strict(ada.password);
      expect(refused.response.statusCode).toBe(403);
      expect(refused.body).toMatchObject({ type: 'urn:auth-api:problem:email-not-verified' });
      // A wrong password says nothing about verification.
      expect((await strict('not-the-password')).response.statusCode).toBe(401);
      await verify(outbox.latestToken(ada.email));
      expect((await strict(ada.password)).response.statusCode).toBe(200);
    } finally {
      await closeStrict();
      setEnv({ REQUIRE_VERIFIED_EMAIL: undefined });
    }
  });

  it('still registers when the email cannot be sent, and counts the failure', async () => {
    setEnv({ EMAIL_OUTBOX_URL: 'http://127.0.0.1:9/emails' });
    jest.resetModules();
    const { handler: isolatedRegister } = await import('../../functions/register/handler');
    const { closeDatabase: closeIsolated } = await import('../../functions/shared/db');
    const { response } = await invokeHttp(
      'register',
      isolatedRegister,
      proxyEvent({
        path: '/register',
        body: { name: 'Nobody Home', email: 'offline@example.com', password: 'correct-horse-battery-staple' },
      }),
    );
    await closeIsolated();
    expect(response.statusCode).toBe(201);
    expect(output.metrics().filter((metric) => metric.name === MetricName.EmailSendFailed)).toEqual([
      expect.objectContaining({ dimensions: expect.objectContaining({ reason: 'unavailable' }) as unknown }),
    ]);
  });
});

describe('password reset', () => {
  it('forgot → reset email → reset: every session ends, the old password stops working, the new one works', async () => {
    const ada = await registerUser();
    const before = outbox.to(ada.email).length;
    const asked = await forgot(ada.email);
    expect(asked.response.statusCode).toBe(202);
    // Nothing is sent before the job runs: the request only queued it.
    expect(outbox.to(ada.email)).toHaveLength(before);
    await runJobs();
    const [email] = outbox.to(ada.email);
    expect(email?.link).toMatch(new RegExp(`^${TEST_ORIGIN}/reset-password\\?token=`));

    const token = outbox.latestToken(ada.email);
    expect((await reset(token, 'a-brand-new-passphrase')).response.statusCode).toBe(204);

    expect((await me(ada.token)).response.statusCode).toBe(401);
    expect((await refresh(ada.refreshToken)).response.statusCode).toBe(401);
    expect((await login(ada.email, ada.password)).response.statusCode).toBe(401);
    const relogged = await login(ada.email, 'a-brand-new-passphrase');
    expect(relogged.response.statusCode).toBe(200);
    // The reset proved the mailbox is the user's.
    expect((await me(relogged.body.token as string)).body.emailVerified).toBe(true);

    expect((await reset(token, 'yet-another-passphrase')).body).toMatchObject(INVALID_LINK);
  });

  it('answers an unknown email exactly as a registered one, queues the same job, and sends nothing', async () => {
    const ada = await registerUser();
    const known = await forgot(ada.email);
    const unknown = await forgot('nobody-here@example.com');
    expect(observable(unknown.response)).toEqual(observable(known.response));
    expect(lambda.queued()).toHaveLength(2);
    const kinds = lambda.queued().map((job) => Object.keys(job.payload as object));
    expect(kinds[0]).toEqual(kinds[1]);

    await runJobs();
    expect(outbox.to('nobody-here@example.com')).toEqual([]);
    expect(outbox.to(ada.email).filter((email) => email.link.includes('/reset-password'))).toHaveLength(1);
  });

  it('makes the same database requests for an unknown email as for a registered one while answering', async () => {
    const ada = await registerUser();
    // Mongoose reports every collection call of the functions' own connection, with its filter.
    const { connection } = await database();
    const seen: string[] = [];
    connection.set('debug', (collection: string, method: string) => seen.push(`${collection}.${method}`));
    try {
      await forgot(ada.email);
      const known = [...seen];
      seen.length = 0;
      await forgot('nobody-else@example.com');
      expect(seen).toEqual(known);
      expect(known.length).toBeGreaterThan(0);
      expect(known.some((call) => call.startsWith('users.'))).toBe(false);
    } finally {
      connection.set('debug', false);
    }
  });

  it('sends one email when Lambda delivers the same job twice', async () => {
    const ada = await registerUser();
    await forgot(ada.email);
    const [job] = lambda.queued();
    lambda.clear();
    const run = forgotPasswordHandler as unknown as (event: unknown, context: unknown) => Promise<unknown>;
    const { lambdaContext } = await import('../support/events');
    await run(job?.payload, lambdaContext());
    await run(job?.payload, lambdaContext());
    expect(outbox.to(ada.email).filter((email) => email.link.includes('/reset-password'))).toHaveLength(1);
  });

  it('refuses a reset link once a newer one was sent', async () => {
    const ada = await registerUser();
    await forgot(ada.email);
    await runJobs();
    const first = outbox.latestToken(ada.email);
    await forgot(ada.email);
    await runJobs();
    const second = outbox.latestToken(ada.email);

    expect((await reset(first, 'a-brand-new-passphrase')).body).toMatchObject(INVALID_LINK);
    expect((await reset(second, 'a-brand-new-passphrase')).response.statusCode).toBe(204);
  });

  it('refuses a reset link 30 minutes after it was sent', async () => {
    const ada = await registerUser();
    await forgot(ada.email);
    await runJobs();
    const token = outbox.latestToken(ada.email);
    clock.advance(1800 + 1);
    expect((await reset(token, 'a-brand-new-passphrase')).body).toMatchObject(INVALID_LINK);
  });

  it('refuses a common or personal new password without spending the link', async () => {
    const ada = await registerUser();
    await forgot(ada.email);
    await runJobs();
    const token = outbox.latestToken(ada.email);

    const common = await reset(token, 'password123');
    expect(common.response.statusCode).toBe(400);
    expect(common.body).toMatchObject({ type: 'urn:auth-api:problem:validation', errors: [{ path: '/newPassword' }] });
    const personal = await reset(token, `${ada.email.split('@')[0]}-secret`);
    expect(personal.response.statusCode).toBe(400);
    expect((await reset(token, 'a-brand-new-passphrase')).response.statusCode).toBe(204);
  });

  it('lets exactly one of two concurrent resets with one link through', async () => {
    const ada = await registerUser();
    await forgot(ada.email);
    await runJobs();
    const token = outbox.latestToken(ada.email);
    const statuses = (
      await Promise.all([reset(token, 'first-new-passphrase'), reset(token, 'second-new-passphrase')])
    ).map((call) => call.response.statusCode);
    expect(statuses.sort()).toEqual([204, 400]);
  });

  it('lifts the login lock of the account: the owner is not kept out by whoever guessed', async () => {
    const ada = await registerUser();
    for (let attempt = 0; attempt < 5; attempt += 1) await login(ada.email, 'a-wrong-guess');
    expect((await login(ada.email, ada.password)).response.statusCode).toBe(429);
    await forgot(ada.email);
    await runJobs();
    await reset(outbox.latestToken(ada.email), 'a-brand-new-passphrase');
    expect((await login(ada.email, 'a-brand-new-passphrase')).response.statusCode).toBe(200);
  });

  it('limits the emails one address can be sent, registered or not, with the same 429', async () => {
    setEnv({ ACCOUNT_EMAIL_REQUESTS: '2' });
    jest.resetModules();
    const { handler: limited } = await import('../../functions/forgotPassword/handler');
    const { closeDatabase: closeLimited } = await import('../../functions/shared/db');
    const ask = (email: string) =>
      invokeHttp(
        'forgotPassword',
        limited as unknown as HttpHandler,
        proxyEvent({ path: '/password/forgot', body: { email } }),
      );
    try {
      const ada = await registerUser();
      const known = [await ask(ada.email), await ask(ada.email), await ask(ada.email)];
      const unknown = [await ask('ghost@example.com'), await ask('ghost@example.com'), await ask('ghost@example.com')];
      expect(known.map((call) => call.response.statusCode)).toEqual([202, 202, 429]);
      expect(unknown.map((call) => observable(call.response))).toEqual(known.map((call) => observable(call.response)));
      expect(known[2]?.response.headers?.['Retry-After']).toMatch(/^\d+$/);
    } finally {
      await closeLimited();
      setEnv({ ACCOUNT_EMAIL_REQUESTS: undefined });
    }
    await testDatabase.throttles().deleteMany({});
  });
});
