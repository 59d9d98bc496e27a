/**
 * The token signing keys as verifiers see them: the public keys of every live key generation, by
 * key id (`kid`). They reach a function in its configuration (JWT_PUBLIC_KEYS), so verifying a
 * token needs no network call and no secret; the same keys are published as the JWKS.
 *
 * The authorizer loads this module: it must not import the AWS SDK, mongoose or bcryptjs.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** The one algorithm our tokens use: ECDSA on P-256 with SHA-256 (RFC 7518 §3.4). */
export const TOKEN_ALGORITHM = 'ES256';

/** node:crypto's name of P-256. */
const P256 = 'prime256v1';

/** A key id: a key generation's name as Terraform lists it. Short and plain, so a `kid` is never a path or a URL. */
export const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Public keys by key id. A Map, so a `kid` such as `__proto__` or `constructor` finds nothing. */
export type PublicKeys = ReadonlyMap<string, KeyObject>;

/** One entry of a JWKS (RFC 7517), as API Gateway's JWT authorizer and JOSE libraries read it. */
export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: typeof TOKEN_ALGORITHM;
  use: 'sig';
}

export class InvalidKey extends Error {
  override name = 'InvalidKey';
}

function isP256(key: KeyObject): boolean {
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === P256;
}

/** A P-256 public key from base64 DER SubjectPublicKeyInfo, as KMS GetPublicKey and `aws_kms_public_key.public_key` give it. */
export function publicKeyFromSpki(base64Der: string): KeyObject {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64Der)) throw new InvalidKey('is not base64');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(base64Der, 'base64'), format: 'der', type: 'spki' });
  } catch {
    throw new InvalidKey('is not a DER SubjectPublicKeyInfo');
  }
  if (!isP256(key)) throw new InvalidKey('is not a P-256 (ECC_NIST_P256) key');
  return key;
}

/** A P-256 private key from PKCS#8 PEM: the local signer's key. */
export function privateKeyFromPem(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new InvalidKey('is not a PEM private key');
  }
  if (!isP256(key)) throw new InvalidKey('is not a P-256 key');
  return key;
}

/** The base64 DER SubjectPublicKeyInfo of a key (the form JWT_PUBLIC_KEYS holds). */
export function spkiOf(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
}

/**
 * Parses JWT_PUBLIC_KEYS: a JSON object from key id to base64 DER SubjectPublicKeyInfo.
 * Throws InvalidKey saying which entry is wrong (never a key's value: they are public, but long).
 */
export function parsePublicKeys(json: string): PublicKeys {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new InvalidKey('is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InvalidKey('must be a JSON object from key id to base64 DER public key');
  const keys = new Map<string, KeyObject>();
  for (const [kid, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (!KEY_ID.test(kid))
      throw new InvalidKey(
        `has a key id that is not 1-64 letters, digits, - or _: ${JSON.stringify(kid.slice(0, 70))}`,
      );
    if (typeof value !== 'string') throw new InvalidKey(`key ${kid} is not a string`);
    try {
      keys.set(kid, publicKeyFromSpki(value));
    } catch (error) {
      throw new InvalidKey(`key ${kid} ${(error as Error).message}`);
    }
  }
  if (keys.size === 0) throw new InvalidKey('holds no key');
  return keys;
}

/** The JWKS of the live keys, in JWT_PUBLIC_KEYS order (Terraform writes it sorted by key id). */
export function toJwks(keys: PublicKeys): { keys: PublicJwk[] } {
  return {
    keys: [...keys].map(([kid, key]) => {
      const { x, y } = key.export({ format: 'jwk' });
      return { kty: 'EC', crv: 'P-256', x: x!, y: y!, kid, alg: TOKEN_ALGORITHM, use: 'sig' };
    }),
  };
}
