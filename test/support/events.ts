/**
 * API Gateway REST (payload 1.0) proxy events, TOKEN authorizer events and Lambda contexts, shaped
 * as AWS sends them, for tests that invoke the functions' exported handlers.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayTokenAuthorizerEvent, Context } from 'aws-lambda';
import { buildProxyEvent } from '../../local/gateway';

export const TEST_REGION = 'eu-west-1';
export const TEST_ACCOUNT = '123456789012';
export const TEST_API_ID = 'abc123defg';
export const TEST_STAGE = 'test';

export interface ProxyRequest {
  method?: string;
  /** The path as defined in openapi.yaml, e.g. `/register`. */
  path: string;
  /** Serialized as JSON unless `rawBody` is given. */
  body?: unknown;
  /** Sent as is (for malformed bodies). */
  rawBody?: string;
  isBase64Encoded?: boolean;
  /** Defaults to Content-Type: application/json when there is a body. */
  headers?: Record<string, string>;
  /** Each name with all its values, as API Gateway fills both query maps. */
  query?: Record<string, string | string[]>;
  /** `requestContext.authorizer`, as API Gateway passes on an authorizer's principalId and context. */
  authorizer?: Record<string, string> | null;
  /** Values of the `{name}` segments of `path`, which is then the resource path. */
  pathParameters?: Record<string, string>;
  requestId?: string;
  /** `requestContext.identity.sourceIp`, the client's address; 203.0.113.7 unless given. */
  sourceIp?: string;
}

/** Built by the local gateway's own event builder, so tests and `make dev` send the same shape. */
export function proxyEvent(request: ProxyRequest): APIGatewayProxyEvent {
  const method = request.method ?? (request.body === undefined && request.rawBody === undefined ? 'GET' : 'POST');
  const body = request.rawBody ?? (request.body === undefined ? null : JSON.stringify(request.body));
  const headers: Record<string, string> = {
    Host: `${TEST_API_ID}.execute-api.${TEST_REGION}.amazonaws.com`,
    'User-Agent': 'jest',
    Accept: 'application/json',
    ...(body === null ? {} : { 'Content-Type': 'application/json' }),
    ...request.headers,
  };
  const query = Object.entries(request.query ?? {}).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).map((one): [string, string] => [name, one]),
  );
  const pathParameters = request.pathParameters ?? {};
  const path = request.path.replace(/\{([^}]+)\}/g, (segment, name: string) =>
    encodeURIComponent(pathParameters[name] ?? segment),
  );
  const event = buildProxyEvent(
    { method, path, headers: Object.entries(headers), query, body, sourceIp: request.sourceIp ?? '203.0.113.7' },
    {
      requestId: request.requestId ?? randomUUID(),
      apiId: TEST_API_ID,
      accountId: TEST_ACCOUNT,
      stage: TEST_STAGE,
      resourcePath: request.path,
      pathParameters,
      requestTimeEpoch: 1_769_860_800_000,
      authorizer: request.authorizer ?? undefined,
      domainName: `${TEST_API_ID}.execute-api.${TEST_REGION}.amazonaws.com`,
      protocol: 'HTTP/1.1',
    },
  );
  return { ...event, isBase64Encoded: request.isBase64Encoded ?? false };
}

/** What the authorizer passes on for an access token the functions issued (its sub, sid and exp), without verifying it. */
export function authorizedBy(accessToken: string): Record<string, string> {
  const claims = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    sub: string;
    sid: string;
    exp: number;
  };
  return authorizedAs(claims.sub, claims.sid, claims.exp);
}

/** An access token's `exp` that stays in the future while tests run. */
export const FAR_FUTURE_EXP = 4_102_444_800;

/** What the authorizer passes on for a user, as API Gateway delivers it to the integration: context values as strings. */
export function authorizedAs(userId: string, sid: string, exp: number = FAR_FUTURE_EXP): Record<string, string> {
  return { principalId: userId, userId, sid, exp: String(exp), integrationLatency: '12' };
}

export function methodArn(method = 'GET', path = '/me'): string {
  return `arn:aws:execute-api:${TEST_REGION}:${TEST_ACCOUNT}:${TEST_API_ID}/${TEST_STAGE}/${method}${path}`;
}

/** The stage-wide resource an Allow policy must name. */
export const STAGE_RESOURCE = `arn:aws:execute-api:${TEST_REGION}:${TEST_ACCOUNT}:${TEST_API_ID}/${TEST_STAGE}/*`;

export function tokenAuthorizerEvent(authorizationToken: string, arn = methodArn()): APIGatewayTokenAuthorizerEvent {
  return { type: 'TOKEN', authorizationToken, methodArn: arn };
}

export function lambdaContext(functionName = 'auth-api-test'): Context {
  const awsRequestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `2026/01/31/[$LATEST]${awsRequestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
