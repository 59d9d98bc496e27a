import type { OpenApiDocument, Operation } from './load';

/**
 * The template variables of the API Gateway definition. Terraform's `templatefile()` and
 * the local gateway fill in the same names, so neither keeps a route list of its own.
 */
export const TEMPLATE_VARIABLES = {
  /** Map of function key (operationId, or `authorizer`) to the Lambda invoke ARN. */
  invokeArns: 'invoke_arns',
  /** Seconds API Gateway caches an authorizer result per token; 0 disables caching. */
  authorizerTtl: 'authorizer_result_ttl_seconds',
  /** The single origin allowed by CORS (`*` or `https://app.example.com`). */
  corsAllowOrigin: 'cors_allow_origin',
} as const;

/** The function that runs the TOKEN authorizer. */
export const AUTHORIZER_FUNCTION = 'authorizer';

/** The security scheme that the Lambda authorizer implements. */
export const BEARER_SCHEME = 'bearerAuth';

/**
 * A compact JWS with an optional `Bearer` scheme. API Gateway answers 401 without invoking the
 * authorizer when the header does not match, which keeps junk away from the function. The scheme
 * is case-insensitive (RFC 9110 §11.1) and followed by one or more spaces (RFC 6750 §2.1). It is
 * spelled with character classes, which read the same in Java (API Gateway) and JavaScript (the
 * local gateway, the tests), rather than with an inline `(?i)`, which JavaScript does not accept.
 */
export const IDENTITY_VALIDATION_EXPRESSION =
  '^([Bb][Ee][Aa][Rr][Ee][Rr] +)?[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$';

/** API Gateway's own hard limit on a Lambda proxy integration. */
const INTEGRATION_TIMEOUT_MS = 29000;

const ALLOWED_HEADERS = 'Authorization,Content-Type';
/** What a browser may read of a gateway response: its request id is in x-amzn-RequestId, not X-Request-Id. */
const EXPOSED_HEADERS = 'x-amzn-RequestId,Retry-After,WWW-Authenticate';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

const v = (name: string) => `\${${name}}`;
const corsOrigin = `'${v(TEMPLATE_VARIABLES.corsAllowOrigin)}'`;

interface GatewayProblem {
  status: number;
  type: string;
  title: string;
  /** Fixed text, or AWS's own message when absent. `$context.requestId` is filled in by the gateway. */
  detail?: string;
  headers?: Record<string, string>;
}

const INTERNAL: GatewayProblem = {
  status: 500,
  type: 'internal',
  title: 'Internal error',
  detail: 'Internal error (request id: $context.requestId)',
};

/**
 * Every error API Gateway produces itself, as problem+json with the status AWS would use
 * (except unknown routes, which AWS calls 403 "Missing Authentication Token" and we call 404).
 */
