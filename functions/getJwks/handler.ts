import { httpHandler } from '../shared/http-handler';
import { cachedPublicly } from '../shared/public-cache';
import { getJwks, JWKS_MAX_AGE_SECONDS } from './jwks';

export const handler = cachedPublicly(httpHandler('getJwks', getJwks), JWKS_MAX_AGE_SECONDS);
