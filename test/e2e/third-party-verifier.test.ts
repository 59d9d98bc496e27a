/**
 * Proof of interoperability: a verifier that knows only the issuer URL (a separate Node process
 * using `jose`, none of our code) discovers the keys through the local gateway, as `make dev`
 * serves them, and verifies a token from /login; it refuses a forged one.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CURRENT_KEY, signWith, UNKNOWN_KEY } from '../support/keys';
import type { LocalApi } from './support';
import { json, startLocalApi } from './support';

const VERIFIER = join(__dirname, 'fixtures', 'third-party-verifier.mjs');
const AUDIENCE = 'auth-api-e2e-api';

interface Verdict {
  payload?: Record<string, unknown>;
  protectedHeader?: Record<string, unknown>;
  jwksUri?: string;
  error?: string;
}

async function verifyElsewhere(issuer: string, token: string): Promise<Verdict> {
  const { stdout } = await promisify(execFile)(process.execPath, [VERIFIER, issuer, AUDIENCE, token]).catch(
    (error: { stdout: string }) => error,
  );
  return JSON.parse(stdout) as Verdict;
}

describe('a third-party verifier', () => {
  let api: LocalApi;
  let token: string;

  beforeAll(async () => {
    api = await startLocalApi();
    const user = { name: 'Ada Lovelace', email: 'ada@example.com', password: 'correct-horse-battery-staple' };
    await api.call('/register', json(user));
    const login = await api.call('/login', json({ email: user.email, password: user.password }));
    token = ((await login.json()) as { token: string }).token;
  }, 120_000);
  afterAll(() => api.close());

  it('verifies a login token with nothing but the issuer URL: discovery, then the JWKS', async () => {
    const verdict = await verifyElsewhere(api.gateway.url, token);

    expect(verdict.error).toBeUndefined();
    expect(verdict.jwksUri).toBe(`${api.gateway.url}/.well-known/jwks.json`);
    expect(verdict.protectedHeader).toEqual({ alg: 'ES256', typ: 'JWT', kid: CURRENT_KEY.kid });
    expect(verdict.payload).toMatchObject({
      iss: api.gateway.url,
      aud: AUDIENCE,
      sub: expect.stringMatching(/^[0-9a-f]{24}$/),
    });
    expect(api.lastRecord('/.well-known/jwks.json')).toMatchObject({ status: 200, functionKey: 'getJwks' });
  });

  it('refuses a token signed by another key under our kid', async () => {
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as object;

    const verdict = await verifyElsewhere(api.gateway.url, signWith({ ...UNKNOWN_KEY, kid: CURRENT_KEY.kid }, claims));

    expect(verdict).toEqual({ error: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });
});
