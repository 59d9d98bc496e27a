import { httpHandler } from '../shared/http-handler';
import { cachedPublicly } from '../shared/public-cache';
import { DISCOVERY_MAX_AGE_SECONDS, getOpenIdConfiguration } from './openid-configuration';

export const handler = cachedPublicly(
  httpHandler('getOpenIdConfiguration', getOpenIdConfiguration),
  DISCOVERY_MAX_AGE_SECONDS,
);
