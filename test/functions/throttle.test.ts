/**
 * Throttling of password guessing, at the default limits: per account (5 consecutive failed logins,
 * then a back-off from 30 s doubling to 15 min), and per client address (50 failed logins per
 * 15 min, 20 registrations per hour, 50 failed refreshes per 15 min). Each test uses addresses of
 * its own, so the address counters of one never reach another. The clock is moved, never waited on.
 */
import '../support/lambda-environment';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { handler as changePasswordHandler } from '../../functions/changePassword/handler';
import { handler as deleteMeHandler } from '../../functions/deleteMe/handler';
import { handler as loginHandler } from '../../functions/login/handler';
import { handler as refreshHandler } from '../../functions/refreshToken/handler';
import { handler as registerHandler } from '../../functions/register/handler';
import { accountKey } from '../../functions/shared/throttle';
import { useTestClock } from '../support/clock';
import { setEnv } from '../support/env';
import { authorizedBy, proxyEvent } from '../support/events';
import { useFunctionDatabase } from '../support/function-database';
import { invokeHttp } from '../support/invoke';
import { captureOutput } from '../support/output';

const database = useFunctionDatabase('throttle');
const clock = useTestClock();
const output = captureOutput();

// The defaults, not the lifted limits every other test file runs with.
beforeAll(() =>
  setEnv({ ADDRESS_LOGIN_FAILURES: undefined, ADDRESS_REGISTRATIONS: undefined, ADDRESS_REFRESH_FAILURES: undefined }),
);

let addresses = 0;
/** An address no other test has used. */
function newAddress(): string {
  addresses += 1;
  return `198.51.100.${addresses}`;
}

let users = 0;
async function registerUser(): Promise<{ email: string; password: string; refreshToken: string; token: string }> {
  users += 1;
  const user = { name: `User ${users}`, email: `user${users}@example.com`, password: 'correct-horse-battery-staple' };
  const { response, body } = await invokeHttp(
    'register',
    registerHandler,
    proxyEvent({ path: '/register', body: user, sourceIp: newAddress() }),
  );
  expect(response.statusCode).toBe(201);
  return {
    email: user.email,
    password: user.password,
    refreshToken: body.refreshToken as string,
    token: body.token as string,
  };
}

const login = (email: string, password: string, sourceIp: string) =>
  invokeHttp('login', loginHandler, proxyEvent({ path: '/login', body: { email, password }, sourceIp }));

/** What a client can compare between two answers: everything but the per-request id. */
function observable(response: APIGatewayProxyResult) {
  const headers = Object.fromEntries(
    Object.entries(response.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'x-request-id'),
  );
  return { status: response.statusCode, headers, body: response.body };
}

/** 150 wrong passwords, then the right one, all from one address. */
async function guessingRun(email: string, password: string, sourceIp: string) {
  const answers = [];
  for (let attempt = 0; attempt < 150; attempt += 1)
    answers.push(observable((await login(email, `wrong-guess-${attempt}`, sourceIp)).response));
  answers.push(observable((await login(email, password, sourceIp)).response));
  return answers;
}

