import { compileApi, localInvokeArn, Router, UnsupportedDefinitionError } from '../../local/gateway';
import { fixtureDefinition } from './support';

type Definition = Record<string, unknown> & {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: { securitySchemes: Record<string, Record<string, unknown>> };
};

const base = () => fixtureDefinition() as Definition;
const authorizerOf = (d: Definition) =>
  d.components.securitySchemes.bearerAuth!['x-amazon-apigateway-authorizer'] as Record<string, unknown>;
const integrationOf = (d: Definition, path: string, method: string) =>
  d.paths[path]![method]!['x-amazon-apigateway-integration'] as Record<string, unknown>;

function problemsOf(definition: unknown): string[] {
  try {
    compileApi(definition);
  } catch (error) {
    if (error instanceof UnsupportedDefinitionError) return error.problems;
    throw error;
  }
  return [];
}

describe('compileApi', () => {
  it('reads routes, their functions and which ones the TOKEN authorizer guards', () => {
    const api = compileApi(base());

    const routes = api.routes.map((r) => [
      r.method,
      r.resourcePath,
      r.integration.type === 'aws_proxy' ? r.integration.functionKey : 'mock',
      r.authorizer?.name ?? '-',
    ]);
    expect(routes).toEqual(
      expect.arrayContaining([
        ['GET', '/echo', 'echo', '-'],
        ['POST', '/echo', 'submit', '-'],
        ['OPTIONS', '/echo', 'mock', '-'],
        ['GET', '/private', 'private', 'bearerAuth'],
        ['GET', '/items/{id}', 'getItem', 'bearerAuth'],
      ]),
    );
    expect(api.authorizers).toEqual([
      expect.objectContaining({
        name: 'bearerAuth',
        functionKey: 'authorizer',
        header: 'Authorization',
        ttlSeconds: 300,
      }),
    ]);
    expect(api.authorizers[0]!.validationExpression?.test('Bearer a.b.c')).toBe(true);
    expect(api.functionKeys).toContain('authorizer');
    expect(api.gatewayResponses.get('UNAUTHORIZED')?.statusCode).toBe(401);
  });

  it('matches the identity validation expression against the whole header value, as API Gateway does', () => {
    const definition = base();
    authorizerOf(definition).identityValidationExpression = 'Bearer [a-z]+';

    const expression = compileApi(definition).authorizers[0]!.validationExpression!;

    expect(['Bearer abc', 'Bearer abc1', 'xBearer abc', 'Bearer abc\n'].map((value) => expression.test(value))).toEqual(
      [true, false, false, false],
    );
  });

  it("reads Java's leading (?i) as a case-insensitive expression, and refuses inline flags it cannot reproduce", () => {
    const insensitive = base();
    authorizerOf(insensitive).identityValidationExpression = '(?i)bearer [a-z]+';
    const unsupported = base();
    authorizerOf(unsupported).identityValidationExpression = '(?x)bearer';

    expect(compileApi(insensitive).authorizers[0]!.validationExpression!.test('BEARER ABC')).toBe(true);
    expect(problemsOf(unsupported)).toEqual([
      expect.stringMatching(/identityValidationExpression: the inline flags \(\?x\) are not reproduced/),
    ]);
  });

  it('reads the integration timeout, defaulting to API Gateway’s 29 seconds', () => {
    const definition = base();
    delete integrationOf(definition, '/echo', 'get').timeoutInMillis;
    integrationOf(definition, '/slow', 'get').timeoutInMillis = 1500;

    const api = compileApi(definition);

    const timeout = (path: string) =>
      api.routes.find((r) => r.resourcePath === path && r.method === 'GET')!.integration;
    expect(timeout('/echo')).toMatchObject({ timeoutMs: 29000 });
    expect(timeout('/slow')).toMatchObject({ timeoutMs: 1500 });
  });

  it('applies the document-wide security to operations that declare none', () => {
    const definition = base();
    definition.security = [{ bearerAuth: [] }];
    delete definition.paths['/slow']!.get!.security;

    const api = compileApi(definition);

    expect(api.routes.find((r) => r.resourcePath === '/slow')!.authorizer?.name).toBe('bearerAuth');
    expect(api.routes.find((r) => r.resourcePath === '/echo' && r.method === 'GET')!.authorizer).toBeUndefined();
  });

  it.each<[string, (d: Definition) => void, string]>([
    [
      'a request validator',
      (d) => (d['x-amazon-apigateway-request-validators'] = { all: { validateRequestBody: true } }),
      'request validators are not reproduced',
    ],
    [
      'a request validator on a method',
      (d) => (d.paths['/echo']!.get!['x-amazon-apigateway-request-validator'] = 'all'),
      'GET /echo: x-amazon-apigateway-request-validator: request validators are not reproduced',
    ],
    [
      'a resource policy',
      (d) => (d['x-amazon-apigateway-policy'] = { Version: '2012-10-17', Statement: [] }),
      'resource policies are not reproduced',
    ],
    [
      'binary media types',
      (d) => (d['x-amazon-apigateway-binary-media-types'] = ['image/png']),
      'binary media types are not reproduced',
    ],
    [
      'API keys',
      (d) => (d['x-amazon-apigateway-api-key-source'] = 'HEADER'),
      'API keys and usage plans are not reproduced',
    ],
    [
      'an HTTP integration',
      (d) => (integrationOf(d, '/echo', 'get').type = 'http_proxy'),
      'GET /echo.x-amazon-apigateway-integration.type: "http_proxy" integrations are not reproduced',
    ],
    [
      'a non-proxy Lambda integration',
      (d) => (integrationOf(d, '/echo', 'get').type = 'aws'),
      '"aws" integrations are not reproduced',
    ],
    [
      'a mapping template on a proxy integration',
      (d) => (integrationOf(d, '/echo', 'get').requestTemplates = { 'application/json': '{}' }),
      'requestTemplates: not reproduced for a Lambda proxy integration',
    ],
    [
      'a VPC link',
      (d) => (integrationOf(d, '/echo', 'get').connectionType = 'VPC_LINK'),
      'VPC links are not reproduced',
    ],
    [
      'a REQUEST authorizer',
      (d) => (authorizerOf(d).type = 'request'),
      '"request" authorizers are not reproduced; only "token"',
    ],
    [
      'a Cognito authorizer',
      (d) => (authorizerOf(d).type = 'cognito_user_pools'),
      '"cognito_user_pools" authorizers are not reproduced',
    ],
    [
      'an identity source other than one header',
      (d) => (authorizerOf(d).identitySource = 'method.request.querystring.token'),
      'a TOKEN authorizer reads one header',
    ],
    [
      'an authorizer TTL above an hour',
      (d) => (authorizerOf(d).authorizerResultTtlInSeconds = 7200),
      'must be an integer from 0 to 3600',
    ],
    [
      'a VTL directive in a gateway response',
      (d) => setTemplate(d, 'UNAUTHORIZED', '#if($context.error.message)x#end'),
      'VTL directives are not reproduced',
    ],
    [
      'an unknown $context variable',
      (d) => setTemplate(d, 'UNAUTHORIZED', '{"ip":"$context.identity.sourceIp"}'),
      '$context.identity.sourceIp is not reproduced',
    ],
    [
      'a stage variable in a gateway response header',
      (d) => setHeader(d, 'UNAUTHORIZED', 'stageVariables.origin'),
      'is not reproduced (only',
    ],
    [
      'an unknown gateway response type',
      (d) => ((d['x-amazon-apigateway-gateway-responses'] as Record<string, unknown>).NOT_A_TYPE = {}),
      'NOT_A_TYPE: unknown gateway response type',
    ],
    [
      'an extension it does not know',
      (d) => (d.paths['/echo']!.get!['x-amazon-apigateway-auth'] = { type: 'AWS_IAM' }),
      'x-amazon-apigateway-auth: not reproduced by the local gateway',
    ],
    ['an API-key security scheme in use', (d) => useApiKeyScheme(d), 'API keys (usage plans) are not reproduced'],
  ])('fails at startup on %s', (_feature, change, problem) => {
    const definition = base();
    change(definition);

    expect(problemsOf(definition).join('\n')).toContain(problem);
  });

  it('lists every problem at once, so one start shows all that needs changing', () => {
    const definition = base();
    definition['x-amazon-apigateway-policy'] = {};
    integrationOf(definition, '/echo', 'get').type = 'http';
    authorizerOf(definition).type = 'request';

    expect(problemsOf(definition)).toHaveLength(3);
  });

  it('rejects an integration URI that is not a Lambda invoke ARN', () => {
    const definition = base();
    integrationOf(definition, '/echo', 'get').uri = '${stageVariables.backend}';

    expect(problemsOf(definition).join('\n')).toContain('is not a Lambda invoke ARN');
  });

  it('accepts a real AWS invoke ARN as well as the local one', () => {
    const definition = base();
    integrationOf(definition, '/echo', 'get').uri = localInvokeArn('echo')
      .replaceAll(':local:', ':eu-west-1:')
      .replace('000000000000', '123456789012');

    expect(problemsOf(definition)).toEqual([]);
  });
});

