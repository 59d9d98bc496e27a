/**
 * The login throttle end to end through the local gateway, from several network clients: every
 * loopback address (127.0.0.0/8) reaches the gateway, so each address below is a client of its
 * own, counted by the address the gateway saw it connect from, as API Gateway counts sourceIp.
 *
 * One stack with small limits: 3 failed logins per address per 5-minute window, and 5 consecutive
 * failures per account. The login function's clock stands still at an instant each test chooses
 * (test/support/shifted-clock.cjs), so every Retry-After is exact and a window or a back-off
 * passes by moving it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectHttpContract } from '../support/contract';
import type { LocalApi } from './support';
import { json, startLocalApi } from './support';

const ADDRESS_LIMIT = 3;
const WINDOW_SECONDS = 300;
const MAX_FAILURES = 5;
const BACKOFF_SECONDS = 30;

const SHIFTED_CLOCK = join(__dirname, '..', 'support', 'shifted-clock.cjs');
const WRONG_PASSWORD = 'not-the-right-passphrase';

interface User {
  name: string;
  email: string;
  password: string;
}

let api: LocalApi;
const clockDir = mkdtempSync(join(tmpdir(), 'clock-'));
const clockFile = join(clockDir, 'login-clock');

beforeAll(async () => {
  writeFileSync(clockFile, '0');
  api = await startLocalApi({
    environment: {
      ADDRESS_LOGIN_FAILURES: String(ADDRESS_LIMIT),
      ADDRESS_LOGIN_WINDOW_SECONDS: String(WINDOW_SECONDS),
      LOGIN_MAX_FAILURES: String(MAX_FAILURES),
      LOGIN_BACKOFF_SECONDS: String(BACKOFF_SECONDS),
      LOGIN_MAX_BACKOFF_SECONDS: '900',
    },
    functionEnvironment: { login: { NODE_OPTIONS: `--require ${SHIFTED_CLOCK}`, CLOCK_SHIFT_FILE: clockFile } },
  });
}, 120_000);
afterAll(async () => {
  await api.close();
  rmSync(clockDir, { recursive: true, force: true });
});

const stopLoginClockAt = (epochMs: number) => writeFileSync(clockFile, `@${epochMs}`);

/**
 * Stops the login clock at the start of the next address window, so an address refused in it is
 * refused for the whole window. A window yet to come, not the current one: MongoDB's TTL index
 * removes a window's counter by the real clock once the window has ended, and this one ends
 * minutes from now.
 */
function stopLoginClockAtNextWindow(): number {
  const length = WINDOW_SECONDS * 1000;
  const start = Math.ceil(Date.now() / length) * length;
  stopLoginClockAt(start);
  return start;
}

/** A JSON POST with extra headers (a spoofed X-Forwarded-For). */
function jsonWith(body: unknown, headers: Record<string, string>): RequestInit {
  const init = json(body);
  return { ...init, headers: { ...(init.headers as Record<string, string>), ...headers } };
}

const loginFrom = (address: string, email: string, password: string, headers: Record<string, string> = {}) =>
  api.callFrom(address, '/login', jsonWith({ email, password }, headers));

