/**
 * Reads a rendered API Gateway definition (OpenAPI + x-amazon-apigateway extensions) into the
 * routes, authorizers and gateway responses the local gateway serves. Anything the definition
 * asks for that this gateway does not reproduce is an error here, at startup, listing each use.
 */
import { functionNameFromInvokeArn } from './definition';
import { isObject } from './describe';
import type { GatewayResponseConfig, GatewayResponseType } from './gateway-responses';
import { readGatewayResponses } from './gateway-responses';
import type { Integration } from './integrations';
import { readIntegration } from './integrations';

export const HTTP_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number] | 'ANY';

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

export interface Route {
  method: HttpMethod;
  /** The resource path as defined, e.g. `/users/{id}`. */
  resourcePath: string;
  operationId?: string;
  integration: Integration;
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

function checkExtensions(
  node: Record<string, unknown>,
  where: string,
  allowed: readonly string[],
  problems: string[],
): void {
  for (const key of Object.keys(node)) {
    if (key.startsWith(EXTENSION) && !allowed.includes(key)) {
      problems.push(`${where}: ${key}: ${UNSUPPORTED_REASONS[key] ?? 'not reproduced by the local gateway'}`);
    }
  }
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
    problems.push(
      `${where}: ${what} are not reproduced; only Lambda TOKEN authorizers (x-amazon-apigateway-authorizer)`,
    );
    return undefined;
  }
  const at = `${where}.x-amazon-apigateway-authorizer`;
  const known = [
    'type',
    'authorizerUri',
    'authorizerCredentials',
    'identitySource',
    'identityValidationExpression',
    'authorizerResultTtlInSeconds',
  ];
  for (const key of Object.keys(authorizer)) if (!known.includes(key)) problems.push(`${at}.${key}: not reproduced`);
  if (String(authorizer.type).toLowerCase() !== 'token') {
    problems.push(`${at}.type: "${String(authorizer.type)}" authorizers are not reproduced; only "token"`);
    return undefined;
  }
  const identity = /^method\.request\.header\.([A-Za-z0-9-]+)$/.exec(
    typeof authorizer.identitySource === 'string' ? authorizer.identitySource : 'method.request.header.Authorization',
  );
  if (!identity)
    problems.push(`${at}.identitySource: a TOKEN authorizer reads one header (method.request.header.<name>)`);
  let functionKey: string | undefined;
  try {
    functionKey = functionNameFromInvokeArn(String(authorizer.authorizerUri));
  } catch (error) {
    problems.push(`${at}.authorizerUri: ${(error as Error).message}`);
  }
  let validationExpression: RegExp | undefined;
  if (authorizer.identityValidationExpression !== undefined) {
    try {
      if (typeof authorizer.identityValidationExpression !== 'string') throw new Error('it is not a string');
      validationExpression = identityValidationExpression(authorizer.identityValidationExpression);
    } catch (error) {
      problems.push(`${at}.identityValidationExpression: ${(error as Error).message}`);
    }
  }
  const ttl = authorizer.authorizerResultTtlInSeconds ?? 300;
  if (!Number.isInteger(ttl) || (ttl as number) < 0 || (ttl as number) > MAX_AUTHORIZER_TTL_SECONDS) {
    problems.push(
      `${at}.authorizerResultTtlInSeconds: must be an integer from 0 to ${MAX_AUTHORIZER_TTL_SECONDS}, not ${JSON.stringify(ttl)}`,
    );
  }
  if (!identity || !functionKey) return undefined;
  return { name, functionKey, header: identity[1]!, validationExpression, ttlSeconds: Number(ttl) };
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
  const requirements = security.filter((r) => isObject(r) && Object.keys(r).length > 0) as Array<
    Record<string, unknown>
  >;
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
  if (!isObject(definition) || !isObject(definition.paths))
    throw new UnsupportedDefinitionError(['the definition has no paths']);
  checkExtensions(definition, 'the definition', SUPPORTED_EXTENSIONS.root!, problems);
  if (
    definition.swagger === undefined &&
    !(typeof definition.openapi === 'string' && definition.openapi.startsWith('3.0'))
  ) {
    problems.push(`openapi ${JSON.stringify(definition.openapi)}: API Gateway imports OpenAPI 2.0 and 3.0 only`);
  }

  const components = isObject(definition.components) ? definition.components : {};
  const schemes = isObject(components.securitySchemes)
    ? components.securitySchemes
    : isObject(definition.securityDefinitions)
      ? definition.securityDefinitions
      : {};
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