function setTemplate(d: Definition, type: string, template: string): void {
  const responses = d['x-amazon-apigateway-gateway-responses'] as Record<
    string,
    { responseTemplates: Record<string, string> }
  >;
  responses[type]!.responseTemplates = { 'application/json': template };
}

function setHeader(d: Definition, type: string, source: string): void {
  const responses = d['x-amazon-apigateway-gateway-responses'] as Record<
    string,
    { responseParameters: Record<string, string> }
  >;
  responses[type]!.responseParameters['gatewayresponse.header.Access-Control-Allow-Origin'] = source;
}

function useApiKeyScheme(d: Definition): void {
  d.components.securitySchemes.apiKey = { type: 'apiKey', name: 'x-api-key', in: 'header' };
  d.paths['/echo']!.get!.security = [{ apiKey: [] }];
}

describe('Router', () => {
  const router = new Router(compileApi(base()).routes);

  it('matches a literal path, a path parameter (decoded) and ignores a trailing slash', () => {
    expect(router.lookup('GET', '/echo')).toMatchObject({ found: true, match: { route: { resourcePath: '/echo' } } });
    expect(router.lookup('GET', '/items/a%2Fb')).toMatchObject({
      found: true,
      match: { pathParameters: { id: 'a/b' } },
    });
    expect(router.lookup('GET', '/echo/')).toMatchObject({ found: true });
  });

  it('tells a known path without the method from an unknown path', () => {
    expect(router.lookup('PUT', '/echo')).toEqual({ found: false, resourceExists: true });
    expect(router.lookup('GET', '/items')).toEqual({ found: false, resourceExists: false });
    expect(router.lookup('GET', '/items/1/more')).toEqual({ found: false, resourceExists: false });
  });

  it('prefers a literal segment to a parameter and a parameter to a greedy {proxy+}', () => {
    const route = (resourcePath: string) => ({
      method: 'GET' as const,
      resourcePath,
      integration: { type: 'aws_proxy' as const, functionKey: resourcePath, timeoutMs: 1000 },
    });
    const specific = new Router([route('/files/{proxy+}'), route('/files/{name}'), route('/files/readme')]);

    expect(specific.lookup('GET', '/files/readme')).toMatchObject({
      match: { route: { resourcePath: '/files/readme' } },
    });
    expect(specific.lookup('GET', '/files/other')).toMatchObject({
      match: { route: { resourcePath: '/files/{name}' }, pathParameters: { name: 'other' } },
    });
    expect(specific.lookup('GET', '/files/a/b/c')).toMatchObject({
      match: { route: { resourcePath: '/files/{proxy+}' }, pathParameters: { proxy: 'a/b/c' } },
    });
  });
});