describe('per account', () => {
  it('refuses the right password after 150 wrong ones, and accepts it once the back-off has passed', async () => {
    const ada = await registerUser();

    const answers = await guessingRun(ada.email, ada.password, newAddress());

    expect(answers.slice(0, 5).map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401]);
    expect(new Set(answers.slice(5).map((answer) => answer.status))).toEqual(new Set([429]));
    const refused = answers.at(-1)!;
    expect(refused.headers['Retry-After']).toBe('30');
    expect(JSON.parse(refused.body)).toEqual({
      type: 'urn:auth-api:problem:too-many-attempts',
      title: 'Too many attempts',
      status: 429,
      detail: 'Too many attempts; try again in 30 seconds',
    });

    clock.advance(29);
    expect((await login(ada.email, ada.password, newAddress())).response.statusCode).toBe(429);
    clock.advance(1);
    expect((await login(ada.email, ada.password, newAddress())).response.statusCode).toBe(200);
  });

  it('answers an unknown email exactly as a registered one: the same statuses, bodies and headers', async () => {
    const ada = await registerUser();

    const known = await guessingRun(ada.email, ada.password, newAddress());
    const unknown = await guessingRun('nobody-at-all@example.com', ada.password, newAddress());

    expect(unknown).toEqual(known);
    expect(known.at(-1)?.status).toBe(429);
  });

  it('doubles the back-off with each failure after it, up to 15 minutes', async () => {
    const ada = await registerUser();
    const sourceIp = newAddress();
    for (let attempt = 0; attempt < 5; attempt += 1) await login(ada.email, 'wrong-guess', sourceIp);

    const waits: string[] = [];
    for (let round = 0; round < 7; round += 1) {
      const { response, headers } = await login(ada.email, 'wrong-guess', sourceIp);
      expect(response.statusCode).toBe(429);
      waits.push(headers['Retry-After']!);
      clock.advance(Number(headers['Retry-After']));
      expect((await login(ada.email, 'wrong-guess', sourceIp)).response.statusCode).toBe(401);
    }

    expect(waits).toEqual(['30', '60', '120', '240', '480', '900', '900']);
  });

  it('starts counting again after a successful login', async () => {
    const ada = await registerUser();
    const sourceIp = newAddress();
    for (let attempt = 0; attempt < 4; attempt += 1) await login(ada.email, 'wrong-guess', sourceIp);
    expect((await login(ada.email, ada.password, sourceIp)).response.statusCode).toBe(200);

    const statuses = [];
    for (let attempt = 0; attempt < 4; attempt += 1)
      statuses.push((await login(ada.email, 'wrong-guess', sourceIp)).response.statusCode);

    expect(statuses).toEqual([401, 401, 401, 401]);
    expect((await login(ada.email, ada.password, sourceIp)).response.statusCode).toBe(200);
  });

  it('forgets failures a day after the last one', async () => {
    const ada = await registerUser();
    const sourceIp = newAddress();
    for (let attempt = 0; attempt < 4; attempt += 1) await login(ada.email, 'wrong-guess', sourceIp);

    clock.advance(86_400);

    expect((await login(ada.email, 'wrong-guess', sourceIp)).response.statusCode).toBe(401);
    expect((await login(ada.email, 'wrong-guess', sourceIp)).response.statusCode).toBe(401);
  });

  it('lets exactly 5 of 50 concurrent wrong passwords be checked and refuses the rest: every attempt is counted, none lost', async () => {
    const ada = await registerUser();

    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, attempt) => login(ada.email, `wrong-guess-${attempt}`, newAddress())),
    );

    const statuses = answers.map(({ response }) => response.statusCode);
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(45);
    expect(await database.throttles().findOne({ _id: accountKey(ada.email) as never })).toMatchObject({ failures: 5 });
  });

  it('refuses a guess that arrives after the limit was reached but before its lock was written', async () => {
    const ada = await registerUser();
    for (let attempt = 0; attempt < 5; attempt += 1) await login(ada.email, 'wrong-guess', newAddress());
    // The state between the attempt that reached the limit counting itself and setting the lock.
    await database
      .throttles()
      .updateOne({ _id: accountKey(ada.email) as never }, { $set: { failures: 5, lockedUntil: null } });

    const late = await login(ada.email, ada.password, newAddress());

    expect(late.response.statusCode).toBe(429);
    expect(late.headers['Retry-After']).toBe('30');
    expect(await database.throttles().findOne({ _id: accountKey(ada.email) as never })).toMatchObject({ failures: 5 });
  });

  it('admits one guess per back-off, however many arrive together when it ends', async () => {
    const ada = await registerUser();
    for (let attempt = 0; attempt < 5; attempt += 1) await login(ada.email, 'wrong-guess', newAddress());
    clock.advance(30);

    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, attempt) => login(ada.email, `wrong-guess-${attempt}`, newAddress())),
    );

    expect(answers.map(({ response }) => response.statusCode).sort()).toEqual([401, ...Array<number>(19).fill(429)]);
    expect(
      new Set(
        answers.filter(({ response }) => response.statusCode === 429).map(({ headers }) => headers['Retry-After']),
      ),
    ).toEqual(new Set(['60']));
  });

  it('keeps its counters under a hash of the email, never the email', async () => {
    const ada = await registerUser();
    await login(ada.email, 'wrong-guess', newAddress());

    expect(accountKey(ada.email)).toMatch(/^[0-9a-f]{64}$/);
    expect(await database.throttles().findOne({ _id: accountKey(ada.email) as never })).toMatchObject({ failures: 1 });
    const stored = JSON.stringify(await database.throttles().find().toArray());
    expect(stored).not.toContain(ada.email);
    expect(stored).not.toContain('user');
  });

  it('counts refusals in AttemptThrottled by operation and scope', async () => {
    const ada = await registerUser();
    const sourceIp = newAddress();
    for (let attempt = 0; attempt < 5; attempt += 1) await login(ada.email, 'wrong-guess', sourceIp);
    output.clear();

    await login(ada.email, ada.password, sourceIp);

    expect(output.metrics().filter((metric) => metric.name === 'AttemptThrottled')).toEqual([
      expect.objectContaining({ dimensions: expect.objectContaining({ operation: 'login', scope: 'account' }) }),
    ]);
  });
});

