/**
 * Issues access tokens: builds the JWS (`{alg: ES256, typ: JWT, kid}` and our claims) and has the
 * current key generation sign it, through KMS in AWS or a local key elsewhere (token-signer.ts).
 * jsonwebtoken cannot sign with a key it does not hold, so the JWS is assembled here; verifying,
 * in tokens.ts, stays with jsonwebtoken.
 */
import { randomUUID } from 'node:crypto';
import { signingConfig, tokenConfig } from './config';
import type { SigningConfig, TokenConfig } from './config';
import { onceAsync } from './once';
import { TOKEN_ALGORITHM } from './signing-keys';
import { createKmsSigner, createLocalSigner, loadKmsSign } from './token-signer';
import type { TokenSigner } from './token-signer';
import type { IssuedToken } from './tokens';

export interface TokenIssuer {
  issue(userId: string, sessionId: string): Promise<IssuedToken>;
}

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * @param now the clock, in milliseconds; tests pass their own.
 */
export function createTokenIssuer(
  config: Pick<TokenConfig, 'issuer' | 'audience' | 'ttlSeconds'>,
  signer: TokenSigner,
  now: () => number = Date.now,
): TokenIssuer {
  const header = encode({ alg: TOKEN_ALGORITHM, typ: 'JWT', kid: signer.keyId });
  return {
    async issue(userId, sessionId) {
      const iat = Math.floor(now() / 1000);
      const claims = {
        sub: userId,
        sid: sessionId,
        iat,
        exp: iat + config.ttlSeconds,
        iss: config.issuer,
        aud: config.audience,
        jti: randomUUID(),
      };
      const signingInput = `${header}.${encode(claims)}`;
      const signature = await signer.sign(signingInput);
      return { token: `${signingInput}.${signature.toString('base64url')}`, expiresIn: config.ttlSeconds };
    },
  };
}

/** The signer the configuration names: KMS when JWT_SIGNING_KMS_KEY is set, else the local key. */
export async function signerFor(config: SigningConfig): Promise<TokenSigner> {
  if (config.kmsKeyId !== undefined) {
    return createKmsSigner({
      keyId: config.keyId,
      kmsKeyId: config.kmsKeyId,
      publicKey: config.publicKey,
      kmsSign: await loadKmsSign(),
    });
  }
  return createLocalSigner(config.keyId, config.privateKey);
}

/** The instance's issuer, built once: its configuration is read and its KMS client made on the first call. */
export const tokenIssuer = onceAsync(async () => createTokenIssuer(tokenConfig(), await signerFor(signingConfig())));
