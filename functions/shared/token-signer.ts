/**
 * Who signs access tokens. In AWS, KMS does: the private key never leaves it, and the functions
 * that issue tokens send it a SHA-256 digest (`kms:Sign`, ECDSA_SHA_256) and get a DER signature
 * back. Locally (`make dev`, the tests) a P-256 key in memory signs through the same interface and
 * the same DER-to-JOSE conversion, so every local token exercises the path KMS signatures take.
 *
 * Only the functions that issue tokens load this module; the AWS SDK is imported only when KMS is
 * configured, and Lambda's runtime provides it (scripts/build.ts leaves `@aws-sdk/*` out of bundles).
 */
import { createHash, sign as signWithKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { ConfigError, DependencyUnavailable } from './errors';
import { derToJose } from './ecdsa';

export interface TokenSigner {
  /** The `kid` of the key that signs: its generation's name. */
  readonly keyId: string;
  /** The JOSE ES256 signature (r‖s, 64 bytes) of a JWS signing input (`<header>.<payload>`). */
  sign(signingInput: string): Promise<Buffer>;
}

/** Signs with a private key held in memory: for `make dev` and the tests, never deployed. */
export function createLocalSigner(keyId: string, privateKey: KeyObject): TokenSigner {
  return {
    keyId,
    sign(signingInput) {
      // DER as KMS returns it, so the conversion is the one KMS signatures go through.
      const der = signWithKey('sha256', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'der' });
      return Promise.resolve(derToJose(der));
    },
  };
}

/** The one KMS call the signer makes: SignCommand's input and output, as far as it reads them. */
export interface KmsSignRequest {
  KeyId: string;
  Message: Uint8Array;
  MessageType: 'DIGEST';
  SigningAlgorithm: 'ECDSA_SHA_256';
}

export type KmsSign = (request: KmsSignRequest) => Promise<{ Signature?: Uint8Array }>;

/** The variable naming the KMS key: what a misconfigured key's error points at. */
export const KMS_KEY_VARIABLE = 'JWT_SIGNING_KMS_KEY';

/** KMS answers that mean the deployment is wrong (key, grant, state), not that KMS is having a bad moment. */
const MISCONFIGURED_KEY = new Set([
  'AccessDeniedException',
  'NotFoundException',
  'DisabledException',
  'KMSInvalidStateException',
  'InvalidKeyUsageException',
  'ValidationException',
]);

/**
 * KMS must answer well within the function's timeout (10 s): two attempts of at most 3 s each,
 * then the caller gets a 503 rather than a timeout.
 */
export interface KmsLimits {
  requestTimeoutMs: number;
  connectionTimeoutMs: number;
  maxAttempts: number;
}

export const KMS_LIMITS: Readonly<KmsLimits> = { requestTimeoutMs: 3000, connectionTimeoutMs: 1000, maxAttempts: 2 };

/** A KMS Sign call through the AWS SDK v3, loaded on first use. */
export async function loadKmsSign(limits: KmsLimits = KMS_LIMITS): Promise<KmsSign> {
  const { KMSClient, SignCommand } = await import('@aws-sdk/client-kms');
  // Region and credentials come from the Lambda environment, as for every AWS SDK client.
  const client = new KMSClient({
    maxAttempts: limits.maxAttempts,
    requestHandler: {
      requestTimeout: limits.requestTimeoutMs,
      // Without it, the SDK's node handler (since @smithy/node-http-handler 4.x) only logs a
      // warning when requestTimeout passes, and the call waits for as long as KMS takes.
      throwOnRequestTimeout: true,
      connectionTimeout: limits.connectionTimeoutMs,
    },
  });
  return (request) => client.send(new SignCommand(request));
}

/**
 * Signs with an asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY). Every signature is checked
 * against the public key published for `keyId` before it is used, so a KMS key that is not the
 * one the verifiers know fails the request (500, naming the variable) instead of issuing tokens
 * that every verifier refuses.
 */
export function createKmsSigner(options: {
  keyId: string;
  kmsKeyId: string;
  publicKey: KeyObject;
  kmsSign: KmsSign;
}): TokenSigner {
  const { keyId, kmsKeyId, publicKey, kmsSign } = options;
  return {
    keyId,
    async sign(signingInput) {
      const input = Buffer.from(signingInput);
      // A digest keeps the request small whatever the token's size (a RAW message is limited to 4 KB).
      const digest = createHash('sha256').update(input).digest();
      let der: Uint8Array | undefined;
      try {
        ({ Signature: der } = await kmsSign({
          KeyId: kmsKeyId,
          Message: digest,
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }));
      } catch (error) {
        const name = error instanceof Error ? error.name : 'unknown';
        if (MISCONFIGURED_KEY.has(name))
          throw new ConfigError(
            KMS_KEY_VARIABLE,
            `${KMS_KEY_VARIABLE}: KMS refused to sign with ${kmsKeyId} (${name})`,
            error,
          );
        throw new DependencyUnavailable('kms', error);
      }
      if (der === undefined) throw new DependencyUnavailable('kms', new Error('KMS answered Sign without a signature'));
      const jose = derToJose(der);
      if (!verify('sha256', input, { key: publicKey, dsaEncoding: 'ieee-p1363' }, jose)) {
        throw new ConfigError(
          KMS_KEY_VARIABLE,
          `${KMS_KEY_VARIABLE}: ${kmsKeyId} does not sign for key id ${keyId} of JWT_PUBLIC_KEYS`,
        );
      }
      return jose;
    },
  };
}
