/**
 * The integration step of a Lambda proxy route: the event API Gateway builds (the request plus the
 * forwarding headers it adds), the call bounded by the integration timeout, and the function's
 * answer read back as a proxy response. The record gets the invocation's timings and logs.
 */
import type { Route } from './api';
import { LOCAL_ACCOUNT } from './definition';
import type { Exchange, Reply } from './exchange';
import { headerValue, traceId } from './exchange';
import type { GatewayError } from './gateway-responses';
import type { LambdaProxyIntegration } from './integrations';
import type { LambdaFunction } from './lambda/lambda-function';
import type { FunctionPool } from './lambda/pool';
import { buildProxyEvent, parseProxyResponse } from './proxy';

/** A function error, timeout, crash or malformed response: API Gateway answers 502 and shows nothing of it. */
export const LAMBDA_ERROR: GatewayError = { type: 'DEFAULT_5XX', status: 502, message: 'Internal server error' };

/** Headers API Gateway sets itself, replacing whatever the client sent under those names. */
const FORWARDING_HEADERS = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-port', 'x-amzn-trace-id'];

export interface ProxyCall {
  exchange: Exchange;
  route: Route;
  integration: LambdaProxyIntegration;
  /** The authorizer's context and principal, as `requestContext.authorizer`. */
  authorizer?: Record<string, string | number>;
}

/** Where the gateway is deployed and listening, as the event describes it. */
export interface StageSettings {
  apiId: string;
  stage: string;
  port: number;
}

/** The function's response, or the gateway error to answer instead and why (for the record). */
export type IntegrationResult = { ok: true; reply: Reply } | { ok: false; error: GatewayError; reason: string };

export async function invokeProxy(
  call: ProxyCall,
  settings: StageSettings,
  functions: FunctionPool,
): Promise<IntegrationResult> {
  const { exchange, route, integration } = call;
  const { request, record, req } = exchange;
  const { functionKey, timeoutMs } = integration;
  const { apiId, stage, port } = settings;
  record.functionKey = functionKey;
  const forwardedFor = headerValue(request.headers, 'X-Forwarded-For');
  const headers: Array<[string, string]> = [
    ...request.headers.filter(([name]) => !FORWARDING_HEADERS.includes(name.toLowerCase())),
    ['X-Amzn-Trace-Id', traceId()],
    ['X-Forwarded-For', forwardedFor ? `${forwardedFor}, ${request.sourceIp}` : request.sourceIp],
    ['X-Forwarded-Port', String(port)],
    ['X-Forwarded-Proto', 'http'],
  ];
  const event = buildProxyEvent(
    { ...request, headers },
    {
      requestId: exchange.requestId,
      apiId,
      accountId: LOCAL_ACCOUNT,
      stage,
      resourcePath: route.resourcePath,
      pathParameters: exchange.pathParameters,
      requestTimeEpoch: exchange.startedAt,
      authorizer: call.authorizer,
      domainName: req.headers.host ?? `localhost:${port}`,
      protocol: `HTTP/${req.httpVersion}`,
    },
  );

  let fn: LambdaFunction;
  try {
    fn = functions.get(functionKey);
  } catch (error) {
    return {
      ok: false,
      error: { type: 'DEFAULT_5XX', status: 500, message: 'Internal server error' },
      reason: `function ${functionKey} cannot run: ${(error as Error).message}`,
    };
  }
  const running = fn.invoke(event);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const invocation = await Promise.race([running, timedOut]);
  clearTimeout(timer);
  if (invocation === 'timeout') {
    // API Gateway stops waiting; the function runs on until its own timeout, its logs arriving later.
    void running.then((late) => late.logs.forEach((line) => functions.strayLog(functionKey, line)));
    return {
      ok: false,
      error: { type: 'INTEGRATION_TIMEOUT', message: 'Endpoint request timed out' },
      reason: `no response within the integration timeout of ${timeoutMs} ms`,
    };
  }

  record.coldStart = invocation.coldStart;
  if (invocation.initDurationMs !== undefined) record.initDurationMs = invocation.initDurationMs;
  record.functionDurationMs = invocation.durationMs;
  record.logs.push(...invocation.logs.map((l) => ({ functionKey, ...l })));
  if (invocation.outcome.kind === 'error')
    return {
      ok: false,
      error: LAMBDA_ERROR,
      reason: `${invocation.outcome.errorType}: ${invocation.outcome.errorMessage}`,
    };
  const parsed = parseProxyResponse(invocation.outcome.payload);
  if (!parsed.ok)
    return { ok: false, error: LAMBDA_ERROR, reason: `Malformed Lambda proxy response: ${parsed.reason}` };
  return {
    ok: true,
    reply: { statusCode: parsed.response.statusCode, headers: parsed.response.headers, body: parsed.response.body },
  };
}
