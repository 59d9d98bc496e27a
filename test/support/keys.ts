/**
 * Fixed P-256 key pairs for tests, so tokens can be signed and checked outside the functions.
 * Test keys only: they sign nothing anywhere else.
 */
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

export interface TestKey {
  kid: string;
  /** PKCS#8 PEM, as JWT_SIGNING_PRIVATE_KEY takes it. */
  privatePem: string;
  /** Base64 DER SubjectPublicKeyInfo, as JWT_PUBLIC_KEYS holds it. */
  spki: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

function testKey(kid: string, privatePem: string): TestKey {
  const privateKey = createPrivateKey(privatePem);
  const publicKey = createPublicKey(privateKey);
  return {
    kid,
    privatePem,
    spki: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    privateKey,
    publicKey,
  };
}

/** The current generation in the baseline configuration: it signs. */
export const CURRENT_KEY = testKey(
  'test-2',
  `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgFy8gXVIP3B80wsVY
1OnWYAa7YWMdcoEOFcffQaeqzsehRANCAATzYVVQsO5r7y0NYC14gt6I77DbmNaY
DxbslncvcFcifqYKl0N3nGti2VaPVBRDTx9OIu2QrPREb3tHPLTxN15l
-----END PRIVATE KEY-----
`,
);

/** An older generation: live (it verifies) only where a test lists it. */
export const PREVIOUS_KEY = testKey(
  'test-1',
  `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgeXlfHQI1IkwnFZFU
Z2OE2zz/qJPxlb8cskPiZbhan2ahRANCAATEzUEWwDUyFySTTi7RAjOkbbX90vTM
lkadGTh2PK/5seqhJrs4LmQAwQvAdQDazGreP51aqBg7UI7pkmu6stue
-----END PRIVATE KEY-----
`,
);

/** A key the API has never known: an attacker's. */
export const UNKNOWN_KEY = testKey(
  'attacker',
  `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgx5JSg/TnoMeE4YNy
DOYUzKJ4maPdADJDnbSzwpZZTzyhRANCAAQZlwbChSWYzxPlAxD3P767M3Ztbhh6
XWvKZ+HpkdhsiI+3UZq/D+iFzJSOwa0LOaQe7wjGJ2R+UZ4t/kQK4Kiw
-----END PRIVATE KEY-----
`,
);

/** JWT_PUBLIC_KEYS listing these keys' generations, oldest first. */
export function publicKeysVariable(...keys: TestKey[]): string {
  return JSON.stringify(Object.fromEntries(keys.map((key) => [key.kid, key.spki])));
}

/** The variables that make a function sign with `key` and verify with `live` (the signer first among them). */
export function signingVariables(key: TestKey, live: TestKey[] = [key]): Record<string, string> {
  return {
    JWT_PUBLIC_KEYS: publicKeysVariable(...live),
    JWT_SIGNING_KEY_ID: key.kid,
    JWT_SIGNING_PRIVATE_KEY: key.privatePem,
  };
}

/** An ES256 token signed outside the functions, with `kid` naming `key` unless the options say otherwise. */
export function signWith(key: TestKey, payload: object, options: jwt.SignOptions = {}): string {
  return jwt.sign(payload, key.privateKey, { algorithm: 'ES256', keyid: key.kid, ...options });
}

/** The claims of a token after checking its signature with `key`, as any verifier holding the public key would. */
export function verifyWith(key: TestKey, token: string, options: jwt.VerifyOptions = {}): jwt.JwtPayload {
  return jwt.verify(token, key.publicKey, { algorithms: ['ES256'], ...options }) as jwt.JwtPayload;
}

/** A correctly signed ES256 token with any header and payload, even ones jsonwebtoken would refuse to sign. */
export function signRaw(
  key: TestKey,
  payload: unknown,
  header: Record<string, unknown> = { alg: 'ES256', typ: 'JWT', kid: key.kid },
): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode(header)}.${encode(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}
