import '../support/lambda-environment';
import { METRIC_DIMENSIONS, MetricName, SERVICE_DIMENSION } from '../../functions/shared/observability';
import type { MetricValue } from '../../local/dev';
import { databaseUri, dropDatabase, uniqueDatabaseName } from '../support/database';
import { configureFunctions, TEST_AUDIENCE, TEST_ISSUER } from '../support/env';
import { CURRENT_KEY, signWith, UNKNOWN_KEY } from '../support/keys';
import { lambdaContext, proxyEvent, tokenAuthorizerEvent } from '../support/events';
import { captureOutput } from '../support/output';
import type { Instance } from './support';
import { emittedMetrics, newInstance } from './support';

/**
 * What each invocation publishes, read from the EMF records exactly as CloudWatch would: the
 * configured namespace, the metric names of MetricName, and the dimensions of METRIC_DIMENSIONS.
 * One instance for the file, so the first test is its cold start.
 */
const NAMESPACE = 'AuthApiMetricsTest';
const SERVICE = 'auth-api-metrics-test';
const DATABASE = databaseUri(uniqueDatabaseName('observability_metrics'));
const output = captureOutput();
let instance: Instance;

const ada = { name: 'Ada Lovelace', email: 'ada@example.com', password: 'correct-horse-battery-staple' };

const register = (body: unknown) =>
  instance.register(proxyEvent({ path: '/register', body }), lambdaContext('auth-api-register'));
const login = (body: unknown) => instance.login(proxyEvent({ path: '/login', body }), lambdaContext('auth-api-login'));
const authorize = (token: string) =>
  instance.authorizer(tokenAuthorizerEvent(token), lambdaContext('auth-api-authorizer'));

function published(): Array<Pick<MetricValue, 'name' | 'dimensions' | 'value'>> {
  return emittedMetrics(output).map(({ name, dimensions, value }) => ({ name, dimensions, value }));
}

beforeAll(async () => {
  configureFunctions(DATABASE, { POWERTOOLS_METRICS_NAMESPACE: NAMESPACE, POWERTOOLS_SERVICE_NAME: SERVICE });
  instance = await newInstance();
});

afterAll(async () => {
  await instance.closeDatabase();
  await dropDatabase(DATABASE);
});

afterEach(() => {
  // Whatever a test published must be what CloudWatch and the dashboard expect.
  for (const metric of emittedMetrics(output)) {
    expect(metric).toMatchObject({ namespace: NAMESPACE, unit: 'Count' });
    expect(Object.values(MetricName)).toContain(metric.name);
    expect(Object.keys(metric.dimensions).sort()).toEqual(
      [SERVICE_DIMENSION, ...METRIC_DIMENSIONS[metric.name as MetricName]].sort(),
    );
    expect(metric.dimensions[SERVICE_DIMENSION]).toBe(SERVICE);
  }
});

describe('metrics of a cold then a warm invocation', () => {
  it('publishes ColdStart for the function and a new database connection on the first invocation', async () => {
    const response = await register(ada);

    expect(response.statusCode).toBe(201);
    expect(published()).toEqual([
      { name: 'ColdStart', dimensions: { service: SERVICE, function_name: 'auth-api-register' }, value: 1 },
      { name: 'DbConnectionNew', dimensions: { service: SERVICE, function_name: 'auth-api-register' }, value: 1 },
      { name: 'SessionCreated', dimensions: { service: SERVICE }, value: 1 },
      { name: 'RegistrationSucceeded', dimensions: { service: SERVICE }, value: 1 },
    ]);
  });

  it('publishes no ColdStart and a reused connection on the next invocation', async () => {
    const response = await register({ ...ada, email: 'grace@example.com' });

    expect(response.statusCode).toBe(201);
    expect(published()).toEqual([
      { name: 'DbConnectionReused', dimensions: { service: SERVICE, function_name: 'auth-api-register' }, value: 1 },
      { name: 'SessionCreated', dimensions: { service: SERVICE }, value: 1 },
      { name: 'RegistrationSucceeded', dimensions: { service: SERVICE }, value: 1 },
    ]);
  });
});

