/**
 * The contract checks every other test leans on: one checker, fed a function's proxy result or a
 * response fetched over HTTP.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { contractViolations, expectContract, expectHttpContract, publishedSpec } from '../support/contract';

const REQUEST_ID = '0b9c6f2e-2f4e-4f3e-9f51-6d1f2e3a4b5c';
const ORIGIN = 'https://app.example.com';

type Json = Record<string, unknown>;
const paths = publishedSpec().paths as Record<string, Record<string, Json>>;
const loginResponse = (paths['/login']!.post!.responses as Record<string, Json>)['200']!;
/** The contract's own example of a successful login. */
const LOGGED_IN = JSON.stringify(
  ((loginResponse.content as Json)['application/json'] as { examples: Record<string, { value: unknown }> }).examples
    .loggedIn!.value,
);

const loggedIn = (overrides: Partial<APIGatewayProxyResult> = {}): APIGatewayProxyResult => ({
  statusCode: 200,
  headers: { 'Content-Type': 'application/json', 'X-Request-Id': REQUEST_ID, 'Access-Control-Allow-Origin': ORIGIN },
  body: LOGGED_IN,
  ...overrides,
});

const loggedOut = (overrides: Partial<APIGatewayProxyResult> = {}): APIGatewayProxyResult => ({
  statusCode: 204,
  headers: { 'X-Request-Id': REQUEST_ID, 'Access-Control-Allow-Origin': ORIGIN },
  body: '',
  ...overrides,
});

const problem = (status: number, headers: Record<string, string>): Response =>
  new Response(
    JSON.stringify({
      type: 'urn:auth-api:problem:internal',
      title: 'Internal error',
      status,
      detail: `internal error; request id ${REQUEST_ID}`,
      requestId: REQUEST_ID,
    }),
    {
      status,
      headers: { 'Content-Type': 'application/problem+json', 'Access-Control-Allow-Origin': ORIGIN, ...headers },
    },
  );

describe('the contract checks of a proxy result', () => {
  it('accept a response the contract declares', () => {
    expect(contractViolations('login', loggedIn())).toEqual([]);
  });

  it('refuse a status the operation does not declare', () => {
    expect(contractViolations('login', loggedIn({ statusCode: 418 }))).toEqual([
      'status 418 is not declared for login (declared: 200, 400, 401, 403, 413, 415, 429, 500, 502, 503, 504)',
    ]);
  });

  it('refuse another Content-Type, and still check the body against the declared schema', () => {
    const violations = contractViolations(
      'login',
      loggedIn({
        headers: { 'Content-Type': 'text/plain', 'X-Request-Id': REQUEST_ID, 'Access-Control-Allow-Origin': ORIGIN },
        body: '{"auth":true}',
      }),
    );

    expect(violations[0]).toBe('Content-Type is text/plain, declared application/json');
    expect(violations).toContain("body must have required property 'token'");
  });

  it('refuse a body that is not JSON', () => {
    expect(contractViolations('login', loggedIn({ body: 'ok' }))).toEqual(['body is not JSON']);
  });

  it('refuse a missing or malformed declared header, unless the test knowingly does without it', () => {
    expect(
      contractViolations('login', loggedIn({ headers: { 'Content-Type': 'application/json', 'x-request-id': 'a b' } })),
    ).toEqual([
      'header X-Request-Id: "a b" must match pattern "^[A-Za-z0-9-]+$"',
      'header Access-Control-Allow-Origin is missing',
    ]);
    expect(
      contractViolations(
        'login',
        loggedIn({ headers: { 'Content-Type': 'application/json', 'X-Request-Id': REQUEST_ID } }),
        { absentHeaders: ['Access-Control-Allow-Origin'] },
      ),
    ).toEqual([]);
  });

  it('do not ask a function for the x-amzn-RequestId header, which only API Gateway adds', () => {
    const failed = {
      statusCode: 500,
      headers: {
        'Content-Type': 'application/problem+json',
        'X-Request-Id': REQUEST_ID,
        'Access-Control-Allow-Origin': ORIGIN,
      },
    };

    expect(
      contractViolations('login', {
        ...failed,
        body: JSON.stringify({
          type: 'urn:auth-api:problem:internal',
          title: 'Internal error',
          status: 500,
          detail: 'internal error',
          requestId: REQUEST_ID,
        }),
      }),
    ).toEqual([]);
  });

  it('accept a response declared without content only with neither a body nor a Content-Type', () => {
    expect(contractViolations('logout', loggedOut())).toEqual([]);
    expect(
      contractViolations(
        'logout',
        loggedOut({
          body: '{}',
          headers: {
            'Content-Type': 'application/json',
            'X-Request-Id': REQUEST_ID,
            'Access-Control-Allow-Origin': ORIGIN,
          },
        }),
      ),
    ).toEqual(['a body is sent, none declared: {}', 'Content-Type application/json is sent, no content declared']);
  });

  it('fail the test with every violation and the body', () => {
    expect(() => expectContract('login', loggedIn({ body: 'ok' }))).toThrow(
      'login answered 200 outside the contract:\n  body is not JSON\nok',
    );
  });
});

describe('the contract checks of a response fetched over HTTP', () => {
  it('return the parsed body of a response the contract declares', async () => {
    const response = new Response(LOGGED_IN, {
      status: 200,
      headers: {
        'Content-Type': 'application/json',
        'X-Request-Id': REQUEST_ID,
        'Access-Control-Allow-Origin': ORIGIN,
      },
    });

    await expect(expectHttpContract('login', response)).resolves.toEqual(JSON.parse(LOGGED_IN));
  });

  it('return nothing for a response declared without content', async () => {
    const response = new Response(null, {
      status: 204,
      headers: { 'X-Request-Id': REQUEST_ID, 'Access-Control-Allow-Origin': ORIGIN },
    });

    await expect(expectHttpContract('logout', response)).resolves.toBeUndefined();
  });

  it('ask for the headers API Gateway adds, since the client gets them', async () => {
    await expect(expectHttpContract('login', problem(500, { 'X-Request-Id': REQUEST_ID }))).rejects.toThrow(
      'login answered 500 outside the contract:\n  header x-amzn-RequestId is missing',
    );
    await expect(
      expectHttpContract('login', problem(500, { 'X-Request-Id': REQUEST_ID, 'x-amzn-RequestId': REQUEST_ID })),
    ).resolves.toMatchObject({ status: 500 });
  });

  it('let a test do without X-Request-Id on what API Gateway answers by itself', async () => {
    const response = problem(500, { 'x-amzn-RequestId': REQUEST_ID });

    await expect(expectHttpContract('login', response, { absentHeaders: ['X-Request-Id'] })).resolves.toMatchObject({
      status: 500,
    });
  });

  it("accept API Gateway's default Content-Type on a response declared without content", async () => {
    const headers = {
      'Content-Type': 'application/json',
      'X-Request-Id': REQUEST_ID,
      'Access-Control-Allow-Origin': ORIGIN,
    };

    await expect(expectHttpContract('logout', new Response(null, { status: 204, headers }))).resolves.toBeUndefined();
  });
});
