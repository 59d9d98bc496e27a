import { request } from 'node:http';
import { requestFrom } from '../support/request-from';
import type { FixtureGateway } from './support';
import { startFixtureGateway, token } from './support';

interface Echo {
  invocations: number;
  pid: number;
  event: {
    resource: string;
    path: string;
    httpMethod: string;
    headers: Record<string, string> | null;
    multiValueHeaders: Record<string, string[]> | null;
    queryStringParameters: Record<string, string> | null;
    multiValueQueryStringParameters: Record<string, string[]> | null;
    pathParameters: Record<string, string> | null;
    stageVariables: null;
    body: string | null;
    isBase64Encoded: boolean;
    requestContext: {
      requestId: string;
      stage: string;
      resourcePath: string;
      httpMethod: string;
      requestTimeEpoch: number;
      identity: { sourceIp: string; userAgent: string | null };
      authorizer: Record<string, string | number> | null;
    };
  };
  context: { functionName: string; awsRequestId: string; remainingMs: number; memoryLimitInMB: string };
  env: Record<string, string | null>;
}

/** node:http sends any header name as given; fetch silently drops one named `__proto__`. */
function requestWithHeader(url: string, name: string, value: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setHeader(name, value);
    req.end();
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The definition's DEFAULT_5XX: AWS's 502 for a failed function, as a problem naming the request. */
const BAD_GATEWAY = { type: 'urn:auth-api:problem:bad-gateway', title: 'Bad gateway', status: 502 };

describe('the Lambda proxy integration', () => {
  let f: FixtureGateway;
  const savedKey = process.env.AWS_ACCESS_KEY_ID;

  beforeAll(async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIA-GATEWAY-HOST-ONLY';
    f = await startFixtureGateway({ timeoutsMs: { echo: 4000 } });
  });
  afterAll(async () => {
    await f.gateway.close();
    if (savedKey === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    else process.env.AWS_ACCESS_KEY_ID = savedKey;
  });

  it('sends the REST v1 proxy event: headers, multi-value query strings, path parameters and the authorizer context', async () => {
    const response = await f.call('/items/blue%20car?color=red&color=green&size=9', {
      headers: { Authorization: token('allow', 'event'), 'X-Custom': 'one', 'User-Agent': 'proxy-test/1.0' },
    });

    expect(response.status).toBe(200);
    const { event } = (await response.json()) as Echo;
    expect(event).toMatchObject({
      resource: '/items/{id}',
      path: '/items/blue%20car',
      httpMethod: 'GET',
      pathParameters: { id: 'blue car' },
      queryStringParameters: { color: 'green', size: '9' },
      multiValueQueryStringParameters: { color: ['red', 'green'], size: ['9'] },
      stageVariables: null,
      body: null,
      isBase64Encoded: false,
    });
    expect(event.headers).toMatchObject({
      'X-Custom': 'one',
      Authorization: token('allow', 'event'),
      'X-Forwarded-For': '127.0.0.1',
    });
    expect(event.multiValueHeaders).toMatchObject({ 'X-Custom': ['one'] });
    expect(event.requestContext).toMatchObject({
      requestId: response.headers.get('x-amzn-requestid'),
      stage: 'local',
      resourcePath: '/items/{id}',
      httpMethod: 'GET',
      identity: { sourceIp: '127.0.0.1', userAgent: 'proxy-test/1.0' },
      authorizer: { principalId: 'user-1', userId: 'user-1', admin: 'false', level: '3' },
    });
    expect(event.requestContext.requestId).toMatch(UUID);
    expect(typeof event.requestContext.requestTimeEpoch).toBe('number');
  });

  it('gives the address the client connected from as identity.sourceIp, not what its X-Forwarded-For claims, and appends it to that header', async () => {
    const response = await requestFrom('127.0.0.2', `${f.gateway.url}/echo`, {
      headers: { 'X-Forwarded-For': '203.0.113.9' },
    });

    expect(response.status).toBe(200);
    const { event } = (await response.json()) as Echo;
    expect(event.requestContext.identity.sourceIp).toBe('127.0.0.2');
    // As API Gateway does: what the client sent, then the address it connected from.
    expect(event.headers).toMatchObject({ 'X-Forwarded-For': '203.0.113.9, 127.0.0.2' });
  });

  // `__proto__`, `constructor`, `toString` ... as names: API Gateway treats them like any other name.
  const prototypeNames = Object.getOwnPropertyNames(Object.prototype);
  const own = (map: Record<string, unknown> | null, name: string): unknown =>
    map && Object.hasOwn(map, name) ? map[name] : undefined;

  it.each(prototypeNames)(
    'passes a query parameter and a header named %s to the function like any other',
    async (name) => {
      const query = encodeURIComponent(name);
      const response = await requestWithHeader(
        `${f.gateway.url}/echo?${query}=first&${query}=second`,
        name,
        'header-value',
      );

      expect(response.status).toBe(200);
      const { event } = JSON.parse(response.body) as Echo;
      expect(own(event.queryStringParameters, name)).toBe('second');
      expect(own(event.multiValueQueryStringParameters, name)).toEqual(['first', 'second']);
      expect(own(event.headers, name)).toBe('header-value');
      expect(own(event.multiValueHeaders, name)).toEqual(['header-value']);
    },
  );

  it.each(prototypeNames)(
    'answers the usual problem when a request the gateway refuses has a query parameter and a header named %s',
    async (name) => {
      const response = await requestWithHeader(
        `${f.gateway.url}/private?${encodeURIComponent(name)}=1`,
        name,
        'header-value',
      );

      expect(response.status).toBe(401);
      expect(JSON.parse(response.body)).toMatchObject({ type: 'urn:auth-api:problem:unauthorized', status: 401 });
    },
  );

  it('sends null query strings and path parameters when there are none, and the body as a string', async () => {
    const body = JSON.stringify({ name: 'Ada' });

    const response = await f.call('/echo', { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });

    const { event } = (await response.json()) as Echo;
    expect(event).toMatchObject({
      httpMethod: 'POST',
      body,
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: null,
    });
    expect(event.requestContext.authorizer).toBeNull();
  });

  it('gives the handler a Lambda context: its own request id, the function name and the time left before its timeout', async () => {
    const response = await f.call('/echo');

    const { context, event } = (await response.json()) as Echo;
    expect(context.functionName).toBe('echo');
    expect(context.awsRequestId).toMatch(UUID);
    expect(context.awsRequestId).not.toBe(event.requestContext.requestId);
    expect(context.remainingMs).toBeGreaterThan(0);
    expect(context.remainingMs).toBeLessThanOrEqual(4000);
  });

  it("runs the function with its own environment and the runtime's dummy credentials, never the gateway's", async () => {
    const response = await f.call('/echo');

    const { env } = (await response.json()) as Echo;
    expect(env).toEqual({
      AWS_LAMBDA_FUNCTION_NAME: 'echo',
      FIXTURE_SETTING: 'set-by-the-gateway',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_ENDPOINT_URL_LAMBDA: f.gateway.lambdaUrl,
    });
  });

  it('sends statusCode, headers and multiValueHeaders, the multi-value list winning for a name in both', async () => {
    const response = await f.call('/responses?shape=merged-headers');

    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(response.headers.get('x-single')).toBe('one');
    expect(response.headers.get('x-both')).toBe('first, second');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.text()).toBe('created');
  });

  it('accepts the status code as a numeric string, as API Gateway does', async () => {
    const response = await f.call('/responses?shape=string-status');

    expect(response.status).toBe(202);
    expect(await response.text()).toBe('status as text');
  });

  it('defaults the content type to application/json and an absent body to empty', async () => {
    const response = await f.call('/responses?shape=no-body');

    expect(response.status).toBe(204);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe('');
  });

  it('passes a base64 body through as text, since the API declares no binary media types', async () => {
    const response = await f.call('/responses?shape=base64');

    expect(await response.text()).toBe(Buffer.from('hello').toString('base64'));
  });

  it.each([
    ['non-string-body', 'body is an object, not a string'],
    ['missing-status', 'statusCode is missing'],
    ['word-status', 'statusCode "OK" is not an HTTP status'],
    ['not-object', 'not an object'],
    ['nothing', 'returned null'],
    ['extra-field', 'unexpected field cookies'],
    ['bad-header', 'header X-Broken has a value with control characters'],
  ])('answers a 502 problem to a malformed response (%s)', async (shape, reason) => {
    const response = await f.call(`/responses?shape=${shape}`);

    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject(BAD_GATEWAY);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(f.lastRecord('/responses').gatewayError?.reason).toContain(reason);
  });

  it('answers 502 when the handler throws, showing the client nothing of the error', async () => {
    const response = await f.call('/throws');

    expect(response.status).toBe(502);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ ...BAD_GATEWAY, requestId: response.headers.get('x-amzn-requestid') });
    expect(text).not.toContain('hunter2');
    expect(f.lastRecord('/throws').gatewayError?.reason).toBe('TypeError: cannot read the database password hunter2');
  });

  it('answers 502 when the function fails to load, and retries the init with a fresh instance on the next call', async () => {
    const first = await f.call('/broken');
    const second = await f.call('/broken');

    expect([first.status, second.status]).toEqual([502, 502]);
    const records = f.records.filter((r) => r.path === '/broken');
    expect(records.map((r) => r.coldStart)).toEqual([true, true]);
    expect(records[0]!.gatewayError?.reason).toContain('JWT_PUBLIC_KEYS is not set');
    expect(records[0]!.logs.some((l) => l.text.includes('Init Error'))).toBe(true);
  });
});

