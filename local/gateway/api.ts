/**
 * Reads a rendered API Gateway definition (OpenAPI + x-amazon-apigateway extensions) into the
 * routes, authorizers and gateway responses the local gateway serves. Anything the definition
 * asks for that this gateway does not reproduce is an error here, at startup, listing each use.
 */
import { functionNameFromInvokeArn } from './definition';
import type { GatewayResponseConfig, GatewayResponseType, ParameterSource } from './gateway-responses';
import { isGatewayResponseType, TEMPLATE_CONTEXT_VARIABLES } from './gateway-responses';

export const HTTP_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number] | 'ANY';

/** API Gateway's hard limit on an integration's timeout, and its default. */
const MAX_INTEGRATION_TIMEOUT_MS = 29000;
const MAX_AUTHORIZER_TTL_SECONDS = 3600;

export interface TokenAuthorizer {
  /** The security scheme's name. */
  name: string;
  functionKey: string;
  /** The request header carrying the token, e.g. `Authorization`. */
  header: string;
  validationExpression?: RegExp;
  ttlSeconds: number;
}

export interface LambdaProxyIntegration {
  type: 'aws_proxy';
  functionKey: string;
  timeoutMs: number;
}

export interface MockIntegration {
  type: 'mock';
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface Route {
  method: HttpMethod;
  /** The resource path as defined, e.g. `/users/{id}`. */
  resourcePath: string;
  operationId?: string;
  integration: LambdaProxyIntegration | MockIntegration;
  authorizer?: TokenAuthorizer;
}

export interface Api {
  routes: Route[];
  authorizers: TokenAuthorizer[];
  gatewayResponses: Map<GatewayResponseType, GatewayResponseConfig>;
  /** Every function the API invokes, authorizers included. */
  functionKeys: string[];
}

/** The definition uses something the local gateway does not reproduce, or is malformed. */
export class UnsupportedDefinitionError extends Error {
  override name = 'UnsupportedDefinitionError';
  constructor(readonly problems: string[]) {
    super(`The API definition cannot be served locally:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const EXTENSION = 'x-amazon-apigateway-';

/** The extensions read here, by where they may appear; any other is reported as not reproduced. */
const SUPPORTED_EXTENSIONS: Record<string, readonly string[]> = {
  root: ['x-amazon-apigateway-gateway-responses', 'x-amazon-apigateway-endpoint-configuration'],
  securityScheme: ['x-amazon-apigateway-authtype', 'x-amazon-apigateway-authorizer'],
  pathItem: ['x-amazon-apigateway-any-method'],
  operation: ['x-amazon-apigateway-integration'],
};

/** Why each well-known extension is refused, so the error says what is missing rather than just "unknown". */
const UNSUPPORTED_REASONS: Record<string, string> = {
  'x-amazon-apigateway-request-validators': 'request validators are not reproduced',
  'x-amazon-apigateway-request-validator': 'request validators are not reproduced',
  'x-amazon-apigateway-api-key-source': 'API keys and usage plans are not reproduced',
  'x-amazon-apigateway-policy': 'resource policies are not reproduced',
  'x-amazon-apigateway-binary-media-types': 'binary media types are not reproduced',
  'x-amazon-apigateway-minimum-compression-size': 'response compression is not reproduced',
  'x-amazon-apigateway-documentation': 'documentation parts are not reproduced',
  'x-amazon-apigateway-cors': 'the HTTP API CORS configuration does not apply to a REST API',
  'x-amazon-apigateway-importexport-version': 'HTTP API definitions are not reproduced',
};

function checkExtensions(node: Json, where: string, allowed: readonly string[], problems: string[]): void {
  for (const key of Object.keys(node)) {
    if (key.startsWith(EXTENSION) && !allowed.includes(key)) {
      problems.push(`${where}: ${key}: ${UNSUPPORTED_REASONS[key] ?? 'not reproduced by the local gateway'}`);
    }
  }
}

/** `'literal'` or a request parameter, as in `responseParameters` values. */
function parameterSource(value: unknown, where: string, problems: string[]): ParameterSource | undefined {
  if (typeof value !== 'string') {
    problems.push(`${where}: must be a string`);
    return undefined;
  }
  const literal = /^'(.*)'$/s.exec(value);
  if (literal) return { kind: 'literal', value: literal[1]! };
  const request = /^method\.request\.(header|querystring|path)\.(.+)$/.exec(value);
  if (request) return { kind: 'request', location: request[1] as 'header' | 'querystring' | 'path', name: request[2]! };
  problems.push(`${where}: "${value}" is not reproduced (only 'literal' values and method.request.header|querystring|path.<name>)`);
  return undefined;
}

function checkTemplate(template: string, where: string, problems: string[]): void {
  if (/(^|[^\\])#(set|if|foreach|elseif|else|end|macro|parse|include|define|evaluate|break|stop)\b/.test(template)) {
    problems.push(`${where}: VTL directives are not reproduced; only $context variables are substituted`);
  }
  for (const match of template.matchAll(/\$\{?([A-Za-z][A-Za-z0-9_.]*[A-Za-z0-9_])/g)) {
    if (!(TEMPLATE_CONTEXT_VARIABLES as readonly string[]).includes(match[1]!)) {
      problems.push(`${where}: $${match[1]} is not reproduced (supported: ${TEMPLATE_CONTEXT_VARIABLES.map((v) => `$${v}`).join(', ')})`);
    }
  }
}

function readGatewayResponses(value: unknown, problems: string[]): Map<GatewayResponseType, GatewayResponseConfig> {
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
      if (!['statusCode', 'responseParameters', 'responseTemplates'].includes(key)) problems.push(`${where}.${key}: not reproduced`);
    }
    if (raw.statusCode !== undefined) {
      const status = Number(raw.statusCode);
      if (!/^[1-5]\d\d$/.test(String(raw.statusCode))) problems.push(`${where}.statusCode: "${String(raw.statusCode)}" is not an HTTP status`);
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
    for (const [contentType, template] of Object.entries(isObject(raw.responseTemplates) ? raw.responseTemplates : {})) {
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

/**
 * The identity validation expression as API Gateway applies it: a Java regular expression that
 * must match the whole header value (as `Bearer.*` in AWS's own examples shows), not a part of it.
 * Java's leading inline flags `(?i)` and `(?s)` become JavaScript flags; other Java-only syntax
 * does not compile here and fails the start instead of matching differently.
 */
export function identityValidationExpression(source: string): RegExp {
  const inline = /^\(\?([a-zA-Z]+)\)/.exec(source);
  const flags = inline?.[1] ?? '';
  if (/[^is]/.test(flags)) throw new Error(`the inline flags (?${flags}) are not reproduced; only (?i) and (?s)`);
  return new RegExp(`^(?:${source.slice(inline?.[0].length ?? 0)})$`, flags);
}

function readAuthorizer(name: string, scheme: unknown, problems: string[]): TokenAuthorizer | undefined {
  const where = `components.securitySchemes.${name}`;
  if (!isObject(scheme)) {
    problems.push(`${where}: must be an object`);
    return undefined;
  }
  checkExtensions(scheme, where, SUPPORTED_EXTENSIONS.securityScheme!, problems);
  const authorizer = scheme['x-amazon-apigateway-authorizer'];
  if (!isObject(authorizer)) {
    const what = scheme.type === 'apiKey' ? 'API keys (usage plans)' : `"${String(scheme.type)}" security schemes`;
    problems.push(`${where}: ${what} are not reproduced; only Lambda TOKEN authorizers (x-amazon-apigateway-authorizer)`);
    return undefined;
  }
  const at = `${where}.x-amazon-apigateway-authorizer`;
  const known = ['type', 'authorizerUri', 'authorizerCredentials', 'identitySource', 'identityValidationExpression', 'authorizerResultTtlInSeconds'];
  for (const key of Object.keys(authorizer)) if (!known.includes(key)) problems.push(`${at}.${key}: not reproduced`);
  if (String(authorizer.type).toLowerCase() !== 'token') {
    problems.push(`${at}.type: "${String(authorizer.type)}" authorizers are not reproduced; only "token"`);
    return undefined;
  }
  const identity = /^method\.request\.header\.([A-Za-z0-9-]+)$/.exec(String(authorizer.identitySource ?? 'method.request.header.Authorization'));
  if (!identity) problems.push(`${at}.identitySource: a TOKEN authorizer reads one header (method.request.header.<name>)`);
  let functionKey: string | undefined;
  try {
    functionKey = functionNameFromInvokeArn(String(authorizer.authorizerUri));
  } catch (error) {
    problems.push(`${at}.authorizerUri: ${(error as Error).message}`);
  }
  let validationExpression: RegExp | undefined;
  if (authorizer.identityValidationExpression !== undefined) {
    try {
      validationExpression = identityValidationExpression(String(authorizer.identityValidationExpression));
    } catch (error) {
      problems.push(`${at}.identityValidationExpression: ${(error as Error).message}`);
    }
  }
  const ttl = authorizer.authorizerResultTtlInSeconds ?? 300;
  if (!Number.isInteger(ttl) || (ttl as number) < 0 || (ttl as number) > MAX_AUTHORIZER_TTL_SECONDS) {
    problems.push(`${at}.authorizerResultTtlInSeconds: must be an integer from 0 to ${MAX_AUTHORIZER_TTL_SECONDS}, not ${JSON.stringify(ttl)}`);
  }
  if (!identity || !functionKey) return undefined;
  return { name, functionKey, header: identity[1]!, validationExpression, ttlSeconds: Number(ttl) };
}

function readIntegration(raw: unknown, where: string, problems: string[]): Route['integration'] | undefined {
  const at = `${where}.x-amazon-apigateway-integration`;
  if (!isObject(raw)) {
    problems.push(`${where}: has no x-amazon-apigateway-integration`);
    return undefined;
  }
  const type = String(raw.type).toLowerCase();
  if (type === 'aws_proxy') {
    const known = ['type', 'httpMethod', 'uri', 'passthroughBehavior', 'timeoutInMillis', 'credentials', 'connectionType'];
    for (const key of Object.keys(raw)) if (!known.includes(key)) problems.push(`${at}.${key}: not reproduced for a Lambda proxy integration`);
    if (raw.connectionType !== undefined && raw.connectionType !== 'INTERNET') problems.push(`${at}.connectionType: VPC links are not reproduced`);
    if (String(raw.httpMethod).toUpperCase() !== 'POST') problems.push(`${at}.httpMethod: Lambda is invoked with POST`);
    const timeoutMs = raw.timeoutInMillis ?? MAX_INTEGRATION_TIMEOUT_MS;
    if (!Number.isInteger(timeoutMs) || (timeoutMs as number) < 50 || (timeoutMs as number) > MAX_INTEGRATION_TIMEOUT_MS) {
      problems.push(`${at}.timeoutInMillis: must be an integer from 50 to ${MAX_INTEGRATION_TIMEOUT_MS}`);
    }
    try {
      return { type: 'aws_proxy', functionKey: functionNameFromInvokeArn(String(raw.uri)), timeoutMs: Number(timeoutMs) };
    } catch (error) {
      problems.push(`${at}.uri: ${(error as Error).message}`);
      return undefined;
    }
  }
  if (type === 'mock') return readMock(raw, at, problems);
  problems.push(`${at}.type: "${String(raw.type)}" integrations are not reproduced; only aws_proxy (Lambda proxy) and mock`);
  return undefined;
}

function readMock(raw: Json, at: string, problems: string[]): MockIntegration | undefined {
  for (const key of Object.keys(raw)) {
    if (!['type', 'requestTemplates', 'passthroughBehavior', 'responses'].includes(key)) problems.push(`${at}.${key}: not reproduced for a mock integration`);
  }
  const requestTemplate = isObject(raw.requestTemplates) ? raw.requestTemplates['application/json'] : undefined;
  let selected = 200;
  if (typeof requestTemplate === 'string') {
    try {
      const parsed = JSON.parse(requestTemplate) as unknown;
      if (!isObject(parsed) || !Number.isInteger(parsed.statusCode)) throw new Error('no integer statusCode');
      selected = parsed.statusCode as number;
    } catch (error) {
      problems.push(`${at}.requestTemplates: only a static {"statusCode": N} template is reproduced (${(error as Error).message})`);
    }
  }
  const responses = isObject(raw.responses) ? raw.responses : {};
  // Integration responses are chosen by matching their key, a regex, against the status; `default` catches the rest.
  const key = Object.keys(responses).find((k) => k !== 'default' && new RegExp(`^(${k})$`).test(String(selected))) ?? 'default';
  const response = responses[key];
  if (!isObject(response)) {
    problems.push(`${at}.responses: no response matches status ${selected}`);
    return undefined;
  }
  const headers: Record<string, string> = {};
  for (const [param, value] of Object.entries(isObject(response.responseParameters) ? response.responseParameters : {})) {
    const header = /^method\.response\.header\.(.+)$/.exec(param);
    const source = parameterSource(value, `${at}.responses.${key}.responseParameters.${param}`, problems);
    if (!header) problems.push(`${at}.responses.${key}.responseParameters: ${param} is not reproduced`);
    else if (source?.kind === 'literal') headers[header[1]!] = source.value;
    else if (source) problems.push(`${at}.responses.${key}.responseParameters.${param}: a mock integration answers with literals only here`);
  }
  const templates = isObject(response.responseTemplates) ? response.responseTemplates : {};
  const body = templates['application/json'] ?? Object.values(templates)[0] ?? '';
  if (typeof body !== 'string' || /[$#]/.test(body)) problems.push(`${at}.responses.${key}.responseTemplates: only static bodies are reproduced`);
  const statusCode = Number(response.statusCode ?? selected);
  return { type: 'mock', statusCode, headers, body: typeof body === 'string' ? body : '' };
}

/** Reads the security requirement of an operation (or the document's default) into its authorizer. */
function readSecurity(
  security: unknown,
  where: string,
  authorizers: Map<string, TokenAuthorizer | undefined>,
  problems: string[],
): TokenAuthorizer | undefined {
  if (security === undefined) return undefined;
  if (!Array.isArray(security)) {
    problems.push(`${where}.security: must be a list`);
    return undefined;
  }
  const requirements = security.filter((r) => isObject(r) && Object.keys(r).length > 0) as Json[];
  if (requirements.length === 0) return undefined;
  const names = requirements.flatMap((r) => Object.keys(r));
  if (requirements.length > 1 || names.length > 1) {
    problems.push(`${where}.security: API Gateway applies one authorizer per method; ${names.join(', ')} given`);
    return undefined;
  }
  const name = names[0]!;
  if (!authorizers.has(name)) {
    problems.push(`${where}.security: ${name} is not a security scheme of this definition`);
    return undefined;
  }
  return authorizers.get(name);
}

/** Compiles a rendered definition; throws UnsupportedDefinitionError listing every problem found. */
export function compileApi(definition: unknown): Api {
  const problems: string[] = [];
  if (!isObject(definition) || !isObject(definition.paths)) throw new UnsupportedDefinitionError(['the definition has no paths']);
  checkExtensions(definition, 'the definition', SUPPORTED_EXTENSIONS.root!, problems);
  if (definition.swagger === undefined && !String(definition.openapi ?? '').startsWith('3.0')) {
    problems.push(`openapi ${String(definition.openapi)}: API Gateway imports OpenAPI 2.0 and 3.0 only`);
  }

  const components = isObject(definition.components) ? definition.components : {};
  const schemes = isObject(components.securitySchemes) ? components.securitySchemes : isObject(definition.securityDefinitions) ? definition.securityDefinitions : {};
  const authorizers = new Map<string, TokenAuthorizer | undefined>();
  // Only schemes some operation uses need to be servable; unused ones cannot change behaviour.
  const used = new Set<string>();
  const collectUsed = (security: unknown) => {
    if (Array.isArray(security)) for (const r of security) if (isObject(r)) for (const n of Object.keys(r)) used.add(n);
  };
  collectUsed(definition.security);
  for (const item of Object.values(definition.paths)) {
    if (!isObject(item)) continue;
    for (const op of Object.values(item)) if (isObject(op)) collectUsed(op.security);
  }
  for (const [name, scheme] of Object.entries(schemes)) {
    if (used.has(name)) authorizers.set(name, readAuthorizer(name, scheme, problems));
  }

  const routes: Route[] = [];
  for (const [path, item] of Object.entries(definition.paths)) {
    if (!path.startsWith('/')) problems.push(`paths.${path}: must start with /`);
    if (!isObject(item)) {
      problems.push(`paths.${path}: must be an object`);
      continue;
    }
    checkExtensions(item, `paths.${path}`, SUPPORTED_EXTENSIONS.pathItem!, problems);
    for (const [key, op] of Object.entries(item)) {
      const method = key === 'x-amazon-apigateway-any-method' ? 'ANY' : key.toUpperCase();
      if (method !== 'ANY' && !(HTTP_METHODS as readonly string[]).includes(method)) continue;
      const where = `${method} ${path}`;
      if (!isObject(op)) {
        problems.push(`${where}: must be an object`);
        continue;
      }
      checkExtensions(op, where, SUPPORTED_EXTENSIONS.operation!, problems);
      const integration = readIntegration(op['x-amazon-apigateway-integration'], where, problems);
      const authorizer = readSecurity(op.security ?? definition.security, where, authorizers, problems);
      if (!integration) continue;
      routes.push({
        method: method as HttpMethod,
        resourcePath: path,
        operationId: typeof op.operationId === 'string' ? op.operationId : undefined,
        integration,
        ...(authorizer ? { authorizer } : {}),
      });
    }
  }

  const gatewayResponses = readGatewayResponses(definition['x-amazon-apigateway-gateway-responses'], problems);
  if (problems.length > 0) throw new UnsupportedDefinitionError(problems);

  const liveAuthorizers = [...new Set(routes.flatMap((r) => (r.authorizer ? [r.authorizer] : [])))];
  const functionKeys = [
    ...new Set([
      ...routes.flatMap((r) => (r.integration.type === 'aws_proxy' ? [r.integration.functionKey] : [])),
      ...liveAuthorizers.map((a) => a.functionKey),
    ]),
  ];
  return { routes, authorizers: liveAuthorizers, gatewayResponses, functionKeys };
}