describe('metrics of each auth outcome', () => {
  it('counts a registration of a taken email', async () => {
    expect((await register(ada)).statusCode).toBe(409);
    expect(published()).toEqual([
      { name: 'DbConnectionReused', dimensions: { service: SERVICE, function_name: 'auth-api-register' }, value: 1 },
      { name: 'RegistrationEmailTaken', dimensions: { service: SERVICE }, value: 1 },
    ]);
  });

  it('counts a registration rejected by validation, without touching the database', async () => {
    expect((await register({ name: 'Ada', email: 'not-an-email', password: 'short' })).statusCode).toBe(400);
    expect(published()).toEqual([{ name: 'RegistrationRejected', dimensions: { service: SERVICE }, value: 1 }]);
  });

  it('counts a successful login', async () => {
    expect((await login({ email: ada.email, password: ada.password })).statusCode).toBe(200);
    expect(published()).toEqual([
      { name: 'DbConnectionReused', dimensions: { service: SERVICE, function_name: 'auth-api-login' }, value: 1 },
      { name: 'LoginSucceeded', dimensions: { service: SERVICE }, value: 1 },
      { name: 'SessionCreated', dimensions: { service: SERVICE }, value: 1 },
    ]);
  });

  it("counts each invocation's connection under the function that made it", async () => {
    await register({ ...ada, email: 'alan@example.com' });
    await login({ email: ada.email, password: ada.password });

    expect(published().filter((metric) => metric.name.startsWith('DbConnection'))).toEqual([
      { name: 'DbConnectionReused', dimensions: { service: SERVICE, function_name: 'auth-api-register' }, value: 1 },
      { name: 'DbConnectionReused', dimensions: { service: SERVICE, function_name: 'auth-api-login' }, value: 1 },
    ]);
  });

  it('counts a wrong password and an unknown email as the same failed login', async () => {
    expect((await login({ email: ada.email, password: 'not-the-password' })).statusCode).toBe(401);
    expect((await login({ email: 'nobody@example.com', password: 'not-the-password' })).statusCode).toBe(401);
    expect(published().filter((metric) => metric.name !== 'DbConnectionReused')).toEqual([
      { name: 'LoginFailed', dimensions: { service: SERVICE }, value: 1 },
      { name: 'LoginFailed', dimensions: { service: SERVICE }, value: 1 },
    ]);
  });

  it('counts a login rejected by validation', async () => {
    expect((await login({ email: ada.email })).statusCode).toBe(400);
    expect(published()).toEqual([{ name: 'LoginRejected', dimensions: { service: SERVICE }, value: 1 }]);
  });

  it('counts a token the authorizer allows', async () => {
    const response = await login({ email: ada.email, password: ada.password });
    const { token } = JSON.parse(response.body) as { token: string };
    output.clear();

    await expect(authorize(`Bearer ${token}`)).resolves.toMatchObject({ context: { userId: expect.any(String) } });
    expect(published()).toEqual([{ name: 'AuthorizerAllowed', dimensions: { service: SERVICE }, value: 1 }]);
  });

  it.each([
    ['missing', ''],
    ['malformed', 'Bearer two parts'],
    [
      'expired',
      `Bearer ${signWith(CURRENT_KEY, {}, { subject: '0123456789abcdef01234567', issuer: TEST_ISSUER, audience: TEST_AUDIENCE, expiresIn: -60 })}`,
    ],
    [
      'bad_signature',
      `Bearer ${signWith({ ...UNKNOWN_KEY, kid: CURRENT_KEY.kid }, {}, { subject: '0123456789abcdef01234567', issuer: TEST_ISSUER, audience: TEST_AUDIENCE })}`,
    ],
    [
      'wrong_audience',
      `Bearer ${signWith(CURRENT_KEY, {}, { subject: '0123456789abcdef01234567', issuer: TEST_ISSUER, audience: 'someone-else' })}`,
    ],
  ])('counts a token the authorizer rejects as %s, by reason', async (reason, authorization) => {
    await expect(authorize(authorization)).rejects.toThrow('Unauthorized');
    expect(published()).toEqual([{ name: 'AuthorizerRejected', dimensions: { service: SERVICE, reason }, value: 1 }]);
  });

  it('counts a handler error by operation and outcome', async () => {
    const notToken = { type: 'REQUEST', methodArn: 'x' } as unknown as Parameters<typeof instance.authorizer>[0];

    await expect(instance.authorizer(notToken, lambdaContext('auth-api-authorizer'))).rejects.toThrow(
      /Authorizer failed/,
    );
    expect(published()).toEqual([
      {
        name: 'HandlerError',
        dimensions: { service: SERVICE, operation: 'authorizer', outcome: 'integration_error' },
        value: 1,
      },
    ]);
  });
});