async function register(user: User): Promise<string> {
  const response = await api.call('/register', json(user));
  expect(response.status).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

/** Checks the 429 and its problem, and answers its Retry-After. */
async function expectTooManyAttempts(response: Response): Promise<string | null> {
  expect(response.status).toBe(429);
  expect(await expectHttpContract('login', response)).toMatchObject({
    type: 'urn:auth-api:problem:too-many-attempts',
  });
  return response.headers.get('retry-after');
}

describe('the client address', () => {
  it('reaches the functions as sourceIp, the address the client connected from, whatever X-Forwarded-For claims', async () => {
    const grace = { name: 'Grace Hopper', email: 'grace@example.com', password: 'a-compiler-is-a-program' };
    const registered = await api.callFrom(
      '127.0.0.2',
      '/register',
      jsonWith(grace, { 'X-Forwarded-For': '203.0.113.9' }),
    );
    const { token } = (await expectHttpContract('register', registered)) as { token: string };
    const forwarded = await loginFrom('127.0.0.3', grace.email, grace.password, { 'X-Forwarded-For': '127.0.0.2' });
    const direct = await api.call('/login', json({ email: grace.email, password: grace.password }));

    const sessions = (await expectHttpContract(
      'listSessions',
      await api.call('/me/sessions', { headers: { Authorization: `Bearer ${token}` } }),
    )) as { items: Array<{ ipAddress: string }> };

    expect([forwarded.status, direct.status]).toEqual([200, 200]);
    // Each sign-in's session records the sourceIp its function was given.
    expect(sessions.items.map((session) => session.ipAddress).sort()).toEqual(['127.0.0.1', '127.0.0.2', '127.0.0.3']);
  });
});

describe('the failed-login limit per client address', () => {
  /**
   * Fails as many logins from an address as it may, each for another unknown email (one client
   * trying many accounts, which the account lock alone would not stop), each answered 401.
   */
  async function useUpAttempts(address: string): Promise<void> {
    for (let i = 0; i < ADDRESS_LIMIT; i++) {
      const response = await loginFrom(address, `guess-${i}-${address}@example.com`, WRONG_PASSWORD);
      expect(response.status).toBe(401);
    }
  }

  it('refuses an address past its limit with 429 and Retry-After, the right password too, while another address still gets 401 and 200', async () => {
    const ada = { name: 'Ada Lovelace', email: 'ada@example.com', password: 'correct-horse-battery-staple' };
    await register(ada);
    stopLoginClockAtNextWindow();
    await useUpAttempts('127.0.0.12');

    const overLimit = await loginFrom('127.0.0.12', ada.email, WRONG_PASSWORD);
    const rightPassword = await loginFrom('127.0.0.12', ada.email, ada.password);
    const otherWrong = await loginFrom('127.0.0.13', ada.email, WRONG_PASSWORD);
    const otherRight = await loginFrom('127.0.0.13', ada.email, ada.password);

    expect(await expectTooManyAttempts(overLimit)).toBe(String(WINDOW_SECONDS));
    expect(await expectTooManyAttempts(rightPassword)).toBe(String(WINDOW_SECONDS));
    expect(otherWrong.status).toBe(401);
    expect(await expectHttpContract('login', otherWrong)).toMatchObject({
      type: 'urn:auth-api:problem:invalid-credentials',
    });
    expect(otherRight.status).toBe(200);
    await expectHttpContract('login', otherRight);
  });

  it('keeps a client on its own counter whatever X-Forwarded-For it sends', async () => {
    const alan = { name: 'Alan Turing', email: 'alan@example.com', password: 'on-computable-numbers' };
    await register(alan);
    stopLoginClockAtNextWindow();
    await useUpAttempts('127.0.0.14');

    const spoofingAway = await loginFrom('127.0.0.14', alan.email, alan.password, { 'X-Forwarded-For': '127.0.0.15' });
    const spoofingInWrong = await loginFrom('127.0.0.15', alan.email, WRONG_PASSWORD, {
      'X-Forwarded-For': '127.0.0.14',
    });
    const spoofingInRight = await loginFrom('127.0.0.15', alan.email, alan.password, {
      'X-Forwarded-For': '127.0.0.14',
    });

    expect(await expectTooManyAttempts(spoofingAway)).toBe(String(WINDOW_SECONDS));
    expect([spoofingInWrong.status, spoofingInRight.status]).toEqual([401, 200]);
  });

  it('admits the address again once its window has passed', async () => {
    const edsger = { name: 'Edsger Dijkstra', email: 'edsger@example.com', password: 'goto-considered-harmful' };
    await register(edsger);
    const start = stopLoginClockAtNextWindow();
    await useUpAttempts('127.0.0.16');
    const retryAfter = Number(
      await expectTooManyAttempts(await loginFrom('127.0.0.16', edsger.email, edsger.password)),
    );

    stopLoginClockAt(start + retryAfter * 1000);
    const afterWindow = await loginFrom('127.0.0.16', edsger.email, edsger.password);

    expect(afterWindow.status).toBe(200);
  });
});

describe('the account lock, across client addresses', () => {
  /**
   * LOGIN_MAX_FAILURES wrong passwords for one email, 3 from one address and 2 from another: the
   * account's limit, while no address goes past its own.
   */
  async function failFromTwoAddresses(email: string, [first, second]: readonly string[]): Promise<Response[]> {
    const answers: Response[] = [];
    for (const address of [first!, first!, first!, second!, second!])
      answers.push(await loginFrom(address, email, WRONG_PASSWORD));
    return answers;
  }

  it('refuses the right password from a third address once two others have failed LOGIN_MAX_FAILURES times, until the back-off has passed', async () => {
    const barbara = { name: 'Barbara Liskov', email: 'barbara@example.com', password: 'substitution-principle' };
    await register(barbara);
    const start = stopLoginClockAtNextWindow();

    const failures = await failFromTwoAddresses(barbara.email, ['127.0.0.21', '127.0.0.22']);
    const refused = await loginFrom('127.0.0.23', barbara.email, barbara.password);
    stopLoginClockAt(start + (BACKOFF_SECONDS - 1) * 1000);
    const stillRefused = await loginFrom('127.0.0.23', barbara.email, barbara.password);
    stopLoginClockAt(start + BACKOFF_SECONDS * 1000);
    const accepted = await loginFrom('127.0.0.23', barbara.email, barbara.password);

    expect(failures.map((response) => response.status)).toEqual([401, 401, 401, 401, 401]);
    expect(await expectTooManyAttempts(refused)).toBe(String(BACKOFF_SECONDS));
    expect(await expectTooManyAttempts(stillRefused)).toBe('1');
    expect(accepted.status).toBe(200);
    await expectHttpContract('login', accepted);
  });

  it('answers an unknown email exactly as a registered one: statuses, bodies and headers, refusals included', async () => {
    const grace = { name: 'Grace Murray', email: 'grace.murray@example.com', password: 'nanoseconds-of-wire' };
    await register(grace);

    /** The failures from two addresses, the right password from a third, and after the back-off one more failure and a try. */
    async function sequence(email: string, addresses: readonly [string, string, string]): Promise<Response[]> {
      const start = stopLoginClockAtNextWindow();
      const answers = await failFromTwoAddresses(email, addresses);
      answers.push(await loginFrom(addresses[2], email, grace.password));
      stopLoginClockAt(start + BACKOFF_SECONDS * 1000);
      answers.push(await loginFrom(addresses[2], email, WRONG_PASSWORD));
      answers.push(await loginFrom(addresses[2], email, grace.password));
      return answers;
    }
    // Addresses of their own for each, so that the address counters, which neither run reaches, are the same too.
    const registered = await clientView(await sequence(grace.email, ['127.0.0.31', '127.0.0.32', '127.0.0.33']));
    const unknown = await clientView(await sequence('nobody@example.com', ['127.0.0.41', '127.0.0.42', '127.0.0.43']));

    expect(registered.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401, 429, 401, 429]);
    expect(registered.map((answer) => answer.headers['retry-after'])).toEqual([
      ...Array<undefined>(5),
      String(BACKOFF_SECONDS),
      undefined,
      String(BACKOFF_SECONDS * 2),
    ]);
    expect(unknown).toEqual(registered);
  });
});

/** Headers that differ between any two answers: when, and which request and trace. */
const PER_REQUEST_HEADERS = new Set(['date', 'x-amzn-requestid', 'x-request-id', 'x-amzn-trace-id']);

/** What a client can tell apart in each answer, less what differs between any two requests. */
async function clientView(responses: Response[]) {
  return Promise.all(
    responses.map(async (response) => {
      const { requestId: _requestId, ...body } = (await response.json()) as Record<string, unknown>;
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        if (!PER_REQUEST_HEADERS.has(name)) headers[name] = value;
      });
      return { status: response.status, headers, body };
    }),
  );
}
