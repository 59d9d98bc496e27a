import '../support/lambda-environment';
import type * as AuthorizerModule from '../../functions/authorizer/handler';
import type { HttpHandler } from '../../functions/shared/http-handler';
import { listOperations, loadContract } from '../../scripts/contract/load';
import { useFunctionDatabase } from '../support/function-database';
import { configureFunctions, restoreEnvAfterEach, setEnv, TEST_ISSUER } from '../support/env';
import { lambdaContext, proxyEvent, tokenAuthorizerEvent } from '../support/events';
import { invokeHttp } from '../support/invoke';
import type { TestKey } from '../support/keys';
import { CURRENT_KEY, PREVIOUS_KEY, signingVariables } from '../support/keys';
import { captureOutput } from '../support/output';

const database = useFunctionDatabase('signing_keys');
captureOutput();
restoreEnvAfterEach();

const pathOf = (operationId: string) =>
  listOperations(loadContract()).find((op) => op.operationId === operationId)!.path;

interface Instance {
  register: HttpHandler;
  login: HttpHandler;
  getJwks: HttpHandler;
  getOpenIdConfiguration: HttpHandler;
  authorizer: typeof AuthorizerModule.handler;
  closeDatabase: () => Promise<void>;
}

/** The functions as new Lambda instances load them after a deployment with these key generations (the last signs). */
async function deployedWith(...generations: TestKey[]): Promise<Instance> {
  configureFunctions(database.uri, signingVariables(generations.at(-1)!, generations));
  let instance: Instance | undefined;
  await jest.isolateModulesAsync(async () => {
    instance = {
      register: (await import('../../functions/register/handler')).handler,
      login: (await import('../../functions/login/handler')).handler,
      getJwks: (await import('../../functions/getJwks/handler')).handler,
      getOpenIdConfiguration: (await import('../../functions/getOpenIdConfiguration/handler')).handler,
      authorizer: (await import('../../functions/authorizer/handler')).handler,
      closeDatabase: (await import('../../functions/shared/db')).closeDatabase,
    };
  });
  return instance!;
}

let instance: Instance | undefined;
afterEach(async () => {
  await instance?.closeDatabase();
  instance = undefined;
});

async function keyIds(functions: Instance): Promise<string[]> {
  const { body } = await invokeHttp(
    'getJwks',
    functions.getJwks,
    proxyEvent({ method: 'GET', path: pathOf('getJwks') }),
  );
  return (body.keys as Array<{ kid: string }>).map((key) => key.kid);
}

const allows = (functions: Instance, token: string) =>
  functions.authorizer(tokenAuthorizerEvent(`Bearer ${token}`), lambdaContext('auth-api-authorizer')).then(
    () => true,
    (error: Error) => (error.message === 'Unauthorized' ? false : Promise.reject(error)),
  );

describe('GET /.well-known/jwks.json', () => {
  it('publishes the public key of every live generation as a JWKS that anyone may cache for 5 minutes', async () => {
    instance = await deployedWith(PREVIOUS_KEY, CURRENT_KEY);

    const { response, body, headers } = await invokeHttp(
      'getJwks',
      instance.getJwks,
      proxyEvent({ method: 'GET', path: pathOf('getJwks') }),
    );

    expect(response.statusCode).toBe(200);
    expect(headers['Cache-Control']).toBe('public, max-age=300');
    expect(body).toEqual({
      keys: [
        { ...PREVIOUS_KEY.publicKey.export({ format: 'jwk' }), kid: 'test-1', alg: 'ES256', use: 'sig' },
        { ...CURRENT_KEY.publicKey.export({ format: 'jwk' }), kid: 'test-2', alg: 'ES256', use: 'sig' },
      ],
    });
    expect(JSON.stringify(body)).not.toMatch(/"d"/);
  });

  it('answers a configuration error with a problem that no one caches', async () => {
    instance = await deployedWith(CURRENT_KEY);
    setEnv({ JWT_PUBLIC_KEYS: '{}' });

    const { response, headers } = await invokeHttp(
      'getJwks',
      instance.getJwks,
      proxyEvent({ method: 'GET', path: pathOf('getJwks') }),
    );

    expect(response.statusCode).toBe(500);
    expect(headers['Cache-Control']).toBe('no-store');
  });
});

describe('GET /.well-known/openid-configuration', () => {
  it('names the issuer, the JWKS under it and ES256, and may be cached for an hour', async () => {
    instance = await deployedWith(CURRENT_KEY);

    const { response, body, headers } = await invokeHttp(
      'getOpenIdConfiguration',
      instance.getOpenIdConfiguration,
      proxyEvent({ method: 'GET', path: pathOf('getOpenIdConfiguration') }),
    );

    expect(response.statusCode).toBe(200);
    expect(headers['Cache-Control']).toBe('public, max-age=3600');
    expect(pathOf('getOpenIdConfiguration')).toBe('/.well-known/openid-configuration');
    expect(body).toEqual({
      issuer: TEST_ISSUER,
      jwks_uri: `${TEST_ISSUER}${pathOf('getJwks')}`,
      id_token_signing_alg_values_supported: ['ES256'],
      subject_types_supported: ['public'],
      claims_supported: ['sub', 'sid', 'iat', 'exp', 'iss', 'aud', 'jti'],
    });
  });
});

describe('key rotation', () => {
  it('keeps tokens of the previous generation working until it is removed, then refuses them, and publishes exactly the live keys', async () => {
    const ada = { name: 'Ada Lovelace', email: 'ada@example.com', password: 'correct-horse-battery-staple' };
    const tokenOf = (call: { body: Record<string, unknown> }) => call.body.token as string;
    const kidOf = (token: string) =>
      (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;

    // Before: one generation.
    instance = await deployedWith(PREVIOUS_KEY);
    const old = tokenOf(await invokeHttp('register', instance.register, proxyEvent({ path: '/register', body: ada })));
    expect(kidOf(old)).toBe('test-1');
    await instance.closeDatabase();

    // Step 1: add a generation and apply. New tokens use it; old ones still verify.
    instance = await deployedWith(PREVIOUS_KEY, CURRENT_KEY);
    const fresh = tokenOf(
      await invokeHttp(
        'login',
        instance.login,
        proxyEvent({ path: '/login', body: { email: ada.email, password: ada.password } }),
      ),
    );
    expect(kidOf(fresh)).toBe('test-2');
    expect(await allows(instance, old)).toBe(true);
    expect(await allows(instance, fresh)).toBe(true);
    expect(await keyIds(instance)).toEqual(['test-1', 'test-2']);
    await instance.closeDatabase();

    // Step 2: once every old token has expired, remove the old generation and apply. Its tokens are refused.
    instance = await deployedWith(CURRENT_KEY);
    expect(await allows(instance, old)).toBe(false);
    expect(await allows(instance, fresh)).toBe(true);
    expect(await keyIds(instance)).toEqual(['test-2']);
  });
});
