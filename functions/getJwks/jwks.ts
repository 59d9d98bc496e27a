/**
 * GET /.well-known/jwks.json: the public key of every live key generation, from the function's
 * configuration (JWT_PUBLIC_KEYS, which Terraform fills from KMS): no KMS call, no database.
 */
import { tokenConfig } from '../shared/config';
import type { Reply } from '../shared/http-handler';
import { OUTCOME } from '../shared/outcomes';
import { toJwks } from '../shared/signing-keys';

/**
 * Verifiers may keep the set this long. A new generation signs as soon as it is deployed, so a
 * verifier that does not refetch on an unknown `kid` refuses new tokens for at most this long.
 */
export const JWKS_MAX_AGE_SECONDS = 300;

export function getJwks(): Promise<Reply> {
  return Promise.resolve({ status: 200, body: toJwks(tokenConfig().publicKeys), outcome: OUTCOME.keysServed });
}
