import '../support/lambda-environment';
import type * as AuthorizerModule from '../../functions/authorizer/handler';
import type { HttpHandler } from '../../functions/shared/http-handler';
import { databaseUri, dropDatabase, uniqueDatabaseName } from '../support/database';
import { configureFunctions, restoreEnvAfterEach, setEnv } from '../support/env';
import { lambdaContext, proxyEvent, tokenAuthorizerEvent } from '../support/events';
import { invokeHttp } from '../support/invoke';
import { CURRENT_KEY, UNKNOWN_KEY } from '../support/keys';
import { captureOutput, requestLines } from '../support/output';

/**
 * A wrong configuration answers 500 "internal error" with the request id, logs the variable to
 * fix, and is read again on the next invocation, so fixing it needs no new instance. Each test
 * loads the functions afresh, as a new Lambda instance would, since a configuration that was read
 * successfully is kept for the instance's life.
 */
const DATABASE = databaseUri(uniqueDatabaseName('config_errors'));
const output = captureOutput();
restoreEnvAfterEach();

interface Instance {
  register: HttpHandler;
  listUsers: HttpHandler;
  authorizer: typeof AuthorizerModule.handler;
  closeDatabase: () => Promise<void>;
}

let instance: Instance | undefined;

/** The functions as a new Lambda instance loads them, with the configuration the test has set. */
async function newInstance(): Promise<Instance> {
  await jest.isolateModulesAsync(async () => {
    instance = {
      register: (await import('../../functions/register/handler')).handler,
      listUsers: (await import('../../functions/listUsers/handler')).handler,
      authorizer: (await import('../../functions/authorizer/handler')).handler,
      closeDatabase: (await import('../../functions/shared/db')).closeDatabase,
    };
  });
  if (instance === undefined) throw new Error('the functions did not load');
  return instance;
}

let serial = 0;
async function register(options?: Parameters<typeof invokeHttp>[3]) {
  serial += 1;
  const body = { name: 'Ada', email: `ada${serial}@example.com`, password: 'correct-horse-battery-staple' };
  const { register: handler } = instance ?? (await newInstance());
  return invokeHttp(
    'register',
    handler,
    proxyEvent({ path: '/register', body, requestId: `c0ffee00-0000-4000-8000-${String(serial).padStart(12, '0')}` }),
    options,
  );
}

function configurationErrorLine() {
  return output.logs().find((line) => line.message === 'configuration error');
}

beforeEach(() => configureFunctions(DATABASE));

afterEach(async () => {
  await instance?.closeDatabase();
  instance = undefined;
});

afterAll(async () => {
  await dropDatabase(DATABASE);
});

