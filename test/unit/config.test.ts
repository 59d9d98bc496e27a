import type * as ConfigModule from '../../functions/shared/config';
import type { ConfigError } from '../../functions/shared/errors';
import { spkiOf } from '../../functions/shared/signing-keys';
import { restoreEnvAfterEach, setEnv, TEST_ENV } from '../support/env';
import { CURRENT_KEY, PREVIOUS_KEY, publicKeysVariable, UNKNOWN_KEY } from '../support/keys';

const getParameter = jest.fn<Promise<string | undefined>, [string, { decrypt: boolean; maxAge: number }]>();
const providerLoaded = jest.fn();

jest.mock('@aws-lambda-powertools/parameters/ssm', () => {
  providerLoaded();
  return { getParameter: (name: string, options: { decrypt: boolean; maxAge: number }) => getParameter(name, options) };
});

restoreEnvAfterEach();

/** config.ts as a new Lambda instance loads it, synchronously, for the getters that are. */
function freshConfigSync(): typeof ConfigModule {
  let loaded: typeof ConfigModule | undefined;
  jest.isolateModules(() => {
    loaded = jest.requireActual<typeof ConfigModule>('../../functions/shared/config');
  });
  return loaded!;
}

/** config.ts as a new Lambda instance loads it: nothing read yet. */
async function freshConfig(): Promise<typeof ConfigModule> {
  let loaded: typeof ConfigModule | undefined;
  await jest.isolateModulesAsync(async () => {
    loaded = await import('../../functions/shared/config');
  });
  if (loaded === undefined) throw new Error('config did not load');
  return loaded;
}

/** The ConfigError a getter fails with (by name: each fresh instance has its own error classes). */
async function configError(read: () => unknown): Promise<ConfigError> {
  try {
    await read();
  } catch (error) {
    if (error instanceof Error && error.name === 'ConfigError') return error as ConfigError;
    throw error;
  }
  throw new Error('no ConfigError was thrown');
}

const MONGODB_URI = 'mongodb://127.0.0.1:27017/auth';

beforeEach(() => {
  getParameter.mockReset();
  providerLoaded.mockReset();
  setEnv({
    ...TEST_ENV,
    MONGODB_URI,
    JWT_SIGNING_KMS_KEY: undefined,
    MONGODB_URI_PARAMETER: undefined,
    BCRYPT_COST: undefined,
    ACCESS_TOKEN_TTL: undefined,
    CORS_ALLOW_ORIGIN: undefined,
  });
});

