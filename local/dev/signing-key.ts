/**
 * The token signing key of `make dev`. Tokens are ES256 as in AWS, but signed by the functions'
 * local signer (JWT_SIGNING_PRIVATE_KEY) instead of KMS. By default the key is made for the run
 * and lives only in memory, like the embedded MongoDB's users: tokens from an earlier run are then
 * refused as signed by an unknown key. JWT_SIGNING_PRIVATE_KEY (a PKCS#8 PEM) keeps one across runs.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export interface DevSigningKey {
  /** The functions' variables: JWT_PUBLIC_KEYS, JWT_SIGNING_KEY_ID and JWT_SIGNING_PRIVATE_KEY. */
  environment: Record<string, string>;
  keyId: string;
  /** True when the key was made for this run. */
  generated: boolean;
}

export class DevSigningKeyError extends Error {
  override name = 'DevSigningKeyError';
}

type Env = Readonly<Record<string, string | undefined>>;

function givenKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new DevSigningKeyError(
      'JWT_SIGNING_PRIVATE_KEY must be a PEM private key (openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256)',
    );
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new DevSigningKeyError('JWT_SIGNING_PRIVATE_KEY must be a P-256 (prime256v1) key: tokens are ES256');
  }
  return key;
}

export function devSigningKey(env: Env): DevSigningKey {
  const pem = env.JWT_SIGNING_PRIVATE_KEY;
  const generated = !pem;
  const privateKey = pem ? givenKey(pem) : generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  // A new kid per run: a token from an earlier run names a key this run does not have.
  const keyId = env.JWT_SIGNING_KEY_ID || (generated ? `local-${randomBytes(4).toString('hex')}` : 'local');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(keyId))
    throw new DevSigningKeyError(`JWT_SIGNING_KEY_ID must be 1-64 letters, digits, - or _, not "${keyId}"`);
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).toString('base64');
  return {
    keyId,
    generated,
    environment: {
      JWT_PUBLIC_KEYS: JSON.stringify({ [keyId]: spki }),
      JWT_SIGNING_KEY_ID: keyId,
      JWT_SIGNING_PRIVATE_KEY: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    },
  };
}

/** The line `make dev` prints about the key. */
export function describeDevSigningKey(key: DevSigningKey): string {
  return key.generated
    ? `  Tokens are ES256, signed with a P-256 key made for this run (kid ${key.keyId}): they stop working when make dev restarts (set JWT_SIGNING_PRIVATE_KEY to keep a key).`
    : `  Tokens are ES256, signed with JWT_SIGNING_PRIVATE_KEY (kid ${key.keyId}).`;
}
