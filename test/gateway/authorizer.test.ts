import type { FixtureGateway } from './support';
import { startFixtureGateway, token } from './support';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string | null;
  requestId: string;
}

const get = (f: FixtureGateway, path: string, authorization?: string) =>
  f.call(path, authorization === undefined ? {} : { headers: { Authorization: authorization } });

describe('the TOKEN authorizer', () => {
  let f: FixtureGateway;
  beforeAll(async () => {
    f = await startFixtureGateway({ ttlSeconds: 300 });
  });
  afterAll(() => f.gateway.close());

  it('answers 401 without invoking the authorizer when the header is missing', async () => {
    const response = await get(f, '/private');

    expect(response.status).toBe(401);
    const problem = (await response.json()) as Problem;
    expect(problem).toEqual({
      type: 'urn:auth-api:problem:unauthorized',
      title: 'Unauthorized',
      status: 401,
      detail: 'A valid access token is required',
      requestId: response.headers.get('x-amzn-requestid'),
    });
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(f.lastRecord('/private').authorizer).toMatchObject({
      invoked: false,
      cached: false,
      result: 'unauthorized',
    });
  });

  it.each([
    ['Basic dXNlcjpwYXNz'],
    ['Bearer not-a-jwt'],
    ['Bearer allow.x.y extra'],
    ['Bearer\tallow.x.y'],
    ['Bearer'],
    ['Bearers allow.x.y'],
  ])('answers 401 without invoking the authorizer when %j fails the identity validation expression', async (header) => {
    const response = await get(f, '/private', header);

    expect(response.status).toBe(401);
    expect(f.lastRecord('/private').authorizer).toMatchObject({ invoked: false, result: 'unauthorized' });
  });

  it('lets the request through on an Allow, passing principalId and the context values as strings', async () => {
    const response = await get(f, '/private', token('allow', 'context'));

    expect(response.status).toBe(200);
    const { event } = (await response.json()) as { event: { requestContext: { authorizer: Record<string, unknown> } } };
    expect(event.requestContext.authorizer).toEqual({
      principalId: 'user-1',
      userId: 'user-1',
      admin: 'false',
      level: '3',
      integrationLatency: expect.any(Number),
    });
    expect(f.lastRecord('/private').authorizer).toMatchObject({ invoked: true, cached: false, result: 'allowed' });
  });

  it.each([
    ['bearer allow.lower.sig'],
    ['BEARER allow.upper.sig'],
    ['BeArEr allow.mixed.sig'],
    ['Bearer  allow.two-spaces.sig'],
  ])(
    'passes %j to the authorizer: the scheme is case-insensitive and may be followed by several spaces',
    async (header) => {
      const response = await get(f, '/private', header);

      expect(response.status).toBe(200);
      expect(f.lastRecord('/private').authorizer).toMatchObject({ invoked: true, result: 'allowed' });
    },
  );

  it('accepts the bare token as well as the Bearer form', async () => {
    const response = await get(f, '/private', 'allow.bare.signature');

    expect(response.status).toBe(200);
  });

  it('matches * wildcards in the Resource and execute-api:* in the Action', async () => {
    const everything = await get(f, '/private', token('allowall'));
    const getOnly = await get(f, '/items/42', token('allowget'));

    expect([everything.status, getOnly.status]).toEqual([200, 200]);
  });

  it('accepts a single Statement object and a lowercase Effect', async () => {
    const response = await get(f, '/private', token('lenient'));

    expect(response.status).toBe(200);
  });

  it.each([
    ['deny', 'an explicit Deny', 'the policy denies'],
    ['denyallow', 'a Deny next to a broader Allow', 'the policy denies'],
    ['allowother', 'an Allow for another path only', 'no statement allows'],
    ['otheraction', 'an Allow for another action only', 'no statement allows'],
  ])('answers 403 to %s (%s)', async (mode, _what, reason) => {
    const response = await get(f, '/private', token(mode));

    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({
      type: 'urn:auth-api:problem:forbidden',
      status: 403,
      detail: 'The access token does not allow this request',
    });
    expect(response.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    expect(f.lastRecord('/private').authorizer).toMatchObject({ result: 'denied' });
    expect(f.lastRecord('/private').authorizer?.reason).toContain(reason);
  });

  it('answers 401 when the authorizer throws exactly "Unauthorized"', async () => {
    const response = await get(f, '/private', token('unauthorized'));

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ type: 'urn:auth-api:problem:unauthorized', status: 401 });
    expect(f.lastRecord('/private').authorizer).toMatchObject({ invoked: true, result: 'unauthorized' });
  });

  it.each([
    ['throws another error', 'throws', 'the authorizer failed: Error: signing key unavailable'],
    ['returns no policy', 'nopolicy', 'invalid authorizer response: policyDocument is missing'],
    [
      'puts an array in the context',
      'badcontext',
      'invalid authorizer response: context.roles is an array; only strings, numbers and booleans are allowed',
    ],
  ])('answers 500 when the authorizer %s', async (_what, mode, reason) => {
    const response = await get(f, '/private', token(mode));

    expect(response.status).toBe(500);
    const text = await response.text();
    const requestId = response.headers.get('x-amzn-requestid');
    expect(JSON.parse(text)).toEqual({
      type: 'urn:auth-api:problem:internal',
      title: 'Internal error',
      status: 500,
      detail: `Internal error (request id: ${requestId})`,
      requestId,
    });
    expect(text).not.toContain('signing key');
    expect(response.headers.get('x-amzn-errortype')).toBe('AuthorizerConfigurationException');
    expect(f.lastRecord('/private').authorizer).toMatchObject({ result: 'error', reason });
  });

  it('answers unguarded operations without the authorizer, whatever the header says', async () => {
    const response = await get(f, '/echo', 'Bearer garbage');

    expect(response.status).toBe(200);
    expect(f.lastRecord('/echo').authorizer).toBeUndefined();
  });
});

