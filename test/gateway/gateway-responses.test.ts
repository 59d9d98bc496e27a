import type { GatewayResponseConfig, GatewayResponseContext, GatewayResponseType } from '../../local/gateway';
import { renderGatewayResponse } from '../../local/gateway';

const context: GatewayResponseContext = {
  requestId: 'req-1',
  stage: 'local',
  apiId: 'api',
  httpMethod: 'GET',
  path: '/me',
  resourcePath: '/me',
  headers: { Origin: 'https://app.example.com' },
  query: { lang: 'en' },
  pathParameters: {},
};

const responses = (entries: Array<[GatewayResponseType, GatewayResponseConfig]>) => new Map(entries);

describe('renderGatewayResponse', () => {
  it('gives AWS\'s status and {"message": ...} body when nothing is customized', () => {
    const rendered = renderGatewayResponse(
      responses([]),
      { type: 'MISSING_AUTHENTICATION_TOKEN', message: 'Missing Authentication Token' },
      context,
    );

    expect(rendered).toEqual({
      statusCode: 403,
      headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'MissingAuthenticationTokenException' },
      body: '{"message":"Missing Authentication Token"}',
    });
  });

  it('renders a null message as JSON null, as AWS does for authorizer configuration errors', () => {
    const rendered = renderGatewayResponse(
      responses([]),
      { type: 'AUTHORIZER_CONFIGURATION_ERROR', message: null },
      context,
    );

    expect(rendered.statusCode).toBe(500);
    expect(rendered.body).toBe('{"message":null}');
  });

  it('uses the type’s own status, headers and template, with $context substitutions', () => {
    const rendered = renderGatewayResponse(
      responses([
        [
          'UNAUTHORIZED',
          {
            statusCode: 401,
            headers: {
              'Content-Type': { kind: 'literal', value: 'application/problem+json' },
              'X-Origin': { kind: 'request', location: 'header', name: 'origin' },
            },
            templates: {
              'application/json':
                '{"id":"$context.requestId","m":$context.error.messageString,"raw":"${context.error.message}","t":"$context.error.responseType"}',
            },
          },
        ],
      ]),
      { type: 'UNAUTHORIZED', message: 'Unauthorized' },
      context,
    );

    expect(rendered.statusCode).toBe(401);
    expect(rendered.headers).toMatchObject({
      'Content-Type': 'application/problem+json',
      'X-Origin': 'https://app.example.com',
    });
    expect(JSON.parse(rendered.body)).toEqual({
      id: 'req-1',
      m: 'Unauthorized',
      raw: 'Unauthorized',
      t: 'UNAUTHORIZED',
    });
  });

  it('falls back to DEFAULT_4XX for a 4xx type not customized: its headers and template, the type’s own status', () => {
    const defaults = responses([
      [
        'DEFAULT_4XX',
        {
          headers: { 'Access-Control-Allow-Origin': { kind: 'literal', value: '*' } },
          templates: { 'application/json': '{"error":$context.error.messageString}' },
        },
      ],
    ]);

    const rendered = renderGatewayResponse(
      defaults,
      { type: 'REQUEST_TOO_LARGE', message: 'Request Too Long' },
      context,
    );

    expect(rendered).toMatchObject({
      statusCode: 413,
      headers: { 'Access-Control-Allow-Origin': '*' },
      body: '{"error":"Request Too Long"}',
    });
  });

  it('lets a DEFAULT_5XX status override every 5xx type not customized, as AWS documents', () => {
    const defaults = responses([['DEFAULT_5XX', { statusCode: 503, headers: {}, templates: {} }]]);

    const lambdaError = renderGatewayResponse(
      defaults,
      { type: 'DEFAULT_5XX', status: 502, message: 'Internal server error' },
      context,
    );

    expect(lambdaError.statusCode).toBe(503);
    expect(lambdaError.body).toBe('{"message":"Internal server error"}');
  });

  it('keeps a 502 for a Lambda error under an uncustomized DEFAULT_5XX', () => {
    const rendered = renderGatewayResponse(
      responses([]),
      { type: 'DEFAULT_5XX', status: 502, message: 'Internal server error' },
      context,
    );

    expect(rendered.statusCode).toBe(502);
    expect(rendered.headers['x-amzn-ErrorType']).toBe('InternalServerErrorException');
  });

  it('applies the class default headers too, the type’s own winning on a clash', () => {
    const rendered = renderGatewayResponse(
      responses([
        [
          'DEFAULT_4XX',
          {
            headers: { Vary: { kind: 'literal', value: 'Origin' }, 'X-Who': { kind: 'literal', value: 'default' } },
            templates: {},
          },
        ],
        ['ACCESS_DENIED', { headers: { 'X-Who': { kind: 'literal', value: 'own' } }, templates: {} }],
      ]),
      { type: 'ACCESS_DENIED', message: 'User is not authorized to access this resource' },
      context,
    );

    expect(rendered.headers).toMatchObject({ Vary: 'Origin', 'X-Who': 'own' });
  });

  it('leaves out a header whose request value is absent', () => {
    const rendered = renderGatewayResponse(
      responses([
        [
          'UNAUTHORIZED',
          { headers: { 'X-Trace': { kind: 'request', location: 'header', name: 'X-Trace' } }, templates: {} },
        ],
      ]),
      { type: 'UNAUTHORIZED', message: 'Unauthorized' },
      context,
    );

    expect(rendered.headers).not.toHaveProperty('X-Trace');
  });
});