describe('the password confirmation of a sensitive change', () => {
  const changePassword = (token: string, currentPassword: string, sourceIp: string) =>
    invokeHttp(
      'changePassword',
      changePasswordHandler,
      proxyEvent({
        method: 'PUT',
        path: '/me/password',
        body: { currentPassword, newPassword: 'a-new-and-longer-passphrase' },
        authorizer: authorizedBy(token),
        sourceIp,
      }),
    );
  const deleteMe = (token: string, password: string, sourceIp: string) =>
    invokeHttp(
      'deleteMe',
      deleteMeHandler,
      proxyEvent({ method: 'DELETE', path: '/me', body: { password }, authorizer: authorizedBy(token), sourceIp }),
    );

  it('counts wrong current passwords against the account: a stolen access token cannot guess at leisure, and login is locked too', async () => {
    const ada = await registerUser();
    const sourceIp = newAddress();

    const statuses = [];
    for (let attempt = 0; attempt < 6; attempt += 1)
      statuses.push((await changePassword(ada.token, `wrong-guess-${attempt}`, sourceIp)).response.statusCode);

    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect((await changePassword(ada.token, ada.password, sourceIp)).response.statusCode).toBe(429);
    expect((await deleteMe(ada.token, ada.password, sourceIp)).response.statusCode).toBe(429);
    expect((await login(ada.email, ada.password, newAddress())).response.statusCode).toBe(429);
    expect(
      output
        .metrics()
        .filter((metric) => metric.name === 'AttemptThrottled')
        .map((metric) => metric.dimensions.operation),
    ).toEqual(['changePassword', 'changePassword', 'deleteMe', 'login']);

    clock.advance(30);
    expect((await deleteMe(ada.token, ada.password, sourceIp)).response.statusCode).toBe(204);
  });

  it('shares the lock failed logins set', async () => {
    const ada = await registerUser();
    for (let attempt = 0; attempt < 5; attempt += 1) await login(ada.email, 'wrong-guess', newAddress());

    expect((await changePassword(ada.token, ada.password, newAddress())).response.statusCode).toBe(429);
  });
});