describe('tokenConfig', () => {
  it('reads the issuer, the audience, the public key of every live generation and a default lifetime of 15 minutes', async () => {
    setEnv({ ACCESS_TOKEN_TTL: undefined, JWT_PUBLIC_KEYS: publicKeysVariable(PREVIOUS_KEY, CURRENT_KEY) });
    const config = (await freshConfig()).tokenConfig();

    expect(config).toMatchObject({ issuer: TEST_ENV.JWT_ISSUER, audience: TEST_ENV.JWT_AUDIENCE, ttlSeconds: 900 });
    expect([...config.publicKeys.keys()]).toEqual(['test-1', 'test-2']);
  });

  it.each([
    'https://api.example.com',
    'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
    'http://127.0.0.1:3000',
  ])('accepts the base URL %s as the issuer', async (issuer) => {
    setEnv({ JWT_ISSUER: issuer });

    expect((await freshConfig()).tokenConfig().issuer).toBe(issuer);
  });

  it.each([
    [{ JWT_ISSUER: undefined }, 'JWT_ISSUER', 'JWT_ISSUER is required'],
    [{ JWT_ISSUER: '' }, 'JWT_ISSUER', 'JWT_ISSUER is required'],
    [
      { JWT_ISSUER: 'auth-api-prod' },
      'JWT_ISSUER',
      'JWT_ISSUER must be the API\'s public base URL, such as https://api.example.com (no trailing slash), got "auth-api-prod"',
    ],
    [
      { JWT_ISSUER: 'https://api.example.com/' },
      'JWT_ISSUER',
      'JWT_ISSUER must be the API\'s public base URL, such as https://api.example.com (no trailing slash), got "https://api.example.com/"',
    ],
    [{ JWT_AUDIENCE: undefined }, 'JWT_AUDIENCE', 'JWT_AUDIENCE is required'],
    [{ JWT_PUBLIC_KEYS: undefined }, 'JWT_PUBLIC_KEYS', 'JWT_PUBLIC_KEYS is required'],
    [{ JWT_PUBLIC_KEYS: '{"a":"AAAA"}' }, 'JWT_PUBLIC_KEYS', 'JWT_PUBLIC_KEYS key a is not a DER SubjectPublicKeyInfo'],
    [
      { ACCESS_TOKEN_TTL: '59' },
      'ACCESS_TOKEN_TTL',
      'ACCESS_TOKEN_TTL must be a whole number from 60 to 86400, got "59"',
    ],
    [
      { ACCESS_TOKEN_TTL: '86401' },
      'ACCESS_TOKEN_TTL',
      'ACCESS_TOKEN_TTL must be a whole number from 60 to 86400, got "86401"',
    ],
    [
      { ACCESS_TOKEN_TTL: '3600.5' },
      'ACCESS_TOKEN_TTL',
      'ACCESS_TOKEN_TTL must be a whole number from 60 to 86400, got "3600.5"',
    ],
    [
      { ACCESS_TOKEN_TTL: ' 3600' },
      'ACCESS_TOKEN_TTL',
      'ACCESS_TOKEN_TTL must be a whole number from 60 to 86400, got " 3600"',
    ],
  ])('fails for %j naming %s', async (env, variable, message) => {
    setEnv(env);

    const error = await configError((await freshConfig()).tokenConfig);

    expect(error.variable).toBe(variable);
    expect(error.message).toBe(message);
  });

  it('needs no signing key: a verifier holds public keys only', async () => {
    setEnv({ JWT_SIGNING_KEY_ID: undefined, JWT_SIGNING_PRIVATE_KEY: undefined });

    expect(() => freshConfigSync().tokenConfig()).not.toThrow();
  });

  it('is read once per instance', async () => {
    const config = await freshConfig();
    const first = config.tokenConfig();
    setEnv({ JWT_ISSUER: 'https://changed.example.com' });

    expect(config.tokenConfig()).toBe(first);
  });
});

