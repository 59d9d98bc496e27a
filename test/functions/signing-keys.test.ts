import '../support/lambda-environment';
import type * as AuthorizerModule from '../../functions/authorizer/handler';
import type { HttpHandler } from '../../functions/shared/http-handler';
import { listOperations, loadContract } from '../../scripts/contract/load';
import { useFunctionDatabase } from '../support/function-database';
import { configureFunctions, restoreEnvAfterEach, TEST_ISSUER } from '../support/env';
import { lambdaContext, proxyEvent, tokenAuthorizerEvent } from '../support/events';
import { invokeHttp } from '../support/invoke';
import type { TestKey } from '../support/keys';
import { CURRENT_KEY, PREVIOUS_KEY, publicKeysVariable, signingVariables, signWith } from '../support/keys';
import { captureOutput } from '../support/output';

const database = useFunctionDatabase('signing_keys');
captureOutput();
restoreEnvAfterEach();

const pathOf = (operationId: string) =>
  listOperations(loadContract()).find((op) => op.operationId === operationId)!.path;

/** The key settings of a deployment, as Terraform has them: the published generations, and the one that signs. */
interface KeySettings {
  published: TestKey[];
  signing: TestKey;
}

/** What issues tokens: register, login and refreshToken get the public keys and the signing key. */
interface Issuers {
  register: HttpHandler;
  login: HttpHandler;
  closeDatabase: () => Promise<void>;
}

/** What verifies or publishes tokens: the public keys only. */
interface Verifiers {
  authorizer: typeof AuthorizerModule.handler;
  getJwks: HttpHandler;
  getOpenIdConfiguration: HttpHandler;
}

type Deployment = Issuers & Verifiers;

const openDatabases: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of openDatabases.splice(0)) await close();
});

/**
 * Modules loaded afresh with these variables, as a new Lambda instance loads them. Unless told
 * otherwise, the instance has read its configuration already (a Lambda instance reads it on its
 * first invocation and keeps it), so it keeps working with it whatever a later deployment sets.
 */
async function instanceWith<T>(
  variables: Record<string, string | undefined>,
  load: () => Promise<T>,
  { started = true } = {},
): Promise<T> {
  configureFunctions(database.uri, variables);
  let loaded: T | undefined;
  await jest.isolateModulesAsync(async () => {
    loaded = await load();
    if (started) {
      const config = await import('../../functions/shared/config');
      config.tokenConfig();
      if (variables.JWT_SIGNING_KEY_ID !== undefined) config.signingConfig();
    }
  });
  return loaded!;
}

/**
 * The functions as new Lambda instances load them after a deployment with these key settings,
 * configured as infra/keys.tf configures them: the issuers sign with `signing` and hold the public
 * key of every published generation, the verifiers hold the public keys and nothing else.
 */
async function deployedWith(keys: KeySettings): Promise<Deployment> {
  const issuers = await instanceWith(signingVariables(keys.signing, keys.published), async () => ({
    register: (await import('../../functions/register/handler')).handler,
    login: (await import('../../functions/login/handler')).handler,
    closeDatabase: (await import('../../functions/shared/db')).closeDatabase,
  }));
  openDatabases.push(issuers.closeDatabase);
  const verifiers = await instanceWith(verifierVariables(keys.published), async () => ({
    authorizer: (await import('../../functions/authorizer/handler')).handler,
    getJwks: (await import('../../functions/getJwks/handler')).handler,
    getOpenIdConfiguration: (await import('../../functions/getOpenIdConfiguration/handler')).handler,
  }));
  return { ...issuers, ...verifiers };
}

const verifierVariables = (published: TestKey[]) => ({
  JWT_PUBLIC_KEYS: publicKeysVariable(...published),
  JWT_SIGNING_KEY_ID: undefined,
  JWT_SIGNING_PRIVATE_KEY: undefined,
});

async function keyIds(functions: Verifiers): Promise<string[]> {
  const { body } = await invokeHttp(
    'getJwks',
    functions.getJwks,
    proxyEvent({ method: 'GET', path: pathOf('getJwks') }),
  );
  return (body.keys as Array<{ kid: string }>).map((key) => key.kid);
}

const allows = (functions: Verifiers, token: string) =>
  functions.authorizer(tokenAuthorizerEvent(`Bearer ${token}`), lambdaContext('auth-api-authorizer')).then(
    () => true,
    (error: Error) => (error.message === 'Unauthorized' ? false : Promise.reject(error)),
  );