describe('per client address', () => {
  it('refuses logins from an address after 50 failures for the rest of the window, other addresses still get in', async () => {
    const ada = await registerUser();
    const attacker = newAddress();
    // A different email each time, so only the address limit applies.
    for (let attempt = 0; attempt < 50; attempt += 1)
      expect((await login(`target${attempt}@example.com`, 'wrong-guess', attacker)).response.statusCode).toBe(401);

    const refused = await login(ada.email, ada.password, attacker);
    const elsewhere = await login(ada.email, ada.password, newAddress());

    expect(refused.response.statusCode).toBe(429);
    expect(refused.body.type).toBe('urn:auth-api:problem:too-many-attempts');
    const wait = Number(refused.headers['Retry-After']);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(900);
    expect(elsewhere.response.statusCode).toBe(200);

    clock.advance(wait);
    expect((await login(ada.email, ada.password, attacker)).response.statusCode).toBe(200);
  });

  it('counts every one of 50 concurrent failed logins from one address, and lets no more through', async () => {
    const attacker = newAddress();

    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, attempt) => login(`crowd${attempt}@example.com`, 'wrong-guess', attacker)),
    );

    const statuses = answers.map(({ response }) => response.statusCode);
    expect(statuses.filter((status) => status === 401)).toHaveLength(50);
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);
    expect((await login('someone-else@example.com', 'wrong-guess', attacker)).response.statusCode).toBe(429);
  });

  it('does not count successful logins against the address', async () => {
    const ada = await registerUser();
    const office = newAddress();
    for (let attempt = 0; attempt < 60; attempt += 1)
      expect((await login(ada.email, ada.password, office)).response.statusCode).toBe(200);

    expect((await login('typo@example.com', 'wrong-guess', office)).response.statusCode).toBe(401);
  });

  it('accepts 20 registrations from an address in an hour, then refuses them there and not elsewhere', async () => {
    const crowded = newAddress();
    const register = (n: number, sourceIp: string) =>
      invokeHttp(
        'register',
        registerHandler,
        proxyEvent({
          path: '/register',
          body: { name: `Member ${n}`, email: `member${n}@example.com`, password: 'correct-horse-battery-staple' },
          sourceIp,
        }),
      );

    const statuses = [];
    for (let n = 0; n < 20; n += 1) statuses.push((await register(n, crowded)).response.statusCode);
    const refused = await register(20, crowded);
    const elsewhere = await register(21, newAddress());

    expect(statuses).toEqual(Array<number>(20).fill(201));
    expect(refused.response.statusCode).toBe(429);
    expect(Number(refused.headers['Retry-After'])).toBeLessThanOrEqual(3600);
    expect(elsewhere.response.statusCode).toBe(201);
  });

  it('refuses refreshes from an address after 50 failed ones, even with a valid token', async () => {
    const { refreshToken } = await registerUser();
    const attacker = newAddress();
    const refresh = (token: string, sourceIp: string) =>
      invokeHttp(
        'refreshToken',
        refreshHandler,
        proxyEvent({ path: '/token/refresh', body: { refreshToken: token }, sourceIp }),
      );
    for (let attempt = 0; attempt < 50; attempt += 1)
      expect((await refresh('A'.repeat(43), attacker)).response.statusCode).toBe(401);

    const refused = await refresh(refreshToken, attacker);
    const elsewhere = await refresh(refreshToken, newAddress());

    expect(refused.response.statusCode).toBe(429);
    expect(refused.body.type).toBe('urn:auth-api:problem:too-many-attempts');
    expect(elsewhere.response.statusCode).toBe(200);
  });

  it('counts the IPv6 addresses of one /64 as one client', async () => {
    const ada = await registerUser();
    for (let attempt = 0; attempt < 50; attempt += 1)
      await login(`v6target${attempt}@example.com`, 'wrong-guess', `2001:db8:1:2::${(attempt + 1).toString(16)}`);

    expect((await login(ada.email, ada.password, '2001:db8:1:2:ffff::1')).response.statusCode).toBe(429);
    expect((await login(ada.email, ada.password, '2001:db8:1:3::1')).response.statusCode).toBe(200);
  });
});
