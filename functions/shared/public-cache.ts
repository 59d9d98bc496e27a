/**
 * Documents that are the same for everyone and change only with a deployment (the JWKS, the
 * discovery document) may be cached by anyone: verifiers, CDNs, browsers. Every other answer of
 * the API is `no-store` (response.ts), and so is a problem from these operations.
 */
import type { HttpHandler } from './http-handler';

export function cachedPublicly(handler: HttpHandler, maxAgeSeconds: number): HttpHandler {
  return async (event, context) => {
    const response = await handler(event, context);
    if (response.statusCode === 200)
      response.headers = { ...response.headers, 'Cache-Control': `public, max-age=${maxAgeSeconds}` };
    return response;
  };
}
