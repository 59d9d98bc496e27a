/**
 * API Gateway's gateway responses: the answers the gateway gives by itself (401, 403, 404, 413,
 * 504 ...), customized by `x-amazon-apigateway-gateway-responses` and otherwise AWS's defaults:
 * reading that customization from the definition, and rendering a response with it.
 */
import { isObject } from './describe';

/** Every gateway response type with the status API Gateway gives it when nothing customizes it. */
export const GATEWAY_RESPONSE_STATUS = {
  ACCESS_DENIED: 403,
  API_CONFIGURATION_ERROR: 500,
  AUTHORIZER_CONFIGURATION_ERROR: 500,
  AUTHORIZER_FAILURE: 500,
  BAD_REQUEST_PARAMETERS: 400,
  BAD_REQUEST_BODY: 400,
  EXPIRED_TOKEN: 403,
  INTEGRATION_FAILURE: 504,
  INTEGRATION_TIMEOUT: 504,
  INVALID_API_KEY: 403,
  INVALID_SIGNATURE: 403,
  MISSING_AUTHENTICATION_TOKEN: 403,
  QUOTA_EXCEEDED: 429,
  REQUEST_TOO_LARGE: 413,
  RESOURCE_NOT_FOUND: 404,
  THROTTLED: 429,
  UNAUTHORIZED: 401,
  UNSUPPORTED_MEDIA_TYPE: 415,
  WAF_FILTERED: 403,
  DEFAULT_4XX: null,
  DEFAULT_5XX: null,
} as const;

export type GatewayResponseType = keyof typeof GATEWAY_RESPONSE_STATUS;

export function isGatewayResponseType(value: string): value is GatewayResponseType {
  return Object.hasOwn(GATEWAY_RESPONSE_STATUS, value);
}

/** The `x-amzn-ErrorType` header API Gateway adds for the errors this gateway produces. */
const ERROR_TYPE_HEADER: Partial<Record<GatewayResponseType, string>> = {
  UNAUTHORIZED: 'UnauthorizedException',
  ACCESS_DENIED: 'AccessDeniedException',
  MISSING_AUTHENTICATION_TOKEN: 'MissingAuthenticationTokenException',
  AUTHORIZER_CONFIGURATION_ERROR: 'AuthorizerConfigurationException',
  DEFAULT_5XX: 'InternalServerErrorException',
};

/** Where a response header's value comes from: a literal, or a value of the request. */
export type ParameterSource =
  { kind: 'literal'; value: string } | { kind: 'request'; location: 'header' | 'querystring' | 'path'; name: string };

export interface GatewayResponseConfig {
  statusCode?: number;
  /** Response header name → its source. */
  headers: Record<string, ParameterSource>;
  /** Content type → mapping template. */
  templates: Record<string, string>;
}

/** The `$context` variables a gateway response template may use here; any other fails at startup. */
export const TEMPLATE_CONTEXT_VARIABLES = [
  'context.requestId',
  'context.extendedRequestId',
  'context.error.message',
  'context.error.messageString',
  'context.error.responseType',
  'context.stage',
  'context.httpMethod',
  'context.resourcePath',
  'context.path',
  'context.apiId',
] as const;

/** `'literal'` or a request parameter, as in the `responseParameters` values of gateway and integration responses. */
export function parameterSource(value: unknown, where: string, problems: string[]): ParameterSource | undefined {
  if (typeof value !== 'string') {
    problems.push(`${where}: must be a string`);
    return undefined;
  }
  const literal = /^'(.*)'$/s.exec(value);
  if (literal) return { kind: 'literal', value: literal[1]! };
  const request = /^method\.request\.(header|querystring|path)\.(.+)$/.exec(value);
  if (request) return { kind: 'request', location: request[1] as 'header' | 'querystring' | 'path', name: request[2]! };
  problems.push(
    `${where}: "${value}" is not reproduced (only 'literal' values and method.request.header|querystring|path.<name>)`,
  );
  return undefined;
}

