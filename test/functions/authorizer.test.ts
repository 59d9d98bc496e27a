import '../support/lambda-environment';
import { join } from 'node:path';
import { build } from 'esbuild';
import { createHmac } from 'node:crypto';
import type jwt from 'jsonwebtoken';
import { handler } from '../../functions/authorizer/handler';
import { configureFunctions, TEST_AUDIENCE, TEST_ISSUER } from '../support/env';
import type { TestKey } from '../support/keys';
import { CURRENT_KEY, PREVIOUS_KEY, signRaw, signWith, UNKNOWN_KEY } from '../support/keys';
import { lambdaContext, methodArn, STAGE_RESOURCE, tokenAuthorizerEvent } from '../support/events';
import { captureOutput, requestLines } from '../support/output';

const output = captureOutput();
const USER_ID = '665f1c2a9e4b3c0012abcdef';
const SESSION_ID = '665f1c2a9e4b3c0012abcd01';
const now = () => Math.floor(Date.now() / 1000);

/** Our claims, changed by `claims` (undefined removes one). */
function claims(changes: Record<string, unknown> = {}): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries({
      sub: USER_ID,
      sid: SESSION_ID,
      iss: TEST_ISSUER,
      aud: TEST_AUDIENCE,
      iat: now(),
      exp: now() + 600,
      jti: 'test',
      ...changes,
    }).filter(([, value]) => value !== undefined),
  );
}

/** A token with our claims as the API signs them (ES256, the current key's kid), changed by `changes`. */
function sign(
  changes: Record<string, unknown> = {},
  options: jwt.SignOptions = {},
  key: TestKey = CURRENT_KEY,
): string {
  return signWith(key, claims(changes), options);
}

/** Our claims under any header, correctly signed by `key`. */
function signHeader(header: Record<string, unknown>, key: TestKey = CURRENT_KEY): string {
  return signRaw(key, claims(), header);
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** An HMAC-signed token: what an attacker makes when they hope the verifier takes a public key for an HMAC secret. */
function hmacSigned(algorithm: 'HS256' | 'HS512', secret: string, header: Record<string, unknown> = {}): string {
  const input = `${base64url({ alg: algorithm, typ: 'JWT', kid: CURRENT_KEY.kid, ...header })}.${base64url(claims())}`;
  return `${input}.${createHmac(algorithm === 'HS256' ? 'sha256' : 'sha512', secret)
    .update(input)
    .digest('base64url')}`;
}

const PUBLIC_KEY_PEM = CURRENT_KEY.publicKey.export({ format: 'pem', type: 'spki' }) as string;

function authorize(token: string, arn?: string) {
  return handler(tokenAuthorizerEvent(token, arn), lambdaContext('auth-api-authorizer'));
}

/** The error the authorizer threw, checked to be a plain Error. */
async function rejection(token: string, arn?: string): Promise<Error> {
  const error: unknown = await authorize(token, arn).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof Error)) throw new Error(`the authorizer did not throw for ${JSON.stringify(token)}`);
  return error;
}

beforeAll(() => {
  // No MONGODB_URI: the authorizer never touches the database.
  configureFunctions('mongodb://unused.invalid/none', { MONGODB_URI: undefined });
});