describe('GET /.well-known/jwks.json', () => {
  it('publishes the public key of every live generation as a JWKS that anyone may cache for 5 minutes', async () => {
    const instance = await deployedWith({ published: [PREVIOUS_KEY, CURRENT_KEY], signing: CURRENT_KEY });

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
    const getJwks = await instanceWith(
      { ...verifierVariables([CURRENT_KEY]), JWT_PUBLIC_KEYS: '{}' },
      async () => (await import('../../functions/getJwks/handler')).handler,
      { started: false },
    );

    const { response, headers } = await invokeHttp(
      'getJwks',
      getJwks,
      proxyEvent({ method: 'GET', path: pathOf('getJwks') }),
    );

    expect(response.statusCode).toBe(500);
    expect(headers['Cache-Control']).toBe('no-store');
  });
});

describe('GET /.well-known/openid-configuration', () => {
  it('names the issuer, the JWKS under it and ES256, and may be cached for an hour', async () => {
    const instance = await deployedWith({ published: [CURRENT_KEY], signing: CURRENT_KEY });

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
  const ada = { name: 'Ada Lovelace', email: 'ada@example.com', password: 'correct-horse-battery-staple' };
  const signIn = async (issuers: Issuers) =>
    (
      await invokeHttp(
        'login',
        issuers.login,
        proxyEvent({ path: '/login', body: { email: ada.email, password: ada.password } }),
      )
    ).body.token as string;
  const part = (token: string, index: number) =>
    JSON.parse(Buffer.from(token.split('.')[index]!, 'base64url').toString()) as Record<string, unknown>;
  const kidOf = (token: string) => part(token, 0).kid;
  const claimsOf = (token: string) => part(token, 1);

  // Each step is one apply of the runbook (README.md). While an apply is in progress, functions of
  // the step before and of the new step run side by side in any mix: Terraform updates them in
  // parallel, and each keeps its configuration until its own update is done.
  it('publishes a new key before anything signs with it and retires the old one only after nothing does, so no valid token is refused', async () => {
    const before = await deployedWith({ published: [PREVIOUS_KEY], signing: PREVIOUS_KEY });
    const old = (await invokeHttp('register', before.register, proxyEvent({ path: '/register', body: ada }))).body
      .token as string;
    expect(kidOf(old)).toBe('test-1');

    // Step 1, publish: the new key is in every verifier and the JWKS; tokens are still signed by the old key.
    const published = await deployedWith({ published: [PREVIOUS_KEY, CURRENT_KEY], signing: PREVIOUS_KEY });
    const stillOld = await signIn(published);
    expect(kidOf(stillOld)).toBe('test-1');
    for (const verifiers of [before, published]) {
      expect(await allows(verifiers, old)).toBe(true);
      expect(await allows(verifiers, stillOld)).toBe(true);
    }
    // A token of the new key already verifies here, though nothing issues one yet: the same claims, signed by it.
    expect(await allows(published, signWith(CURRENT_KEY, claimsOf(stillOld)))).toBe(true);
    expect(await keyIds(published)).toEqual(['test-1', 'test-2']);

    // Step 2, switch: new tokens carry the new kid and verify even at verifiers still on step 1,
    // which this step does not change; old tokens still verify.
    const switched = await deployedWith({ published: [PREVIOUS_KEY, CURRENT_KEY], signing: CURRENT_KEY });
    const fresh = await signIn(switched);
    expect(kidOf(fresh)).toBe('test-2');
    for (const verifiers of [published, switched]) {
      expect(await allows(verifiers, fresh)).toBe(true);
      expect(await allows(verifiers, old)).toBe(true);
    }
    expect(await keyIds(switched)).toEqual(['test-1', 'test-2']);

    // Step 3, retire (once every old token has expired): the old key's tokens are refused; the new one's still verify.
    const retired = await deployedWith({ published: [CURRENT_KEY], signing: CURRENT_KEY });
    expect(kidOf(await signIn(retired))).toBe('test-2');
    expect(await allows(retired, old)).toBe(false);
    expect(await allows(retired, stillOld)).toBe(false);
    for (const verifiers of [switched, retired]) expect(await allows(verifiers, fresh)).toBe(true);
    expect(await keyIds(retired)).toEqual(['test-2']);
  });
});
