/**
 * The Lambda proxy integration (payload format 1.0): the event a REST API sends to a function,
 * and the checks API Gateway applies to what the function returns.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describeValue, isObject } from './describe';

export interface IncomingRequest {
  method: string;
  /** The path as requested, without the query string. */
  path: string;
  /** Header names as the client sent them, each with every value, in order. */
  headers: Array<[string, string]>;
  /** Query parameters in order, decoded. */
  query: Array<[string, string]>;
  body: string | null;
  sourceIp: string;
}

export interface RequestContextInput {
  requestId: string;
  apiId: string;
  accountId: string;
  stage: string;
  resourcePath: string;
  pathParameters: Record<string, string>;
  requestTimeEpoch: number;
  authorizer?: Record<string, string | number>;
  domainName: string;
  protocol: string;
}

/*
 * Names come from the client, so `__proto__`, `constructor` or `toString` are names like any other:
 * the maps are built in a Map and turned into plain objects (the event is JSON, as Lambda gets it)
 * with Object.fromEntries, which defines own properties and never reaches Object.prototype.
 */
function multiValue(entries: Array<[string, string]>): Record<string, string[]> | null {
  if (entries.length === 0) return null;
  const out = new Map<string, string[]>();
  for (const [name, value] of entries) {
    const values = out.get(name);
    if (values) values.push(value);
    else out.set(name, [value]);
  }
  return Object.fromEntries(out);
}

function singleValue(entries: Array<[string, string]>): Record<string, string> | null {
  if (entries.length === 0) return null;
  // API Gateway keeps the last value of a repeated name in the single-value map.
  return Object.fromEntries(entries);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `09/Apr/2015:12:34:56 +0000`, the format of `requestContext.requestTime`. */
function requestTime(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

export function buildProxyEvent(request: IncomingRequest, context: RequestContextInput): APIGatewayProxyEvent {
  const headers = singleValue(request.headers);
  const userAgent = request.headers.find(([name]) => name.toLowerCase() === 'user-agent')?.[1] ?? null;
  return {
    resource: context.resourcePath,
    path: request.path,
    httpMethod: request.method,
    // Null without headers, as in AWS (an HTTP/1.1 request always has Host, so it rarely is).
    headers: headers as APIGatewayProxyEvent['headers'],
    multiValueHeaders: multiValue(request.headers) as APIGatewayProxyEvent['multiValueHeaders'],
    queryStringParameters: singleValue(request.query),
    multiValueQueryStringParameters: multiValue(request.query),
    pathParameters: Object.keys(context.pathParameters).length > 0 ? context.pathParameters : null,
    stageVariables: null,
    body: request.body,
    isBase64Encoded: false,
    requestContext: {
      accountId: context.accountId,
      apiId: context.apiId,
      authorizer: context.authorizer ?? null,
      domainName: context.domainName,
      domainPrefix: context.domainName.split('.')[0] ?? context.domainName,
      extendedRequestId: context.requestId,
      httpMethod: request.method,
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
        sourceIp: request.sourceIp,
        user: null,
        userAgent,
        userArn: null,
      },
      // Routes sit at the root locally, as behind a custom domain, so the path carries no stage prefix.
      path: request.path,
      protocol: context.protocol,
      requestId: context.requestId,
      requestTime: requestTime(context.requestTimeEpoch),
      requestTimeEpoch: context.requestTimeEpoch,
      resourceId: context.resourcePath,
      resourcePath: context.resourcePath,
      stage: context.stage,
    },
  };
}

export interface ProxyResponse {
  statusCode: number;
  /** Header name → values; repeated names (Set-Cookie) keep every value. */
  headers: Map<string, string[]>;
  body: string;
  isBase64Encoded: boolean;
}

export type ParsedProxyResponse = { ok: true; response: ProxyResponse } | { ok: false; reason: string };

const RESPONSE_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);

const scalar = (value: unknown): value is string | number | boolean =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/** A header API Gateway would pass on: a token name and a value without line breaks. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Checks a function's return value as API Gateway does for a Lambda proxy integration: anything but
 * an object with an integer `statusCode`, a string (or absent) `body` and string-valued headers is a
 * "Malformed Lambda proxy response", which the client sees as 502. `headers` and `multiValueHeaders`
 * are merged; for a name in both, the multi-value list wins.
 */
export function parseProxyResponse(value: unknown): ParsedProxyResponse {
  if (!isObject(value)) return { ok: false, reason: `the function returned ${describeValue(value)}, not an object` };
  const extra = Object.keys(value).filter((k) => !RESPONSE_KEYS.has(k));
  if (extra.length > 0)
    return { ok: false, reason: `unexpected field ${extra.join(', ')} (allowed: ${[...RESPONSE_KEYS].join(', ')})` };
  const { body, isBase64Encoded } = value;
  // A numeric string passes too (AWS's own blueprints return statusCode: '200').
  const statusCode =
    typeof value.statusCode === 'string' && /^\d{3}$/.test(value.statusCode)
      ? Number(value.statusCode)
      : value.statusCode;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return {
      ok: false,
      reason:
        statusCode === undefined
          ? 'statusCode is missing'
          : `statusCode ${JSON.stringify(statusCode)} is not an HTTP status`,
    };
  }
  if (body !== undefined && body !== null && typeof body !== 'string')
    return { ok: false, reason: `body is ${describeValue(body)}, not a string` };
  if (isBase64Encoded !== undefined && isBase64Encoded !== null && typeof isBase64Encoded !== 'boolean')
    return { ok: false, reason: 'isBase64Encoded is not a boolean' };

  const headers = new Map<string, string[]>();
  const names = new Map<string, string>();
  const put = (name: string, values: string[]) => {
    const key = name.toLowerCase();
    const existing = names.get(key);
    if (existing !== undefined) headers.delete(existing);
    names.set(key, name);
    headers.set(name, values);
  };
  if (value.headers !== undefined && value.headers !== null) {
    if (!isObject(value.headers)) return { ok: false, reason: 'headers is not an object' };
    for (const [name, v] of Object.entries(value.headers)) {
      if (!scalar(v)) return { ok: false, reason: `header ${name} is not a string` };
      put(name, [String(v)]);
    }
  }
  if (value.multiValueHeaders !== undefined && value.multiValueHeaders !== null) {
    if (!isObject(value.multiValueHeaders)) return { ok: false, reason: 'multiValueHeaders is not an object' };
    for (const [name, list] of Object.entries(value.multiValueHeaders)) {
      if (!Array.isArray(list) || !list.every(scalar))
        return { ok: false, reason: `multiValueHeaders.${name} is not a list of strings` };
      put(name, list.map(String));
    }
  }
  for (const [name, values] of headers) {
    if (!HEADER_NAME.test(name)) return { ok: false, reason: `header name ${JSON.stringify(name)} is not valid` };
    if (!values.every((v) => HEADER_VALUE.test(v)))
      return { ok: false, reason: `header ${name} has a value with control characters` };
  }
  return { ok: true, response: { statusCode, headers, body: body ?? '', isBase64Encoded: isBase64Encoded === true } };
}
