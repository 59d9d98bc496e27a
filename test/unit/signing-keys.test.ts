import { generateKeyPairSync } from 'node:crypto';
import { InvalidKey, parsePublicKeys, privateKeyFromPem, spkiOf, toJwks } from '../../functions/shared/signing-keys';
import { CURRENT_KEY, PREVIOUS_KEY, publicKeysVariable } from '../support/keys';

const spki = (type: 'rsa' | 'ec', options: object) =>
  (
    generateKeyPairSync(type as 'ec', options as { namedCurve: string }).publicKey.export({
      format: 'der',
      type: 'spki',
    }) as Buffer
  ).toString('base64');

describe('parsePublicKeys', () => {
  it('reads every generation by key id, in order', () => {
    const keys = parsePublicKeys(publicKeysVariable(PREVIOUS_KEY, CURRENT_KEY));

    expect([...keys.keys()]).toEqual(['test-1', 'test-2']);
    expect(spkiOf(keys.get('test-2')!)).toBe(CURRENT_KEY.spki);
  });

  it('finds nothing for a key id that is an inherited property name', () => {
    const keys = parsePublicKeys(publicKeysVariable(CURRENT_KEY));

    expect(keys.get('__proto__')).toBeUndefined();
    expect(keys.get('constructor')).toBeUndefined();
  });

  it.each([
    ['not JSON', '{', 'is not JSON'],
    ['a list', '[]', 'must be a JSON object from key id to base64 DER public key'],
    ['empty', '{}', 'holds no key'],
    [
      'a key id with a slash',
      JSON.stringify({ '../keys': CURRENT_KEY.spki }),
      'has a key id that is not 1-64 letters, digits, - or _: "../keys"',
    ],
    ['a key that is not a string', JSON.stringify({ a: 1 }), 'key a is not a string'],
    ['a key that is not base64', JSON.stringify({ a: '-----BEGIN PUBLIC KEY-----' }), 'key a is not base64'],
    ['a key that is not DER', JSON.stringify({ a: 'AAAA' }), 'key a is not a DER SubjectPublicKeyInfo'],
    [
      'an RSA key',
      JSON.stringify({ a: spki('rsa', { modulusLength: 2048 }) }),
      'key a is not a P-256 (ECC_NIST_P256) key',
    ],
    [
      'a P-384 key',
      JSON.stringify({ a: spki('ec', { namedCurve: 'P-384' }) }),
      'key a is not a P-256 (ECC_NIST_P256) key',
    ],
  ])('refuses %s', (_what, json, message) => {
    expect(() => parsePublicKeys(json)).toThrow(new InvalidKey(message));
  });
});

describe('privateKeyFromPem', () => {
  it('reads a PKCS#8 P-256 key and refuses anything else', () => {
    expect(spkiOf(privateKeyFromPem(CURRENT_KEY.privatePem))).toBe(CURRENT_KEY.spki);
    expect(() => privateKeyFromPem('not a key')).toThrow(new InvalidKey('is not a PEM private key'));
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({
      format: 'pem',
      type: 'pkcs8',
    }) as string;
    expect(() => privateKeyFromPem(p384)).toThrow(new InvalidKey('is not a P-256 key'));
  });
});

describe('toJwks', () => {
  it('publishes each live key as an EC P-256 signing JWK with its kid and ES256', () => {
    const jwks = toJwks(parsePublicKeys(publicKeysVariable(PREVIOUS_KEY, CURRENT_KEY)));

    expect(jwks.keys).toEqual([
      {
        kty: 'EC',
        crv: 'P-256',
        x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        y: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        kid: 'test-1',
        alg: 'ES256',
        use: 'sig',
      },
      {
        kty: 'EC',
        crv: 'P-256',
        x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        y: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        kid: 'test-2',
        alg: 'ES256',
        use: 'sig',
      },
    ]);
    expect(jwks.keys[1]).toMatchObject(CURRENT_KEY.publicKey.export({ format: 'jwk' }));
  });
});
