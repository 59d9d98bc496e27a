/**
 * GET /.well-known/openid-configuration: where a verifier finds our keys. The issuer is the
 * API's public base URL (JWT_ISSUER), so `{iss}/.well-known/openid-configuration` is this
 * document and its `jwks_uri` is the JWKS operation of the same API.
 */
import type { components } from '../../generated/api-types';
import { tokenConfig } from '../shared/config';
import type { Reply } from '../shared/http-handler';
import { OUTCOME } from '../shared/outcomes';
import { TOKEN_ALGORITHM } from '../shared/signing-keys';

export type OpenIdConfiguration = components['schemas']['OpenIdConfiguration'];

/** The path of the JWKS operation (getJwks) in openapi.yaml. */
export const JWKS_PATH = '/.well-known/jwks.json';

/** Changes only when the issuer does, that is with a deployment. */
export const DISCOVERY_MAX_AGE_SECONDS = 3600;

export function getOpenIdConfiguration(): Promise<Reply> {
  const { issuer } = tokenConfig();
  const body: OpenIdConfiguration = {
    issuer,
    jwks_uri: `${issuer}${JWKS_PATH}`,
    id_token_signing_alg_values_supported: [TOKEN_ALGORITHM],
    subject_types_supported: ['public'],
    claims_supported: ['sub', 'sid', 'iat', 'exp', 'iss', 'aud', 'jti'],
  };
  return Promise.resolve({ status: 200, body, outcome: OUTCOME.discoveryServed });
}