const GATEWAY_PROBLEMS: Record<string, GatewayProblem> = {
  BAD_REQUEST_PARAMETERS: { status: 400, type: 'validation', title: 'Your request is not valid' },
  BAD_REQUEST_BODY: { status: 400, type: 'validation', title: 'Your request is not valid' },
  // RFC 6750 §3: a 401 names the scheme to use. The same response serves a missing and an invalid
  // token, so it carries no error code (which RFC 6750 leaves out when no token was sent).
  UNAUTHORIZED: {
    status: 401,
    type: 'unauthorized',
    title: 'Unauthorized',
    detail: 'A valid access token is required',
    headers: { 'WWW-Authenticate': "'Bearer'" },
  },
  ACCESS_DENIED: {
    status: 403,
    type: 'forbidden',
    title: 'Forbidden',
    detail: 'The access token does not allow this request',
  },
  EXPIRED_TOKEN: { status: 403, type: 'forbidden', title: 'Forbidden' },
  INVALID_SIGNATURE: { status: 403, type: 'forbidden', title: 'Forbidden' },
  INVALID_API_KEY: { status: 403, type: 'forbidden', title: 'Forbidden' },
  WAF_FILTERED: { status: 403, type: 'forbidden', title: 'Forbidden', detail: 'The request was blocked' },
  MISSING_AUTHENTICATION_TOKEN: { status: 404, type: 'not-found', title: 'Not found', detail: 'No such route' },
  RESOURCE_NOT_FOUND: { status: 404, type: 'not-found', title: 'Not found', detail: 'No such route' },
  REQUEST_TOO_LARGE: { status: 413, type: 'payload-too-large', title: 'Request body too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, type: 'unsupported-media-type', title: 'Unsupported media type' },
  THROTTLED: {
    status: 429,
    type: 'throttled',
    title: 'Too many requests',
    detail: 'Too many requests; try again later',
    headers: { 'Retry-After': "'1'" },
  },
  QUOTA_EXCEEDED: {
    status: 429,
    type: 'throttled',
    title: 'Too many requests',
    detail: 'Request quota exceeded; try again later',
    headers: { 'Retry-After': "'60'" },
  },
  AUTHORIZER_FAILURE: INTERNAL,
  AUTHORIZER_CONFIGURATION_ERROR: INTERNAL,
  API_CONFIGURATION_ERROR: INTERNAL,
  INTEGRATION_FAILURE: {
    status: 504,
    type: 'timeout',
    title: 'Gateway timeout',
    detail: 'The request could not be completed in time; try again',
  },
  INTEGRATION_TIMEOUT: {
    status: 504,
    type: 'timeout',
    title: 'Gateway timeout',
    detail: 'The request took too long; try again',
  },
  // A function that throws, times out or returns a malformed response has no type of its own: AWS
  // answers 502 under DEFAULT_5XX. Pinning DEFAULT_5XX's status keeps the body's `status` true.
  DEFAULT_5XX: {
    status: 502,
    type: 'bad-gateway',
    title: 'Bad gateway',
    detail: 'The request failed; try again (request id: $context.requestId)',
  },
};

/** The headers of every gateway response, as `responseParameters` (literals in single quotes). */
function responseHeaders(extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = {
    'Access-Control-Allow-Origin': corsOrigin,
    'Access-Control-Expose-Headers': `'${EXPOSED_HEADERS}'`,
    // Browsers must not cache a response under one origin and replay it for another.
    Vary: "'Origin'",
    // As the functions' own responses: nothing is cached, and a problem is never sniffed into HTML.
    'Cache-Control': "'no-store'",
    'X-Content-Type-Options': "'nosniff'",
    ...extra,
  };
  return Object.fromEntries(Object.entries(headers).map(([k, val]) => [`gatewayresponse.header.${k}`, val]));
}

function problemTemplate(p: GatewayProblem): string {
  const detail = p.detail ? JSON.stringify(p.detail) : '$context.error.messageString';
  return `{"type":"urn:auth-api:problem:${p.type}","title":${JSON.stringify(p.title)},"status":${p.status},"detail":${detail},"requestId":"$context.requestId"}`;
}

function gatewayResponses(): Record<string, unknown> {
  const responses: Record<string, unknown> = {
    // Every 4xx type AWS has is listed; a type added later keeps its status and AWS's body, with CORS.
    DEFAULT_4XX: { responseParameters: responseHeaders() },
  };
  for (const [type, p] of Object.entries(GATEWAY_PROBLEMS)) {
    responses[type] = {
      statusCode: String(p.status),
      responseParameters: responseHeaders({ 'Content-Type': "'application/problem+json'", ...p.headers }),
      responseTemplates: { 'application/json': problemTemplate(p) },
    };
  }
  return responses;
}

function lambdaIntegration(functionKey: string): Record<string, unknown> {
  return {
    type: 'aws_proxy',
    httpMethod: 'POST',
    uri: v(`${TEMPLATE_VARIABLES.invokeArns}.${functionKey}`),
    passthroughBehavior: 'when_no_match',
    timeoutInMillis: INTEGRATION_TIMEOUT_MS,
  };
}

/** A mock OPTIONS method answering the CORS preflight for one path, never guarded by the authorizer. */
function preflight(methods: string[]): Record<string, unknown> {
  const header = (name: string) => `method.response.header.${name}`;
  const values: Record<string, string> = {
    'Access-Control-Allow-Origin': corsOrigin,
    'Access-Control-Allow-Methods': `'${[...methods, 'OPTIONS'].join(',')}'`,
    'Access-Control-Allow-Headers': `'${ALLOWED_HEADERS}'`,
    'Access-Control-Max-Age': `'${PREFLIGHT_MAX_AGE_SECONDS}'`,
    Vary: "'Origin'",
  };
  return {
    summary: 'CORS preflight',
    security: [],
    responses: {
      '204': {
        description: 'CORS preflight answer',
        headers: Object.fromEntries(Object.keys(values).map((name) => [name, { schema: { type: 'string' } }])),
      },
    },
    'x-amazon-apigateway-integration': {
      type: 'mock',
      requestTemplates: { 'application/json': '{"statusCode": 204}' },
      passthroughBehavior: 'when_no_match',
      responses: {
        default: {
          statusCode: '204',
          responseParameters: Object.fromEntries(Object.entries(values).map(([name, val]) => [header(name), val])),
        },
      },
    },
  };
}

/**
 * The contract plus the API Gateway extensions, as a template for Terraform's `templatefile()`.
 * Derived entirely from openapi.yaml: each operation invokes the function named by its operationId,
 * and `bearerAuth` becomes the TOKEN authorizer.
 */
export function buildApiGatewayDefinition(doc: OpenApiDocument, operations: Operation[]): Record<string, unknown> {
  const definition = structuredClone<OpenApiDocument>(doc);
  const bearer = definition.components.securitySchemes?.[BEARER_SCHEME];
  if (!bearer) throw new Error(`openapi.yaml: components.securitySchemes.${BEARER_SCHEME} is missing`);

  // API Gateway imports a Lambda authorizer only as an apiKey scheme carrying its extension.
  definition.components.securitySchemes![BEARER_SCHEME] = {
    type: 'apiKey',
    name: 'Authorization',
    in: 'header',
    description: bearer.description,
    'x-amazon-apigateway-authtype': 'custom',
    'x-amazon-apigateway-authorizer': {
      type: 'token',
      authorizerUri: v(`${TEMPLATE_VARIABLES.invokeArns}.${AUTHORIZER_FUNCTION}`),
      identitySource: 'method.request.header.Authorization',
      identityValidationExpression: IDENTITY_VALIDATION_EXPRESSION,
      authorizerResultTtlInSeconds: `@@${TEMPLATE_VARIABLES.authorizerTtl}@@`,
    },
  };

  const methodsByPath = new Map<string, string[]>();
  for (const op of operations) {
    const unknown = op.securitySchemes.filter((s) => s !== BEARER_SCHEME);
    if (unknown.length > 0) throw new Error(`${op.operationId}: unsupported security scheme ${unknown.join(', ')}`);
    if (op.operationId === AUTHORIZER_FUNCTION) throw new Error(`operationId "${AUTHORIZER_FUNCTION}" is reserved`);
    const target = definition.paths[op.path]![op.method] as Record<string, unknown>;
    target['x-amazon-apigateway-integration'] = lambdaIntegration(op.operationId);
    methodsByPath.set(op.path, [...(methodsByPath.get(op.path) ?? []), op.method.toUpperCase()]);
  }
  for (const [path, methods] of methodsByPath) {
    definition.paths[path]!.options = preflight(methods);
  }
  definition['x-amazon-apigateway-gateway-responses'] = gatewayResponses();
  return definition;
}

/** Serializes the definition as a `templatefile()` template: numeric placeholders must stay unquoted. */
export function toTemplate(definition: Record<string, unknown>): string {
  return `${JSON.stringify(definition, null, 2).replace(/"@@([a-z_]+)@@"/g, (_m, name: string) => v(name))}\n`;
}