function checkTemplate(template: string, where: string, problems: string[]): void {
  if (/(^|[^\\])#(set|if|foreach|elseif|else|end|macro|parse|include|define|evaluate|break|stop)\b/.test(template)) {
    problems.push(`${where}: VTL directives are not reproduced; only $context variables are substituted`);
  }
  for (const match of template.matchAll(/\$\{?([A-Za-z][A-Za-z0-9_.]*[A-Za-z0-9_])/g)) {
    if (!(TEMPLATE_CONTEXT_VARIABLES as readonly string[]).includes(match[1]!)) {
      problems.push(
        `${where}: $${match[1]} is not reproduced (supported: ${TEMPLATE_CONTEXT_VARIABLES.map((v) => `$${v}`).join(', ')})`,
      );
    }
  }
}

/** Reads `x-amazon-apigateway-gateway-responses`, adding what cannot be served to `problems`. */
export function readGatewayResponses(
  value: unknown,
  problems: string[],
): Map<GatewayResponseType, GatewayResponseConfig> {
  const responses = new Map<GatewayResponseType, GatewayResponseConfig>();
  if (value === undefined) return responses;
  if (!isObject(value)) {
    problems.push('x-amazon-apigateway-gateway-responses: must be an object');
    return responses;
  }
  for (const [type, raw] of Object.entries(value)) {
    const where = `x-amazon-apigateway-gateway-responses.${type}`;
    if (!isGatewayResponseType(type)) {
      problems.push(`${where}: unknown gateway response type`);
      continue;
    }
    if (!isObject(raw)) {
      problems.push(`${where}: must be an object`);
      continue;
    }
    const config: GatewayResponseConfig = { headers: {}, templates: {} };
    for (const key of Object.keys(raw)) {
      if (!['statusCode', 'responseParameters', 'responseTemplates'].includes(key))
        problems.push(`${where}.${key}: not reproduced`);
    }
    if (raw.statusCode !== undefined) {
      const status = Number(raw.statusCode);
      const written =
        typeof raw.statusCode === 'string' || typeof raw.statusCode === 'number'
          ? String(raw.statusCode)
          : JSON.stringify(raw.statusCode);
      if (!/^[1-5]\d\d$/.test(written)) problems.push(`${where}.statusCode: "${written}" is not an HTTP status`);
      else config.statusCode = status;
    }
    for (const [param, source] of Object.entries(isObject(raw.responseParameters) ? raw.responseParameters : {})) {
      const header = /^gatewayresponse\.header\.(.+)$/.exec(param);
      if (!header) {
        problems.push(`${where}.responseParameters: ${param} is not reproduced (only gatewayresponse.header.<name>)`);
        continue;
      }
      const parsed = parameterSource(source, `${where}.responseParameters.${param}`, problems);
      if (parsed) config.headers[header[1]!] = parsed;
    }
    for (const [contentType, template] of Object.entries(
      isObject(raw.responseTemplates) ? raw.responseTemplates : {},
    )) {
      if (typeof template !== 'string') {
        problems.push(`${where}.responseTemplates.${contentType}: must be a string`);
        continue;
      }
      checkTemplate(template, `${where}.responseTemplates.${contentType}`, problems);
      config.templates[contentType] = template;
    }
    responses.set(type, config);
  }
  return responses;
}

/** AWS's default body for every gateway response no template customizes. */
const DEFAULT_TEMPLATE = '{"message":$context.error.messageString}';

/** What a template and the request parameters can read while rendering a gateway response. */
export interface GatewayResponseContext {
  requestId: string;
  stage: string;
  apiId: string;
  httpMethod: string;
  path: string;
  resourcePath?: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  pathParameters: Record<string, string>;
}

export interface GatewayError {
  type: GatewayResponseType;
  /** `$context.error.message`; null where AWS gives null (authorizer configuration errors). */
  message: string | null;
  /** The status when the type is DEFAULT_4XX/DEFAULT_5XX and not a named type (a Lambda error is a 502). */
  status?: number;
}

export interface RenderedResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

function classOf(status: number): 'DEFAULT_4XX' | 'DEFAULT_5XX' {
  return status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
}

function substitute(template: string, values: Record<string, string>): string {
  // Longest names first, so `$context.error.messageString` is not read as `$context.error.message` + "String".
  const names = Object.keys(values).sort((a, b) => b.length - a.length);
  let out = template;
  for (const name of names) {
    out = out.replaceAll(`$\{${name}}`, values[name]!).replaceAll(`$${name}`, values[name]!);
  }
  return out;
}

function lookup(record: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.entries(record).find(([k]) => k.toLowerCase() === lower)?.[1];
}

/**
 * Renders one gateway response as API Gateway would: the type's own customization if there is one,
 * else its class default (DEFAULT_4XX/5XX), each falling back to AWS's status and `{"message": ...}` body.
 */
export function renderGatewayResponse(
  responses: ReadonlyMap<GatewayResponseType, GatewayResponseConfig>,
  error: GatewayError,
  context: GatewayResponseContext,
): RenderedResponse {
  const ownStatus = GATEWAY_RESPONSE_STATUS[error.type] ?? error.status ?? 500;
  const fallbackType = classOf(ownStatus);
  const own = responses.get(error.type);
  const fallback = responses.get(fallbackType);
  const statusCode = own?.statusCode ?? fallback?.statusCode ?? ownStatus;

  const templates = own && Object.keys(own.templates).length > 0 ? own.templates : (fallback?.templates ?? {});
  const template = templates['application/json'] ?? Object.values(templates)[0] ?? DEFAULT_TEMPLATE;
  const values: Record<string, string> = {
    'context.requestId': context.requestId,
    'context.extendedRequestId': context.requestId,
    'context.error.message': error.message ?? '',
    'context.error.messageString': JSON.stringify(error.message),
    'context.error.responseType': error.type,
    'context.stage': context.stage,
    'context.httpMethod': context.httpMethod,
    'context.resourcePath': context.resourcePath ?? '',
    'context.path': context.path,
    'context.apiId': context.apiId,
  };

  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const errorType = ERROR_TYPE_HEADER[error.type] ?? (ownStatus >= 500 ? ERROR_TYPE_HEADER.DEFAULT_5XX : undefined);
  if (errorType) headers['x-amzn-ErrorType'] = errorType;
  // The class default's headers apply too, with the type's own winning on a clash.
  const parameters = { ...(fallback?.headers ?? {}), ...(own?.headers ?? {}) };
  for (const [name, source] of Object.entries(parameters)) {
    const value =
      source.kind === 'literal'
        ? source.value
        : lookup(
            source.location === 'header'
              ? context.headers
              : source.location === 'querystring'
                ? context.query
                : context.pathParameters,
            source.name,
          );
    if (value !== undefined) {
      for (const existing of Object.keys(headers))
        if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
      headers[name] = value;
    }
  }
  return { statusCode, headers, body: substitute(template, values) };
}

/** API Gateway's "total combined size of request line and header values" of a REST API request. */
export const MAX_REQUEST_HEAD_BYTES = 10_240;

/**
 * The answer to a request line and headers over MAX_REQUEST_HEAD_BYTES. API Gateway refuses such a
 * request before any gateway response type applies, so the definition cannot customize the answer:
 * it is a 431 problem (RFC 6585 §5) of no API-specific type (`about:blank`, RFC 9457 §4.2.1), with
 * the headers the definition gives DEFAULT_4XX (CORS, caching).
 */
export function renderRequestHeadTooLarge(
  responses: ReadonlyMap<GatewayResponseType, GatewayResponseConfig>,
  context: GatewayResponseContext,
): RenderedResponse {
  const title = 'Request Header Fields Too Large';
  const { headers } = renderGatewayResponse(responses, { type: 'DEFAULT_4XX', status: 431, message: title }, context);
  const kept = Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'content-type');
  return {
    statusCode: 431,
    headers: { ...Object.fromEntries(kept), 'Content-Type': 'application/problem+json' },
    body: JSON.stringify({
      type: 'about:blank',
      title,
      status: 431,
      detail: `The request line and headers must be at most ${MAX_REQUEST_HEAD_BYTES} bytes`,
      requestId: context.requestId,
    }),
  };
}
