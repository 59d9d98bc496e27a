/**
 * The events the benchmark sends: API Gateway REST (payload v1) proxy events and TOKEN authorizer
 * events, shaped as API Gateway sends them so that the functions do their real work.
 */
import type { APIGatewayProxyEvent, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { buildProxyEvent } from '../local/gateway';

export const BENCH_REGION = 'us-east-1';
export const BENCH_ACCOUNT = '123456789012';
export const BENCH_API_ID = 'benchapi01';
export const BENCH_STAGE = 'bench';

export interface ProxyRequest {
  method: string;
  /** The resource as defined in openapi.yaml, e.g. `/me`. */
  resource: string;
  body?: unknown;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** What the authorizer passed on (`principalId` and its `context`), for protected routes. */
  authorizer?: Record<string, string>;
  /** Distinguishes otherwise identical events, e.g. a round number. */
  requestId?: string;
}

/** The method ARN API Gateway gives a TOKEN authorizer for a request. */
export function methodArn(method: string, path: string): string {
  return `arn:aws:execute-api:${BENCH_REGION}:${BENCH_ACCOUNT}:${BENCH_API_ID}/${BENCH_STAGE}/${method}${path}`;
}

export function tokenAuthorizerEvent(
  authorizationToken: string,
  method = 'GET',
  path = '/me',
): APIGatewayTokenAuthorizerEvent {
  return { type: 'TOKEN', authorizationToken, methodArn: methodArn(method, path) };
}

export function proxyEvent(request: ProxyRequest): APIGatewayProxyEvent {
  const headers: Record<string, string> = {
    Host: `${BENCH_API_ID}.execute-api.${BENCH_REGION}.amazonaws.com`,
    'User-Agent': 'auth-api-bench',
    Accept: 'application/json',
    ...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }),
    ...request.headers,
  };
  // The local gateway's own builder, so the benchmark sends what `make dev` and API Gateway send.
  return buildProxyEvent(
    {
      method: request.method,
      path: request.resource,
      headers: Object.entries(headers),
      query: Object.entries(request.query ?? {}),
      body: request.body === undefined ? null : JSON.stringify(request.body),
      sourceIp: '127.0.0.1',
    },
    {
      requestId: request.requestId ?? 'bench-request',
      apiId: BENCH_API_ID,
      accountId: BENCH_ACCOUNT,
      stage: BENCH_STAGE,
      resourcePath: request.resource,
      pathParameters: {},
      requestTimeEpoch: Date.parse('2026-01-01T00:00:00Z'),
      authorizer: request.authorizer,
      domainName: `${BENCH_API_ID}.execute-api.${BENCH_REGION}.amazonaws.com`,
      protocol: 'HTTP/1.1',
    },
  );
}

/** A user the benchmark registers; `n` keeps emails unique across rounds. */
export function benchUser(n: number | string, password: string): { name: string; email: string; password: string } {
  return { name: `Bench User ${n}`, email: `bench-${n}@example.com`, password };
}
