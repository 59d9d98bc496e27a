/**
 * The events the benchmark sends: API Gateway REST (payload v1) proxy events and TOKEN authorizer
 * events, shaped as API Gateway sends them so that the functions do their real work.
 */
import type { APIGatewayProxyEvent, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';

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

export function tokenAuthorizerEvent(authorizationToken: string, method = 'GET', path = '/me'): APIGatewayTokenAuthorizerEvent {
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
  const query = request.query && Object.keys(request.query).length > 0 ? request.query : null;
  const requestId = request.requestId ?? 'bench-request';
  return {
    resource: request.resource,
    path: request.resource,
    httpMethod: request.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: query,
    multiValueQueryStringParameters: query && Object.fromEntries(Object.entries(query).map(([name, value]) => [name, [value]])),
    pathParameters: null,
    stageVariables: null,
    body: request.body === undefined ? null : JSON.stringify(request.body),
    isBase64Encoded: false,
    requestContext: {
      accountId: BENCH_ACCOUNT,
      apiId: BENCH_API_ID,
      authorizer: request.authorizer ?? null,
      httpMethod: request.method,
      path: `/${BENCH_STAGE}${request.resource}`,
      protocol: 'HTTP/1.1',
      requestId,
      requestTimeEpoch: Date.parse('2026-01-01T00:00:00Z'),
      resourceId: 'bench0',
      resourcePath: request.resource,
      stage: BENCH_STAGE,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '127.0.0.1',
        user: null,
        userAgent: 'auth-api-bench',
        userArn: null,
      },
    },
  };
}

/** A user the benchmark registers; `n` keeps emails unique across rounds. */
export function benchUser(n: number | string, password: string): { name: string; email: string; password: string } {
  return { name: `Bench User ${n}`, email: `bench-${n}@example.com`, password };
}
