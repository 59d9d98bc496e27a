/**
 * Builds every API Gateway proxy response, so that each one carries the same headers: the request
 * id, CORS (a proxy integration must send them itself), and no caching of credentials or user data.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';

export const MEDIA_TYPE = {
  json: 'application/json',
  problem: 'application/problem+json',
} as const;

export type MediaType = (typeof MEDIA_TYPE)[keyof typeof MEDIA_TYPE];

export interface ResponseOptions {
  requestId: string;
  contentType: MediaType;
  /** Undefined when CORS_ALLOW_ORIGIN is invalid: no origin is better than a wrong one. */
  corsAllowOrigin: string | undefined;
  headers?: Readonly<Record<string, string>>;
}

/** A 204 has no body, and so no Content-Type (RFC 9110 §15.3.5). */
export const NO_CONTENT = 204;

export function jsonResponse(status: number, body: unknown, options: ResponseOptions): APIGatewayProxyResult {
  const headers: Record<string, string> = {
    ...(status === NO_CONTENT ? {} : { 'Content-Type': options.contentType }),
    'X-Request-Id': options.requestId,
    // Tokens and user data must not sit in shared or browser caches.
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    Vary: 'Origin',
    'Access-Control-Expose-Headers': 'X-Request-Id,x-amzn-RequestId,Retry-After,WWW-Authenticate',
    ...options.headers,
  };
  if (options.corsAllowOrigin !== undefined) headers['Access-Control-Allow-Origin'] = options.corsAllowOrigin;
  return { statusCode: status, headers, body: status === NO_CONTENT ? '' : JSON.stringify(body) };
}
