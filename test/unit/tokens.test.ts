import jwt from 'jsonwebtoken';
import type { TokenConfig } from '../../functions/shared/config';
import { TokenRejected } from '../../functions/shared/errors';
import { CLOCK_TOLERANCE_SECONDS } from '../../functions/shared/caller';
import { parsePublicKeys } from '../../functions/shared/signing-keys';
import { createTokenIssuer } from '../../functions/shared/token-issuer';
import { createLocalSigner } from '../../functions/shared/token-signer';
import { createTokenVerifier } from '../../functions/shared/tokens';
import type { TestKey } from '../support/keys';
import {
  CURRENT_KEY,
  PREVIOUS_KEY,
  publicKeysVariable,
  signRaw,
  signWith,
  UNKNOWN_KEY,
  verifyWith,
} from '../support/keys';

const config: TokenConfig = {
  issuer: 'https://issuer.example.test',
  audience: 'audience',
  ttlSeconds: 900,
  publicKeys: parsePublicKeys(publicKeysVariable(CURRENT_KEY)),
};
const USER_ID = '665f1c2a9e4b3c0012abcdef';
const SESSION_ID = '665f1c2a9e4b3c0012abcd01';
const T0 = Date.parse('2026-01-31T12:00:00.000Z');

const issuer = (at = T0, key: TestKey = CURRENT_KEY, settings: Partial<TokenConfig> = {}) =>
  createTokenIssuer({ ...config, ...settings }, createLocalSigner(key.kid, key.privateKey), () => at);
const verifier = (at = T0, settings: Partial<TokenConfig> = {}) =>
  createTokenVerifier({ ...config, ...settings }, () => at);
const issue = (at = T0, key: TestKey = CURRENT_KEY, settings: Partial<TokenConfig> = {}) =>
  issuer(at, key, settings).issue(USER_ID, SESSION_ID);

/** Our claims, valid at T0, changed by `claims`. */
const claims = (changes: Record<string, unknown> = {}) => ({
  sub: USER_ID,
  sid: SESSION_ID,
  iat: T0 / 1000,
  exp: T0 / 1000 + 900,
  iss: config.issuer,
  aud: config.audience,
  ...changes,
});

function rejection(verify: () => unknown): string | undefined {
  try {
    verify();
  } catch (error) {
    if (error instanceof TokenRejected) return error.rejection;
    throw error;
  }
  return undefined;
}