describe('Lambda instances', () => {
  let f: FixtureGateway | undefined;
  afterEach(async () => {
    await f?.gateway.close();
    f = undefined;
  });

  const slow = async (fx: FixtureGateway, ms = 0) => {
    const response = await fx.call(`/slow?ms=${ms}`);
    return {
      status: response.status,
      body: response.status === 200 ? ((await response.json()) as { invocations: number; pid: number }) : undefined,
    };
  };

  it('starts cold once, then reuses the warm instance and its module state', async () => {
    f = await startFixtureGateway();

    const first = await slow(f);
    const second = await slow(f);

    expect(first.body?.invocations).toBe(1);
    expect(second.body?.invocations).toBe(2);
    expect(second.body?.pid).toBe(first.body?.pid);
    expect(f.records.map((r) => r.coldStart)).toEqual([true, false]);
    expect(f.records[0]!.initDurationMs).toBeGreaterThanOrEqual(0);
  });

  it('gives every function its own instance, even when two share a module', async () => {
    f = await startFixtureGateway();

    const echo = (await (await f.call('/echo')).json()) as Echo;
    const submit = (await (await f.call('/echo', { method: 'POST', body: '{}' })).json()) as Echo;

    expect(submit.pid).not.toBe(echo.pid);
    expect([echo.invocations, submit.invocations]).toEqual([1, 1]);
  });

  it('runs one invocation at a time in an instance, the next one waiting its turn', async () => {
    f = await startFixtureGateway({ maxInstances: 1 });

    const [a, b] = await Promise.all([slow(f, 200), slow(f, 200)]);

    expect(a.body?.pid).toBe(b.body?.pid);
    expect([a.body?.invocations, b.body?.invocations].sort()).toEqual([1, 2]);
  });

  it('starts another instance when more are allowed and all are busy', async () => {
    f = await startFixtureGateway({ maxInstances: 2 });

    // Long enough that the first call is still running when the second arrives, even on a busy machine.
    const [a, b] = await Promise.all([slow(f, 1000), slow(f, 1000)]);

    expect(a.body?.pid).not.toBe(b.body?.pid);
    expect(f.records.map((r) => r.coldStart)).toEqual([true, true]);
  });

  it('stops a function past its timeout with a 502, as Lambda reports a timeout as a function error, and starts cold next time', async () => {
    f = await startFixtureGateway({ timeoutsMs: { slow: 400 } });
    const warm = await slow(f);

    const timedOut = await f.call('/slow?ms=20000');
    const after = await slow(f);

    expect(timedOut.status).toBe(502);
    expect(await timedOut.json()).toMatchObject(BAD_GATEWAY);
    expect(f.records[1]!.gatewayError?.reason).toBe('Sandbox.Timedout: Task timed out after 0.40 seconds');
    expect(f.records[1]!.logs.some((l) => l.text.includes('Task timed out after 0.40 seconds'))).toBe(true);
    expect(after.body?.invocations).toBe(1);
    expect(after.body?.pid).not.toBe(warm.body?.pid);
    expect(f.records[2]!.coldStart).toBe(true);
    expect(() => process.kill(warm.body!.pid, 0)).toThrow();
  });

  it("answers 504 when the integration's timeout passes first, while the function runs on in its instance", async () => {
    f = await startFixtureGateway({
      timeoutsMs: { slow: 10_000 },
      patch: (definition) => {
        const paths = definition.paths as Record<
          string,
          Record<string, { 'x-amazon-apigateway-integration': { timeoutInMillis: number } }>
        >;
        paths['/slow']!.get!['x-amazon-apigateway-integration'].timeoutInMillis = 300;
      },
    });
    const warm = await slow(f);

    const response = await f.call('/slow?ms=1500');
    // The function's own logs tell when it finished; they arrive after the 504, outside any request.
    while (!f.strayLines.some((line) => line.text.includes('"ms":1500')))
      await new Promise((resolve) => setTimeout(resolve, 20));
    const next = await slow(f);

    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({
      type: 'urn:auth-api:problem:timeout',
      status: 504,
      requestId: response.headers.get('x-amzn-requestid'),
    });
    expect(f.records[1]!.gatewayError).toEqual({
      type: 'INTEGRATION_TIMEOUT',
      reason: 'no response within the integration timeout of 300 ms',
    });
    // The same instance finished the slow call before taking the next one.
    expect(next.body).toEqual(expect.objectContaining({ invocations: 3, pid: warm.body?.pid }));
  });

  it('answers 502 and names the module when a bundle is missing', async () => {
    f = await startFixtureGateway({ entries: { echo: '/nowhere/index.js' } });

    const response = await f.call('/echo');

    expect(response.status).toBe(502);
    expect(f.lastRecord('/echo').gatewayError?.reason).toMatch(
      /^Runtime.ImportModuleError: Error: Cannot find module '\/nowhere\/index.js'/,
    );
  });

  it('ends the instance when an error escapes the handler, and the next call starts cold', async () => {
    f = await startFixtureGateway();
    await f.call('/crash');

    const crashed = await f.call('/crash?crash=yes');
    const after = await f.call('/crash');

    expect(crashed.status).toBe(502);
    expect(f.records[1]!.gatewayError?.reason).toBe('Error: escaped the handler');
    expect(((await after.json()) as { invocations: number }).invocations).toBe(1);
    expect(f.records[2]!.coldStart).toBe(true);
  });
});