describe('signingConfig', () => {
  it('signs locally with JWT_SIGNING_PRIVATE_KEY under JWT_SIGNING_KEY_ID', async () => {
    const config = (await freshConfig()).signingConfig();

    expect(config.keyId).toBe(CURRENT_KEY.kid);
    expect(config.kmsKeyId).toBeUndefined();
    expect(spkiOf(config.privateKey!)).toBe(CURRENT_KEY.spki);
  });

  it('signs in KMS with JWT_SIGNING_KMS_KEY, holding no private key', async () => {
    setEnv({
      JWT_SIGNING_PRIVATE_KEY: undefined,
      JWT_SIGNING_KMS_KEY: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    });

    const config = (await freshConfig()).signingConfig();

    expect(config).toMatchObject({
      keyId: CURRENT_KEY.kid,
      kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    });
    expect(config.privateKey).toBeUndefined();
    expect(spkiOf(config.publicKey)).toBe(CURRENT_KEY.spki);
  });

  it.each([
    [{ JWT_SIGNING_KEY_ID: undefined }, 'JWT_SIGNING_KEY_ID', 'JWT_SIGNING_KEY_ID is required'],
    [
      { JWT_SIGNING_KEY_ID: '../test-2' },
      'JWT_SIGNING_KEY_ID',
      'JWT_SIGNING_KEY_ID must be 1-64 letters, digits, - or _, got "../test-2"',
    ],
    [
      { JWT_SIGNING_KEY_ID: 'test-1' },
      'JWT_SIGNING_KEY_ID',
      'JWT_SIGNING_KEY_ID "test-1" is not a key id of JWT_PUBLIC_KEYS',
    ],
    [
      { JWT_SIGNING_PRIVATE_KEY: undefined },
      'JWT_SIGNING_KMS_KEY',
      'JWT_SIGNING_KMS_KEY is required (or, outside AWS, JWT_SIGNING_PRIVATE_KEY)',
    ],
    [
      { JWT_SIGNING_KMS_KEY: 'alias/tokens' },
      'JWT_SIGNING_KMS_KEY',
      'JWT_SIGNING_KMS_KEY and JWT_SIGNING_PRIVATE_KEY are both set; set only one',
    ],
    [
      { JWT_SIGNING_PRIVATE_KEY: 'not a key' },
      'JWT_SIGNING_PRIVATE_KEY',
      'JWT_SIGNING_PRIVATE_KEY is not a PEM private key',
    ],
    [
      { JWT_SIGNING_PRIVATE_KEY: UNKNOWN_KEY.privatePem },
      'JWT_SIGNING_PRIVATE_KEY',
      'JWT_SIGNING_PRIVATE_KEY is not the private key of test-2 in JWT_PUBLIC_KEYS',
    ],
  ])('fails for %j naming %s', async (env, variable, message) => {
    setEnv(env);

    const error = await configError((await freshConfig()).signingConfig);

    expect([error.variable, error.message]).toEqual([variable, message]);
  });

  it('never quotes the private key in its errors', async () => {
    setEnv({ JWT_SIGNING_PRIVATE_KEY: UNKNOWN_KEY.privatePem });

    const error = await configError((await freshConfig()).signingConfig);

    expect(error.message).not.toContain('PRIVATE KEY');
    expect(error.message).not.toContain(UNKNOWN_KEY.privatePem.split('\n')[1]);
  });
});

describe('secrets from SSM Parameter Store', () => {
  beforeEach(() => setEnv({ MONGODB_URI: undefined, MONGODB_URI_PARAMETER: '/auth-api/test/mongodb-uri' }));

  const URI = 'mongodb+srv://user:pass@cluster0.example.mongodb.net/auth';

  it('reads the SecureString named by <NAME>_PARAMETER, decrypted, once per instance', async () => {
    getParameter.mockResolvedValue(URI);
    const config = await freshConfig();

    const [first, second] = await Promise.all([config.databaseConfig(), config.databaseConfig()]);
    await config.databaseConfig();

    expect(first.uri).toBe(URI);
    expect(second).toBe(first);
    expect(getParameter).toHaveBeenCalledTimes(1);
    expect(getParameter).toHaveBeenCalledWith('/auth-api/test/mongodb-uri', expect.objectContaining({ decrypt: true }));
  });

  it('retries on the next call after a transient failure, answering 503 meanwhile', async () => {
    getParameter.mockRejectedValueOnce(
      Object.assign(new Error('Rate exceeded'), {
        cause: Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
      }),
    );
    getParameter.mockResolvedValueOnce(URI);
    const config = await freshConfig();

    await expect(config.databaseConfig()).rejects.toMatchObject({ name: 'DependencyUnavailable', status: 503 });
    await expect(config.databaseConfig()).resolves.toMatchObject({ uri: URI });
    expect(getParameter).toHaveBeenCalledTimes(2);
  });

  it('names the parameter variable when the parameter does not exist', async () => {
    getParameter.mockRejectedValue(
      Object.assign(new Error('GetParameterError'), {
        cause: Object.assign(new Error('not found'), { name: 'ParameterNotFound' }),
      }),
    );

    const error = await configError((await freshConfig()).databaseConfig);

    expect(error.variable).toBe('MONGODB_URI_PARAMETER');
    expect(error.message).toBe(
      'MONGODB_URI_PARAMETER: SSM parameter /auth-api/test/mongodb-uri cannot be read (ParameterNotFound)',
    );
  });

  it('names the parameter when its value is empty or invalid, without quoting it', async () => {
    getParameter.mockResolvedValueOnce('');
    getParameter.mockResolvedValueOnce('postgres://user:p4ss@db');
    const config = await freshConfig();

    const empty = await configError(config.databaseConfig);
    const invalid = await configError(config.databaseConfig);

    expect([empty.variable, empty.message]).toEqual([
      'MONGODB_URI_PARAMETER',
      'MONGODB_URI_PARAMETER: SSM parameter /auth-api/test/mongodb-uri is empty',
    ]);
    expect([invalid.variable, invalid.message]).toEqual([
      'MONGODB_URI_PARAMETER',
      'MONGODB_URI (from SSM parameter /auth-api/test/mongodb-uri) must be a mongodb:// or mongodb+srv:// connection string',
    ]);
  });

  it('refuses a secret set both ways', async () => {
    setEnv({ MONGODB_URI });

    const error = await configError((await freshConfig()).databaseConfig);

    expect(error.message).toBe('MONGODB_URI and MONGODB_URI_PARAMETER are both set; set only one');
    expect(getParameter).not.toHaveBeenCalled();
  });

  it('does not load the SSM provider when the secret is a plain variable', async () => {
    setEnv({ MONGODB_URI, MONGODB_URI_PARAMETER: undefined });

    await (await freshConfig()).databaseConfig();

    expect(providerLoaded).not.toHaveBeenCalled();
  });
});

