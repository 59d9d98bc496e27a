import crypto from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { TokenConfig } from '../../functions/shared/config';
import { TokenRejected } from '../../functions/shared/errors';
import { CLOCK_TOLERANCE_SECONDS } from '../../functions/shared/caller';
import { createTokenService } from '../../functions/shared/tokens';

const config: TokenConfig = {
  secret: Buffer.from('k'.repeat(32)),
  issuer: 'issuer',
  audience: 'audience',
  ttlSeconds: 900,
};
const USER_ID = '665f1c2a9e4b3c0012abcdef';
const SESSION_ID = '665f1c2a9e4b3c0012abcd01';
const T0 = Date.parse('2026-01-31T12:00:00.000Z');

/** A correctly signed HS256 token with any payload and header, even one jsonwebtoken would refuse to sign. */
function signedRaw(payload: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'HS256', typ: 'JWT', ...header })}.${encode(payload)}`;
  return `${input}.${crypto.createHmac('sha256', config.secret).update(input).digest('base64url')}`;
}

function rejection(verify: () => unknown): string | undefined {
  try {
    verify();
  } catch (error) {
    if (error instanceof TokenRejected) return error.rejection;
    throw error;
  }
  return undefined;
}

describe('createTokenService', () => {
  it('issues an HS256 token with sub, sid, iat, exp, iss, aud and a random jti', () => {
    const tokens = createTokenService(config, () => T0);

    const first = tokens.issue(USER_ID, SESSION_ID);
    const second = tokens.issue(USER_ID, SESSION_ID);

    expect(first.expiresIn).toBe(900);
    const { header, payload } = jwt.decode(first.token, { complete: true }) as jwt.Jwt;
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toEqual({
      sub: USER_ID,
      sid: SESSION_ID,
      iat: T0 / 1000,
      exp: T0 / 1000 + 900,
      iss: 'issuer',
      aud: 'audience',
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect((jwt.decode(second.token) as jwt.JwtPayload).jti).not.toBe((payload as jwt.JwtPayload).jti);
  });

  it('verifies its own tokens and returns the user id, the session id and the expiry', () => {
    const tokens = createTokenService(config, () => T0);

    expect(tokens.verify(tokens.issue(USER_ID, SESSION_ID).token)).toEqual({
      userId: USER_ID,
      sessionId: SESSION_ID,
      expiresAt: T0 / 1000 + 900,
    });
  });

  it('accepts a token until its expiry plus the clock tolerance, and not after', () => {
    const { token } = createTokenService(config, () => T0).issue(USER_ID, SESSION_ID);
    const at = (ms: number) => createTokenService(config, () => ms);

    expect(at(T0 + (900 + CLOCK_TOLERANCE_SECONDS - 1) * 1000).verify(token)).toEqual({
      userId: USER_ID,
      sessionId: SESSION_ID,
      expiresAt: T0 / 1000 + 900,
    });
    expect(rejection(() => at(T0 + (900 + CLOCK_TOLERANCE_SECONDS) * 1000).verify(token))).toBe('expired');
  });

  it('refuses a token issued further in the future than the clock tolerance', () => {
    const { token } = createTokenService(config, () => T0 + 60_000).issue(USER_ID, SESSION_ID);

    expect(rejection(() => createTokenService(config, () => T0).verify(token))).toBe('not_yet_valid');
  });

  it.each([
    ['another issuer', { ...config, issuer: 'other' }, 'wrong_issuer'],
    ['another audience', { ...config, audience: 'other' }, 'wrong_audience'],
    ['another secret', { ...config, secret: Buffer.from('o'.repeat(32)) }, 'bad_signature'],
  ])('refuses a token from %s', (_what, signer, reason) => {
    const { token } = createTokenService(signer, () => T0).issue(USER_ID, SESSION_ID);

    expect(rejection(() => createTokenService(config, () => T0).verify(token))).toBe(reason);
  });

  it.each([
    [
      'a non-numeric exp',
      () => signedRaw({ sub: USER_ID, iat: T0 / 1000, exp: 'tomorrow', iss: 'issuer', aud: 'audience' }),
    ],
    [
      'a non-numeric nbf',
      () =>
        signedRaw({ sub: USER_ID, iat: T0 / 1000, exp: T0 / 1000 + 60, nbf: 'now', iss: 'issuer', aud: 'audience' }),
    ],
    [
      'no iat',
      () =>
        jwt.sign({ sub: USER_ID, exp: T0 / 1000 + 60, iss: 'issuer', aud: 'audience' }, config.secret, {
          algorithm: 'HS256',
          noTimestamp: true,
        }),
    ],
    [
      'an upper-case subject',
      () =>
        jwt.sign(
          {
            sub: USER_ID.toUpperCase(),
            sid: SESSION_ID,
            iat: T0 / 1000,
            exp: T0 / 1000 + 60,
            iss: 'issuer',
            aud: 'audience',
          },
          config.secret,
          { algorithm: 'HS256' },
        ),
    ],
    [
      'no session id',
      () =>
        jwt.sign({ sub: USER_ID, iat: T0 / 1000, exp: T0 / 1000 + 60, iss: 'issuer', aud: 'audience' }, config.secret, {
          algorithm: 'HS256',
        }),
    ],
    [
      'a session id that is not an id',
      () =>
        jwt.sign(
          { sub: USER_ID, sid: 'all', iat: T0 / 1000, exp: T0 / 1000 + 60, iss: 'issuer', aud: 'audience' },
          config.secret,
          { algorithm: 'HS256' },
        ),
    ],
  ])('refuses a token with %s as bad claims', (_what, token) => {
    expect(rejection(() => createTokenService(config, () => T0).verify(token()))).toBe('bad_claims');
  });

  it('refuses a correctly signed token with a crit header (RFC 7515 §4.1.11), which jsonwebtoken alone accepts', () => {
    const claims = {
      sub: USER_ID,
      sid: SESSION_ID,
      iat: T0 / 1000,
      exp: T0 / 1000 + 900,
      iss: 'issuer',
      aud: 'audience',
    };
    const token = signedRaw(claims, { crit: ['exp-policy'], 'exp-policy': 'lenient' });

    expect(() => jwt.verify(token, config.secret, { algorithms: ['HS256'], clockTimestamp: T0 / 1000 })).not.toThrow();
    expect(rejection(() => createTokenService(config, () => T0).verify(token))).toBe('malformed');
    expect(rejection(() => createTokenService(config, () => T0).verify(signedRaw(claims)))).toBeUndefined();
  });

  it('refuses a correctly signed token that lives longer than the configured lifetime', () => {
    const claims = (lifetime: number) => ({
      sub: USER_ID,
      sid: SESSION_ID,
      iat: T0 / 1000,
      exp: T0 / 1000 + lifetime,
      iss: 'issuer',
      aud: 'audience',
    });

    expect(rejection(() => createTokenService(config, () => T0).verify(signedRaw(claims(900))))).toBeUndefined();
    expect(rejection(() => createTokenService(config, () => T0).verify(signedRaw(claims(901))))).toBe('bad_claims');
    expect(rejection(() => createTokenService(config, () => T0).verify(signedRaw(claims(365 * 86_400))))).toBe(
      'bad_claims',
    );
  });

  it('refuses an empty token as missing', () => {
    expect(rejection(() => createTokenService(config).verify(''))).toBe('missing');
  });

  it('builds the HMAC key once, not on every verification', () => {
    const createSecretKey = jest.spyOn(crypto, 'createSecretKey');
    try {
      const tokens = createTokenService(config, () => T0);
      const { token } = tokens.issue(USER_ID, SESSION_ID);
      for (let i = 0; i < 5; i += 1) tokens.verify(token);

      expect(createSecretKey).toHaveBeenCalledTimes(1);
    } finally {
      createSecretKey.mockRestore();
    }
  });
});