describe('authorizer', () => {
  it("allows every route of the stage for a valid bearer token, naming the user and the token's expiry", async () => {
    const exp = now() + 600;
    const result = await authorize(`Bearer ${sign({ exp })}`, methodArn('GET', '/me'));

    expect(result).toEqual({
      principalId: USER_ID,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: STAGE_RESOURCE }],
      },
      context: { userId: USER_ID, sid: SESSION_ID, exp },
    });
    expect(requestLines(output)[0]).toMatchObject({ operation: 'authorizer', status: 200, outcome: 'allowed' });
    expect(output.metrics().map((metric) => metric.name)).toContain('AuthorizerAllowed');
  });

  it('accepts the bare token that older clients send, and any case of "Bearer"', async () => {
    await expect(authorize(sign())).resolves.toMatchObject({ principalId: USER_ID });
    await expect(authorize(`bearer ${sign()}`)).resolves.toMatchObject({ principalId: USER_ID });
  });

  it('accepts a token of every live key generation: the previous one verifies until it is removed', async () => {
    configureFunctions('mongodb://unused.invalid/none', {
      MONGODB_URI: undefined,
      JWT_PUBLIC_KEYS: JSON.stringify({ [PREVIOUS_KEY.kid]: PREVIOUS_KEY.spki, [CURRENT_KEY.kid]: CURRENT_KEY.spki }),
    });
    try {
      await jest.isolateModulesAsync(async () => {
        const { handler: fresh } = await import('../../functions/authorizer/handler');
        await expect(
          fresh(tokenAuthorizerEvent(sign({}, {}, PREVIOUS_KEY)), lambdaContext('auth-api-authorizer')),
        ).resolves.toMatchObject({ principalId: USER_ID });
      });
    } finally {
      configureFunctions('mongodb://unused.invalid/none', { MONGODB_URI: undefined });
    }
  });

  it('tolerates a few seconds of clock skew', async () => {
    await expect(authorize(sign({ iat: now() + 3, nbf: now() + 3 }))).resolves.toMatchObject({ principalId: USER_ID });
    await expect(authorize(sign({ exp: now() - 2 }))).resolves.toMatchObject({ principalId: USER_ID });
  });

  const forgeries: Array<[string, () => string, string]> = [
    [
      'an unsigned token (alg none)',
      () => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims())}.`,
      'wrong_algorithm',
    ],
    [
      'an unsigned token (alg none) naming our key',
      () => `${base64url({ alg: 'none', typ: 'JWT', kid: CURRENT_KEY.kid })}.${base64url(claims())}.`,
      'wrong_algorithm',
    ],
    [
      'an HS256 token keyed with our public key in PEM (algorithm confusion)',
      () => hmacSigned('HS256', PUBLIC_KEY_PEM),
      'wrong_algorithm',
    ],
    [
      'an HS256 token keyed with our public key as published (algorithm confusion)',
      () => hmacSigned('HS256', CURRENT_KEY.spki),
      'wrong_algorithm',
    ],
    ['an HS512 token', () => hmacSigned('HS512', 'a-secret-someone-guessed-of-more-than-32-bytes'), 'wrong_algorithm'],
    [
      'an ES384 header over our ES256 signature',
      () => {
        const [, payload, signature] = sign().split('.');
        return `${base64url({ alg: 'ES384', typ: 'JWT', kid: CURRENT_KEY.kid })}.${payload}.${signature}`;
      },
      'wrong_algorithm',
    ],
    [
      'an ES256 token signed by an unknown key under our kid',
      () => sign({}, { keyid: CURRENT_KEY.kid }, UNKNOWN_KEY),
      'bad_signature',
    ],
    ['an ES256 token signed by an unknown key under its own kid', () => sign({}, {}, UNKNOWN_KEY), 'bad_signature'],
    ['an ES256 token without a kid', () => signHeader({ alg: 'ES256', typ: 'JWT' }), 'bad_signature'],
    ['a token of a retired key generation', () => sign({}, {}, PREVIOUS_KEY), 'bad_signature'],
    ['a kid that walks up the file system', () => sign({}, { keyid: '../../../../dev/null' }), 'bad_signature'],
    ['a kid that is an absolute path', () => sign({}, { keyid: '/etc/passwd' }), 'bad_signature'],
    ['a kid that is a URL', () => sign({}, { keyid: 'https://attacker.example/key.pem' }), 'bad_signature'],
    ['a kid naming an inherited property', () => sign({}, { keyid: '__proto__' }), 'bad_signature'],
    [
      'a jwk header carrying the signing key',
      () =>
        signHeader(
          {
            alg: 'ES256',
            typ: 'JWT',
            kid: CURRENT_KEY.kid,
            jwk: { ...UNKNOWN_KEY.publicKey.export({ format: 'jwk' }), kid: CURRENT_KEY.kid },
          },
          UNKNOWN_KEY,
        ),
      'malformed',
    ],
    [
      'a jku header pointing elsewhere',
      () =>
        signHeader(
          { alg: 'ES256', typ: 'JWT', kid: CURRENT_KEY.kid, jku: 'https://attacker.example/jwks.json' },
          UNKNOWN_KEY,
        ),
      'malformed',
    ],
    [
      'an x5u header pointing elsewhere',
      () =>
        signHeader(
          { alg: 'ES256', typ: 'JWT', kid: CURRENT_KEY.kid, x5u: 'https://attacker.example/cert.pem' },
          UNKNOWN_KEY,
        ),
      'malformed',
    ],
    [
      'a jku header on a token we signed',
      () => signHeader({ alg: 'ES256', typ: 'JWT', kid: CURRENT_KEY.kid, jku: 'https://attacker.example/jwks.json' }),
      'malformed',
    ],
    [
      'a token with a tampered payload',
      () => {
        const [header, , signature] = sign().split('.');
        return `${header}.${base64url(claims({ sub: '000000000000000000000000' }))}.${signature}`;
      },
      'bad_signature',
    ],
    ['an expired token', () => sign({ exp: now() - 60 }), 'expired'],
    ['a token not yet valid', () => sign({ nbf: now() + 60 }), 'not_yet_valid'],
    ['a token issued in the future', () => sign({ iat: now() + 60 }), 'not_yet_valid'],
    ['a token from another issuer', () => sign({ iss: 'https://someone-else.example' }), 'wrong_issuer'],
    ['a token for another audience', () => sign({ aud: 'another-api' }), 'wrong_audience'],
    ['a token without a subject', () => sign({ sub: undefined }), 'bad_claims'],
    ['a token whose subject is not a user id', () => sign({ sub: 'admin' }), 'bad_claims'],
    ['a token without an expiry', () => sign({ exp: undefined }), 'bad_claims'],
    ['a token without a session', () => sign({ sid: undefined }), 'bad_claims'],
    [
      'a token with a crit header (RFC 7515 §4.1.11)',
      () => signHeader({ alg: 'ES256', typ: 'JWT', kid: CURRENT_KEY.kid, crit: ['b64'], b64: true }),
      'malformed',
    ],
    [
      'a token that lives longer than tokens are issued for',
      () => sign({ iat: now(), exp: now() + 365 * 86_400 }),
      'bad_claims',
    ],
    ['garbage', () => 'not-a-jwt', 'malformed'],
    ['three parts of garbage', () => 'a.b.c', 'malformed'],
    ['an empty header', () => '', 'missing'],
    ['"Bearer" with nothing after it', () => 'Bearer ', 'missing'],
    ['a bearer value with spaces inside', () => `Bearer ${sign()} extra`, 'malformed'],
    ['a token far longer than ours', () => `${sign()}${'A'.repeat(5000)}`, 'malformed'],
  ];

  it.each(forgeries)('throws exactly "Unauthorized" for %s', async (_what, token, reason) => {
    const error = await rejection(token());

    expect(error.constructor).toBe(Error);
    expect(error.message).toBe('Unauthorized');
    expect(requestLines(output)[0]).toMatchObject({
      operation: 'authorizer',
      status: 401,
      outcome: 'token_rejected',
      reason,
    });
    expect(output.metrics()).toContainEqual({
      name: 'AuthorizerRejected',
      dimensions: { service: 'auth-api', reason },
      value: 1,
    });
  });

  it('never logs the token', async () => {
    const token = sign({ exp: now() - 60 });
    await rejection(`Bearer ${token}`);
    await authorize(sign());

    expect(output.text()).not.toContain(token.split('.')[2]);
  });

  it('fails with another error, not Unauthorized, when the method ARN is not one API Gateway sends', async () => {
    const error = await rejection(sign(), 'arn:aws:lambda:eu-west-1:123456789012:function:x');

    expect(error.message).not.toBe('Unauthorized');
    expect(error.message).toMatch(/^Authorizer failed \(request id: [0-9a-f-]{36}\)$/);
    expect(requestLines(output)[0]).toMatchObject({ status: 500, outcome: 'integration_error' });
    expect(output.metrics()).toContainEqual({
      name: 'HandlerError',
      dimensions: { service: 'auth-api', operation: 'authorizer', outcome: 'integration_error' },
      value: 1,
    });
  });

  it('fails with another error, not Unauthorized, for an event that is not a TOKEN authorizer event', async () => {
    const requestEvent = { ...tokenAuthorizerEvent(sign()), type: 'REQUEST' } as unknown as Parameters<
      typeof handler
    >[0];

    const error: unknown = await handler(requestEvent, lambdaContext('auth-api-authorizer')).catch(
      (thrown: unknown) => thrown,
    );

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^Authorizer failed/);
  });

  it('keeps the partition of the method ARN', async () => {
    const result = await authorize(
      sign(),
      'arn:aws-cn:execute-api:cn-north-1:123456789012:abc123defg/prod/POST/register',
    );

    expect(result.policyDocument.Statement[0]).toMatchObject({
      Resource: 'arn:aws-cn:execute-api:cn-north-1:123456789012:abc123defg/prod/*',
    });
  });

  it('bundles neither mongoose nor bcryptjs', async () => {
    const result = await build({
      entryPoints: [join(__dirname, '..', '..', 'functions', 'authorizer', 'handler.ts')],
      bundle: true,
      platform: 'node',
      target: 'node22',
      write: false,
      metafile: true,
      external: ['@aws-sdk/*'],
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);

    expect(inputs.filter((input) => /node_modules\/(mongoose|mongodb|bson|bcryptjs)\//.test(input))).toEqual([]);
    expect(inputs.some((input) => input.includes('node_modules/jsonwebtoken/'))).toBe(true);
  });
});
