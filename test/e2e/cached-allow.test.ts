/**
 * API Gateway caches the authorizer's Allow per token for the authorizer TTL, which can outlive
 * the token itself. Through the local gateway, with a cache TTL longer than the token's life: the
 * `me` function's clock is moved past the token's expiry while the gateway still serves the
 * cached Allow, and the token is refused with the usual 401.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectHttpContract } from '../support/contract';
import type { LocalApi } from './support';
import { json, startLocalApi } from './support';

const TOKEN_TTL_SECONDS = 60;
const SHIFTED_CLOCK = join(__dirname, '..', 'support', 'shifted-clock.cjs');

describe('an Allow cached longer than its token lives', () => {
  let api: LocalApi;
  let token: string;
  const dir = mkdtempSync(join(tmpdir(), 'clock-'));
  const shiftFile = join(dir, 'me-clock-shift-ms');
  const shiftMeClock = (seconds: number) => writeFileSync(shiftFile, String(seconds * 1000));

  beforeAll(async () => {
    shiftMeClock(0);
    api = await startLocalApi({
      ttlSeconds: 3600,
      environment: { ACCESS_TOKEN_TTL: String(TOKEN_TTL_SECONDS) },
      functionEnvironment: { me: { NODE_OPTIONS: `--require ${SHIFTED_CLOCK}`, CLOCK_SHIFT_FILE: shiftFile } },
    });
    const response = await api.call(
      '/register',
      json({ name: 'Ada Lovelace', email: 'ada@example.com', password: 'correct-horse-battery-staple' }),
    );
    token = ((await response.json()) as { token: string }).token;
  }, 120_000);
  afterAll(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const me = () => api.call('/me', { headers: { Authorization: `Bearer ${token}` } });

  it('answers 200 while the token is valid, and caches the Allow', async () => {
    const response = await me();

    expect(response.status).toBe(200);
    expect(api.lastRecord('/me').authorizer).toMatchObject({ invoked: true, cached: false, result: 'allowed' });
  });

  it('answers 401 once the token has expired, though the cached Allow still stands', async () => {
    shiftMeClock(TOKEN_TTL_SECONDS + 10);

    const response = await me();

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(await expectHttpContract('me', response)).toMatchObject({ type: 'urn:auth-api:problem:unauthorized' });
    expect(api.lastRecord('/me').authorizer).toMatchObject({ invoked: false, cached: true, result: 'allowed' });
  });
});