describe('sessionConfig', () => {
  it('defaults to 30 days absolute, 7 days idle and no reuse interval, as Auth0 does', async () => {
    expect((await freshConfig()).sessionConfig()).toEqual({
      refreshTtlSeconds: 30 * 86_400,
      idleTtlSeconds: 7 * 86_400,
      reuseIntervalSeconds: 0,
    });
  });

  it('reads REFRESH_TOKEN_TTL, SESSION_IDLE_TTL and REFRESH_REUSE_INTERVAL', async () => {
    setEnv({ REFRESH_TOKEN_TTL: '86400', SESSION_IDLE_TTL: '3600', REFRESH_REUSE_INTERVAL: '10' });

    expect((await freshConfig()).sessionConfig()).toEqual({
      refreshTtlSeconds: 86_400,
      idleTtlSeconds: 3600,
      reuseIntervalSeconds: 10,
    });
  });

  it.each([
    [{ REFRESH_TOKEN_TTL: '60' }, 'REFRESH_TOKEN_TTL'],
    [{ SESSION_IDLE_TTL: 'a week' }, 'SESSION_IDLE_TTL'],
    [{ REFRESH_REUSE_INTERVAL: '3600' }, 'REFRESH_REUSE_INTERVAL'],
    [{ REFRESH_TOKEN_TTL: '86400', SESSION_IDLE_TTL: '172800' }, 'SESSION_IDLE_TTL'],
  ])('refuses %j naming %s', async (variables, variable) => {
    setEnv(variables);

    expect(() => freshConfigSync().sessionConfig()).toThrow(expect.objectContaining({ variable }) as Error);
  });
});

describe('databaseConfig', () => {
  it('defaults the server selection timeout to 2 seconds', async () => {
    setEnv({ MONGODB_SERVER_SELECTION_TIMEOUT_MS: undefined });

    await expect((await freshConfig()).databaseConfig()).resolves.toEqual({
      uri: MONGODB_URI,
      serverSelectionTimeoutMs: 2000,
    });
  });

  it.each([
    [
      { MONGODB_URI: undefined },
      'MONGODB_URI',
      'MONGODB_URI is required (or MONGODB_URI_PARAMETER, the name of an SSM SecureString parameter holding it)',
    ],
    [
      { MONGODB_URI: 'https://user:secret@db.example.com' },
      'MONGODB_URI',
      'MONGODB_URI must be a mongodb:// or mongodb+srv:// connection string',
    ],
    [
      { MONGODB_SERVER_SELECTION_TIMEOUT_MS: 'soon' },
      'MONGODB_SERVER_SELECTION_TIMEOUT_MS',
      'MONGODB_SERVER_SELECTION_TIMEOUT_MS must be a whole number from 50 to 30000, got "soon"',
    ],
  ])('fails for %j naming %s', async (env, variable, message) => {
    setEnv(env);

    const error = await configError((await freshConfig()).databaseConfig);

    expect([error.variable, error.message]).toEqual([variable, message]);
  });
});