describe('configuration errors', () => {
  it.each([
    ['JWT_PUBLIC_KEYS', { JWT_PUBLIC_KEYS: undefined }, 'JWT_PUBLIC_KEYS is required'],
    [
      'JWT_SIGNING_KMS_KEY',
      { JWT_SIGNING_PRIVATE_KEY: undefined },
      'JWT_SIGNING_KMS_KEY is required (or, outside AWS, JWT_SIGNING_PRIVATE_KEY)',
    ],
    [
      'JWT_SIGNING_KEY_ID',
      { JWT_SIGNING_KEY_ID: 'retired' },
      'JWT_SIGNING_KEY_ID "retired" is not a key id of JWT_PUBLIC_KEYS',
    ],
    ['JWT_ISSUER', { JWT_ISSUER: undefined }, 'JWT_ISSUER is required'],
    [
      'ACCESS_TOKEN_TTL',
      { ACCESS_TOKEN_TTL: '1h' },
      'ACCESS_TOKEN_TTL must be a whole number from 60 to 86400, got "1h"',
    ],
    ['BCRYPT_COST', { BCRYPT_COST: '3' }, 'BCRYPT_COST must be a whole number from 4 to 20, got "3"'],
    [
      'MONGODB_URI',
      { MONGODB_URI: 'postgres://db.internal/users' },
      'MONGODB_URI must be a mongodb:// or mongodb+srv:// connection string',
    ],
  ])('answers 500 with only the request id, and logs %s', async (variable, env, message) => {
    setEnv(env);

    const { response, body } = await register();

    expect(response.statusCode).toBe(500);
    expect(body).toEqual({
      type: 'urn:auth-api:problem:internal',
      title: 'Internal error',
      status: 500,
      detail: `Internal error (request id: ${body.requestId as string})`,
      requestId: body.requestId,
    });
    expect(response.body).not.toContain(variable);
    const line = configurationErrorLine();
    expect(line).toMatchObject({ level: 'ERROR', variable, correlation_id: body.requestId });
    expect(line?.error).toMatchObject({ name: 'ConfigError', message });
    expect(requestLines(output)[0]).toMatchObject({ status: 500, outcome: 'config_error', variable });
  });

  it('never puts a secret value in the log', async () => {
    setEnv({ JWT_SIGNING_PRIVATE_KEY: UNKNOWN_KEY.privatePem, MONGODB_URI: 'http://user:p4ssw0rd@db.internal' });

    await register();
    setEnv({ JWT_SIGNING_PRIVATE_KEY: CURRENT_KEY.privatePem });
    await register();

    expect(output.text()).not.toContain(UNKNOWN_KEY.privatePem.split('\n')[1]);
    expect(output.text()).not.toContain('p4ssw0rd');
  });

  it('answers 500 without any CORS origin when CORS_ALLOW_ORIGIN is invalid', async () => {
    setEnv({ CORS_ALLOW_ORIGIN: 'https://a.example.com, https://b.example.com' });

    const { response, headers } = await register({ absentHeaders: ['Access-Control-Allow-Origin'] });

    expect(response.statusCode).toBe(500);
    expect(headers).not.toHaveProperty('Access-Control-Allow-Origin');
    expect(configurationErrorLine()).toMatchObject({ variable: 'CORS_ALLOW_ORIGIN' });
  });

  it('refuses a secret given both directly and as an SSM parameter', async () => {
    setEnv({ MONGODB_URI_PARAMETER: '/auth-api/test/mongodb-uri' });

    const { response } = await register();

    expect(response.statusCode).toBe(500);
    expect(configurationErrorLine()?.error).toMatchObject({
      message: 'MONGODB_URI and MONGODB_URI_PARAMETER are both set; set only one',
    });
  });

  it('refuses a signing key given both in KMS and locally', async () => {
    setEnv({ JWT_SIGNING_KMS_KEY: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' });

    const { response } = await register();

    expect(response.statusCode).toBe(500);
    expect(configurationErrorLine()?.error).toMatchObject({
      message: 'JWT_SIGNING_KMS_KEY and JWT_SIGNING_PRIVATE_KEY are both set; set only one',
    });
  });

  it('reads the configuration again on the next invocation once it is fixed', async () => {
    setEnv({ JWT_SIGNING_PRIVATE_KEY: undefined });
    expect((await register()).response.statusCode).toBe(500);

    configureFunctions(DATABASE);

    expect((await register()).response.statusCode).toBe(201);
  });

  it('makes the authorizer fail with an error other than Unauthorized', async () => {
    setEnv({ JWT_AUDIENCE: undefined });

    const { authorizer } = await newInstance();

    const failure = authorizer(tokenAuthorizerEvent('Bearer x.y.z'), lambdaContext('auth-api-authorizer'));

    await expect(failure).rejects.toThrow(/^Authorizer failed \(request id: /);
    expect(configurationErrorLine()).toMatchObject({ variable: 'JWT_AUDIENCE' });
  });
});

describe('an invalid LOG_LEVEL', () => {
  it('answers 500 naming LOG_LEVEL on every invocation instead of running with a guessed level', async () => {
    setEnv({ LOG_LEVEL: 'verbose' });
    const { listUsers: handler } = await newInstance();

    const first = await invokeHttp('listUsers', handler, proxyEvent({ path: '/users' }));
    const second = await invokeHttp('listUsers', handler, proxyEvent({ path: '/users' }));

    expect([first.response.statusCode, second.response.statusCode]).toEqual([500, 500]);
    expect(configurationErrorLine()).toMatchObject({ variable: 'LOG_LEVEL' });
    expect(configurationErrorLine()?.error).toMatchObject({
      message: 'LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT, got "verbose"',
    });
  });
});