describe('the authorizer cache', () => {
  let f: FixtureGateway | undefined;
  afterEach(async () => {
    await f?.gateway.close();
    f = undefined;
  });

  const invocationsSeen = async (response: Response) =>
    ((await response.json()) as { event: { requestContext: { authorizer: { invocations: string } } } }).event
      .requestContext.authorizer.invocations;

  it('invokes the authorizer once per token within the TTL and again after it', async () => {
    f = await startFixtureGateway({ ttlSeconds: 300 });
    const header = token('count', 'ttl');

    const first = await get(f, '/private', header);
    f.clock.advance(299_000);
    const second = await get(f, '/private', header);
    f.clock.advance(2_000);
    const third = await get(f, '/private', header);

    expect([await invocationsSeen(first), await invocationsSeen(second), await invocationsSeen(third)]).toEqual([
      '1',
      '1',
      '2',
    ]);
    expect(f.records.map((r) => [r.authorizer?.invoked, r.authorizer?.cached])).toEqual([
      [true, false],
      [false, true],
      [true, false],
    ]);
  });

  it('caches per token value: another token is another authorizer call', async () => {
    f = await startFixtureGateway({ ttlSeconds: 300 });

    await get(f, '/private', token('count', 'one'));
    const other = await get(f, '/private', token('count', 'two'));

    expect(await invocationsSeen(other)).toBe('2');
  });

  it('evaluates the cached policy against each request, so a token allowed on one path may be denied on another', async () => {
    f = await startFixtureGateway({ ttlSeconds: 300 });
    const header = token('allow', 'per-path');

    const allowed = await get(f, '/private', header);
    const denied = await get(f, '/items/7', header);

    expect([allowed.status, denied.status]).toEqual([200, 403]);
    expect(f.records[1]!.authorizer).toMatchObject({ invoked: false, cached: true, result: 'denied' });
  });

  it('invokes the authorizer on every request when the TTL is 0', async () => {
    f = await startFixtureGateway({ ttlSeconds: 0 });
    const header = token('count', 'no-cache');

    await get(f, '/private', header);
    const second = await get(f, '/private', header);

    expect(await invocationsSeen(second)).toBe('2');
  });

  it('does not cache an Unauthorized answer', async () => {
    f = await startFixtureGateway({ ttlSeconds: 300 });
    const header = token('unauthorized', 'retry');

    await get(f, '/private', header);
    await get(f, '/private', header);

    expect(f.records.map((r) => r.authorizer?.invoked)).toEqual([true, true]);
  });

  it('forgets cached results when the authorizer is reloaded', async () => {
    f = await startFixtureGateway({ ttlSeconds: 300 });
    const header = token('count', 'reload');
    await get(f, '/private', header);

    f.gateway.reloadFunctions(['authorizer']);
    const after = await get(f, '/private', header);

    // A fresh instance with fresh module state ran: its count starts again at 1.
    expect(await invocationsSeen(after)).toBe('1');
    expect(f.records[1]!.authorizer).toMatchObject({ invoked: true, cached: false, coldStart: true });
  });
});