describe('passwordConfig', () => {
  it('defaults the bcrypt cost to 10, the OWASP minimum', async () => {
    expect((await freshConfig()).passwordConfig()).toEqual({ cost: 10 });
  });

  it.each(['3', '21', 'ten', '-1'])('fails for BCRYPT_COST=%s naming it', async (cost) => {
    setEnv({ BCRYPT_COST: cost });

    const error = await configError((await freshConfig()).passwordConfig);

    expect(error.variable).toBe('BCRYPT_COST');
  });

  it('reads again after a failure, keeps the first success', async () => {
    const config = await freshConfig();
    setEnv({ BCRYPT_COST: 'x' });
    expect(() => config.passwordConfig()).toThrow(/^BCRYPT_COST must be/);

    setEnv({ BCRYPT_COST: '12' });
    expect(config.passwordConfig()).toEqual({ cost: 12 });
    setEnv({ BCRYPT_COST: '13' });
    expect(config.passwordConfig()).toEqual({ cost: 12 });
  });
});

describe('httpConfig', () => {
  it('allows any origin by default', async () => {
    expect((await freshConfig()).httpConfig()).toEqual({ corsAllowOrigin: '*' });
  });

  it.each(['https://app.example.com', 'http://localhost:5173', '*'])('accepts CORS_ALLOW_ORIGIN=%s', async (origin) => {
    setEnv({ CORS_ALLOW_ORIGIN: origin });

    expect((await freshConfig()).httpConfig()).toEqual({ corsAllowOrigin: origin });
  });

  it.each([
    'https://app.example.com/',
    'app.example.com',
    'https://a.example.com,https://b.example.com',
    "https://x.example.com'",
  ])('fails for CORS_ALLOW_ORIGIN=%s naming it', async (origin) => {
    setEnv({ CORS_ALLOW_ORIGIN: origin });

    const error = await configError((await freshConfig()).httpConfig);

    expect(error.variable).toBe('CORS_ALLOW_ORIGIN');
  });
});

describe('observabilityConfig', () => {
  it('defaults to service auth-api, namespace AuthApi and level INFO', async () => {
    setEnv({ POWERTOOLS_SERVICE_NAME: undefined, POWERTOOLS_METRICS_NAMESPACE: undefined, LOG_LEVEL: undefined });

    expect((await freshConfig()).observabilityConfig()).toEqual({
      serviceName: 'auth-api',
      metricsNamespace: 'AuthApi',
      logLevel: 'INFO',
    });
  });

  it('reads the level in any case', async () => {
    setEnv({ POWERTOOLS_SERVICE_NAME: 'auth-api-prod', POWERTOOLS_METRICS_NAMESPACE: 'Auth', LOG_LEVEL: 'debug' });

    expect((await freshConfig()).observabilityConfig()).toEqual({
      serviceName: 'auth-api-prod',
      metricsNamespace: 'Auth',
      logLevel: 'DEBUG',
    });
  });

  it('reports an invalid level instead of throwing, so the logger still starts', async () => {
    setEnv({ LOG_LEVEL: 'loud' });

    const config = (await freshConfig()).observabilityConfig();

    expect(config.logLevel).toBe('INFO');
    expect(config.logLevelError).toMatchObject({ variable: 'LOG_LEVEL' });
  });
});
