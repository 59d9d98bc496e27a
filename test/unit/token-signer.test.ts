import { createHash, sign } from 'node:crypto';
import { ConfigError, DependencyUnavailable } from '../../functions/shared/errors';
import { createKmsSigner, createLocalSigner, loadKmsSign } from '../../functions/shared/token-signer';
import type { KmsSign, KmsSignRequest } from '../../functions/shared/token-signer';
import { CURRENT_KEY, UNKNOWN_KEY, verifyWith } from '../support/keys';

const sent: unknown[] = [];
jest.mock('@aws-sdk/client-kms', () => ({
  KMSClient: class {
    constructor(readonly config: unknown) {}
    send(command: { input: unknown }) {
      sent.push({ config: this.config, input: command.input });
      return Promise.resolve({ Signature: new Uint8Array([1]) });
    }
  },
  SignCommand: class {
    constructor(readonly input: unknown) {}
  },
}));

const INPUT = 'eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6InRlc3QtMiJ9.eyJzdWIiOiI2NjVmMWMyYTllNGIzYzAwMTJhYmNkZWYifQ';
const KMS_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/**
 * KMS as far as Sign goes: the ECDSA_SHA_256 signature, as DER, of the message whose digest it is
 * sent (node:crypto signs a message, not a digest, so the fake knows the one message the tests sign).
 */
function fakeKms(key = CURRENT_KEY): jest.MockedFunction<KmsSign> {
  return jest.fn((request: KmsSignRequest) => {
    if (!Buffer.from(request.Message).equals(createHash('sha256').update(INPUT).digest()))
      return Promise.reject(new Error('unexpected digest'));
    return Promise.resolve({
      Signature: new Uint8Array(sign('sha256', Buffer.from(INPUT), { key: key.privateKey, dsaEncoding: 'der' })),
    });
  });
}

/** The token a signature completes, checked by a verifier that holds only the public key. */
const verifies = (signature: Buffer) => {
  try {
    verifyWith(CURRENT_KEY, `${INPUT}.${signature.toString('base64url')}`, { ignoreExpiration: true });
    return true;
  } catch {
    return false;
  }
};

describe('the local signer', () => {
  it('signs ES256 in the JOSE form with the key it holds, under its key id', async () => {
    const signer = createLocalSigner(CURRENT_KEY.kid, CURRENT_KEY.privateKey);

    expect(signer.keyId).toBe('test-2');
    const signature = await signer.sign(INPUT);
    expect(signature).toHaveLength(64);
    expect(verifies(signature)).toBe(true);
  });
});

describe('the KMS signer', () => {
  const signer = (kmsSign: KmsSign) =>
    createKmsSigner({ keyId: CURRENT_KEY.kid, kmsKeyId: KMS_KEY, publicKey: CURRENT_KEY.publicKey, kmsSign });

  it('asks KMS to sign the SHA-256 digest with ECDSA_SHA_256 and turns its DER answer into a JOSE signature', async () => {
    const kms = fakeKms();

    const signature = await signer(kms).sign(INPUT);

    expect(kms).toHaveBeenCalledWith({
      KeyId: KMS_KEY,
      Message: createHash('sha256').update(INPUT).digest(),
      MessageType: 'DIGEST',
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
    expect(signature).toHaveLength(64);
    expect(verifies(signature)).toBe(true);
  });

  it('fails naming JWT_SIGNING_KMS_KEY when the KMS key is not the one published for the key id', async () => {
    const error = await signer(fakeKms(UNKNOWN_KEY))
      .sign(INPUT)
      .catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({
      variable: 'JWT_SIGNING_KMS_KEY',
      message: `JWT_SIGNING_KMS_KEY: ${KMS_KEY} does not sign for key id test-2 of JWT_PUBLIC_KEYS`,
    });
  });

  it.each([
    'AccessDeniedException',
    'NotFoundException',
    'DisabledException',
    'KMSInvalidStateException',
    'InvalidKeyUsageException',
  ])('reports %s as a configuration error naming JWT_SIGNING_KMS_KEY (500)', async (name) => {
    const error = await signer(() => Promise.reject(Object.assign(new Error('refused'), { name })))
      .sign(INPUT)
      .catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({
      variable: 'JWT_SIGNING_KMS_KEY',
      status: 500,
      message: `JWT_SIGNING_KMS_KEY: KMS refused to sign with ${KMS_KEY} (${name})`,
    });
  });

  it.each([
    ['throttling', Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })],
    ['a timeout', Object.assign(new Error('socket hang up'), { name: 'TimeoutError' })],
    ['an internal error', Object.assign(new Error('internal'), { name: 'KMSInternalException' })],
  ])('reports %s as KMS being unavailable (503)', async (_what, thrown) => {
    const error = await signer(() => Promise.reject(thrown))
      .sign(INPUT)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(DependencyUnavailable);
    expect(error).toMatchObject({ dependency: 'kms', status: 503 });
  });

  it('reports an answer without a signature as KMS being unavailable', async () => {
    await expect(signer(() => Promise.resolve({})).sign(INPUT)).rejects.toMatchObject({
      dependency: 'kms',
      status: 503,
    });
  });
});

describe('loadKmsSign', () => {
  it('sends a SignCommand through one KMSClient with bounded timeouts and retries', async () => {
    const kmsSign = await loadKmsSign();
    await kmsSign({
      KeyId: KMS_KEY,
      Message: new Uint8Array(32),
      MessageType: 'DIGEST',
      SigningAlgorithm: 'ECDSA_SHA_256',
    });

    expect(sent).toEqual([
      {
        config: {
          maxAttempts: 2,
          requestHandler: { requestTimeout: 3000, throwOnRequestTimeout: true, connectionTimeout: 1000 },
        },
        input: {
          KeyId: KMS_KEY,
          Message: new Uint8Array(32),
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        },
      },
    ]);
  });
});