describe('createTokenIssuer', () => {
  it('issues an ES256 token naming its key, with sub, sid, iat, exp, iss, aud and a random jti', async () => {
    const first = await issue();
    const second = await issue();

    expect(first.expiresIn).toBe(900);
    const { header, payload } = jwt.decode(first.token, { complete: true }) as jwt.Jwt;
    expect(header).toEqual({ alg: 'ES256', typ: 'JWT', kid: CURRENT_KEY.kid });
    expect(payload).toEqual({ ...claims(), jti: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect((jwt.decode(second.token) as jwt.JwtPayload).jti).not.toBe((payload as jwt.JwtPayload).jti);
  });

  it('signs tokens that a verifier holding only the public key accepts', async () => {
    const { token } = await issue();

    expect(verifyWith(CURRENT_KEY, token, { clockTimestamp: T0 / 1000 })).toMatchObject({
      sub: USER_ID,
      sid: SESSION_ID,
    });
  });
});

describe('createTokenVerifier', () => {
  it('verifies our tokens and returns the user id, the session id and the expiry', async () => {
    expect(verifier().verify((await issue()).token)).toEqual({
      userId: USER_ID,
      sessionId: SESSION_ID,
      expiresAt: T0 / 1000 + 900,
    });
  });

  it('accepts a token until its expiry plus the clock tolerance, and not after', async () => {
    const { token } = await issue();

    expect(verifier(T0 + (900 + CLOCK_TOLERANCE_SECONDS - 1) * 1000).verify(token)).toEqual({
      userId: USER_ID,
      sessionId: SESSION_ID,
      expiresAt: T0 / 1000 + 900,
    });
    expect(rejection(() => verifier(T0 + (900 + CLOCK_TOLERANCE_SECONDS) * 1000).verify(token))).toBe('expired');
  });

  it('refuses a token issued further in the future than the clock tolerance', async () => {
    const { token } = await issue(T0 + 60_000);

    expect(rejection(() => verifier().verify(token))).toBe('not_yet_valid');
  });

  it.each([
    ['another issuer', { issuer: 'https://other.example.test' }, 'wrong_issuer'],
    ['another audience', { audience: 'other' }, 'wrong_audience'],
  ])('refuses a token from %s', async (_what, settings, reason) => {
    const { token } = await issue(T0, CURRENT_KEY, settings);

    expect(rejection(() => verifier().verify(token))).toBe(reason);
  });

  it('picks the key by kid among every live generation, and refuses a kid that is not live as a bad signature', async () => {
    const both = parsePublicKeys(publicKeysVariable(PREVIOUS_KEY, CURRENT_KEY));
    const fromPrevious = (await issue(T0, PREVIOUS_KEY)).token;
    const fromCurrent = (await issue(T0, CURRENT_KEY)).token;

    expect(verifier(T0, { publicKeys: both }).verify(fromPrevious)).toMatchObject({ userId: USER_ID });
    expect(verifier(T0, { publicKeys: both }).verify(fromCurrent)).toMatchObject({ userId: USER_ID });
    expect(rejection(() => verifier().verify(fromPrevious))).toBe('bad_signature');
  });

  it.each([
    ['no kid', () => signRaw(CURRENT_KEY, claims(), { alg: 'ES256', typ: 'JWT' }), 'bad_signature'],
    [
      'a kid of another type',
      () => signWith(CURRENT_KEY, claims(), { header: { alg: 'ES256', kid: 7 as unknown as string } }),
      'bad_signature',
    ],
    [
      'the kid of an inherited property',
      () => signWith(CURRENT_KEY, claims(), { keyid: '__proto__' }),
      'bad_signature',
    ],
    [
      'a known kid, signed by another key',
      () => signWith({ ...UNKNOWN_KEY, kid: CURRENT_KEY.kid }, claims()),
      'bad_signature',
    ],
    [
      'a tampered payload',
      () => {
        const [header, , signature] = signWith(CURRENT_KEY, claims()).split('.');
        return `${header}.${Buffer.from(JSON.stringify(claims({ sub: '000000000000000000000000' }))).toString('base64url')}.${signature}`;
      },
      'bad_signature',
    ],
    [
      'an ES256 header and no signature',
      () => `${signWith(CURRENT_KEY, claims()).split('.').slice(0, 2).join('.')}.`,
      'bad_signature',
    ],
    [
      'a header that is not JSON',
      () => `bm90LWpzb24.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.c2ln`,
      'malformed',
    ],
    ['a header that is a JSON string', () => `${Buffer.from('"ES256"').toString('base64url')}.e30.c2ln`, 'malformed'],
    ['no dots at all', () => 'eyJhbGciOiJFUzI1NiJ9', 'malformed'],
  ])('refuses a token with %s', (_what, token, reason) => {
    expect(rejection(() => verifier().verify(token()))).toBe(reason);
  });

  it.each([
    ['a non-numeric exp', claims({ exp: 'tomorrow' })],
    ['a non-numeric nbf', claims({ nbf: 'now' })],
    ['no iat', claims({ iat: undefined })],
    ['an upper-case subject', claims({ sub: USER_ID.toUpperCase() })],
    ['no session id', claims({ sid: undefined })],
    ['a session id that is not an id', claims({ sid: 'all' })],
  ])('refuses a token with %s as bad claims', (_what, payload) => {
    const token = signRaw(CURRENT_KEY, payload);

    expect(rejection(() => verifier().verify(token))).toBe('bad_claims');
  });

  it('refuses a correctly signed token with a crit header (RFC 7515 §4.1.11), which jsonwebtoken alone accepts', () => {
    const token = signWith(CURRENT_KEY, claims(), {
      header: { alg: 'ES256', kid: CURRENT_KEY.kid, crit: ['exp-policy'], 'exp-policy': 'lenient' } as jwt.JwtHeader,
    });

    expect(() => verifyWith(CURRENT_KEY, token, { clockTimestamp: T0 / 1000 })).not.toThrow();
    expect(rejection(() => verifier().verify(token))).toBe('malformed');
    expect(rejection(() => verifier().verify(signWith(CURRENT_KEY, claims())))).toBeUndefined();
  });

  it.each(['jwk', 'jku', 'x5u', 'x5c', 'cty'])(
    'refuses a correctly signed token with a %s header, which our tokens never carry',
    (name) => {
      const token = signWith(CURRENT_KEY, claims(), {
        header: { alg: 'ES256', kid: CURRENT_KEY.kid, [name]: 'https://attacker.example/keys' },
      });

      expect(() => verifyWith(CURRENT_KEY, token, { clockTimestamp: T0 / 1000 })).not.toThrow();
      expect(rejection(() => verifier().verify(token))).toBe('malformed');
    },
  );

  it('refuses a correctly signed token that lives longer than the configured lifetime', () => {
    const lived = (lifetime: number) => signWith(CURRENT_KEY, claims({ exp: T0 / 1000 + lifetime }));

    expect(rejection(() => verifier().verify(lived(900)))).toBeUndefined();
    expect(rejection(() => verifier().verify(lived(901)))).toBe('bad_claims');
    expect(rejection(() => verifier().verify(lived(365 * 86_400)))).toBe('bad_claims');
  });

  it('refuses an empty token as missing', () => {
    expect(rejection(() => createTokenVerifier(config).verify(''))).toBe('missing');
  });
});
