import type * as ConfigModule from '../../functions/shared/config';
import type { ConfigError } from '../../functions/shared/errors';
import { restoreEnvAfterEach, setEnv, TEST_ENV } from '../support/env';

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
    JWT_SECRET_PARAMETER: undefined,
    MONGODB_URI_PARAMETER: undefined,
    BCRYPT_COST: undefined,
    ACCESS_TOKEN_TTL: undefined,
    CORS_ALLOW_ORIGIN: undefined,
  });
});

describe('tokenConfig', () => {
  it('reads the secret as bytes, the issuer, the audience and a default lifetime of 15 minutes', async () => {
    setEnv({ ACCESS_TOKEN_TTL: undefined });
    const config = await (await freshConfig()).tokenConfig();

    expect(config).toEqual({
      secret: Buffer.from(TEST_ENV.JWT_SECRET),
      issuer: TEST_ENV.JWT_ISSUER,
      audience: TEST_ENV.JWT_AUDIENCE,
      ttlSeconds: 900,
    });
  });

  it('counts the secret in UTF-8 bytes: 16 two-byte characters are enough', async () => {
    setEnv({ JWT_SECRET: 'é'.repeat(16) });

    await expect((await freshConfig()).tokenConfig()).resolves.toMatchObject({ secret: Buffer.from('é'.repeat(16)) });
  });

  it.each([
    [
      { JWT_SECRET: undefined },
      'JWT_SECRET',
      'JWT_SECRET is required (or JWT_SECRET_PARAMETER, the name of an SSM SecureString parameter holding it)',
    ],
    [{ JWT_SECRET: 'x'.repeat(31) }, 'JWT_SECRET', 'JWT_SECRET must be at least 32 bytes, has 31'],
    [{ JWT_ISSUER: undefined }, 'JWT_ISSUER', 'JWT_ISSUER is required'],
    [{ JWT_ISSUER: '' }, 'JWT_ISSUER', 'JWT_ISSUER is required'],
    [{ JWT_AUDIENCE: undefined }, 'JWT_AUDIENCE', 'JWT_AUDIENCE is required'],
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

  it('never quotes the secret in its error', async () => {
    setEnv({ JWT_SECRET: 'too-short-secret' });

    const error = await configError((await freshConfig()).tokenConfig);

    expect(error.message).not.toContain('too-short-secret');
  });

  it('is read once per instance', async () => {
    const config = await freshConfig();
    const first = await config.tokenConfig();
    setEnv({ JWT_ISSUER: 'changed' });

    await expect(config.tokenConfig()).resolves.toBe(first);
  });

  it('does not load the SSM provider when the secret is a plain variable', async () => {
    await (await freshConfig()).tokenConfig();

    expect(providerLoaded).not.toHaveBeenCalled();
  });
});

describe('secrets from SSM Parameter Store', () => {
  beforeEach(() => setEnv({ JWT_SECRET: undefined, JWT_SECRET_PARAMETER: '/auth-api/test/jwt-secret' }));

  it('reads the SecureString named by <NAME>_PARAMETER, decrypted, once per instance', async () => {
    getParameter.mockResolvedValue('a-secret-from-parameter-store-of-32-bytes-or-more');
    const config = await freshConfig();

    const [first, second] = await Promise.all([config.tokenConfig(), config.tokenConfig()]);
    await config.tokenConfig();

    expect(first.secret.toString()).toBe('a-secret-from-parameter-store-of-32-bytes-or-more');
    expect(second).toBe(first);
    expect(getParameter).toHaveBeenCalledTimes(1);
    expect(getParameter).toHaveBeenCalledWith('/auth-api/test/jwt-secret', expect.objectContaining({ decrypt: true }));
  });

  it('retries on the next call after a transient failure, answering 503 meanwhile', async () => {
    getParameter.mockRejectedValueOnce(
      Object.assign(new Error('Rate exceeded'), {
        cause: Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
      }),
    );
    getParameter.mockResolvedValueOnce('a-secret-from-parameter-store-of-32-bytes-or-more');
    const config = await freshConfig();

    await expect(config.tokenConfig()).rejects.toMatchObject({ name: 'DependencyUnavailable', status: 503 });
    await expect(config.tokenConfig()).resolves.toMatchObject({ issuer: TEST_ENV.JWT_ISSUER });
    expect(getParameter).toHaveBeenCalledTimes(2);
  });

  it('names the parameter variable when the parameter does not exist', async () => {
    getParameter.mockRejectedValue(
      Object.assign(new Error('GetParameterError'), {
        cause: Object.assign(new Error('not found'), { name: 'ParameterNotFound' }),
      }),
    );

    const error = await configError((await freshConfig()).tokenConfig);

    expect(error.variable).toBe('JWT_SECRET_PARAMETER');
    expect(error.message).toBe(
      'JWT_SECRET_PARAMETER: SSM parameter /auth-api/test/jwt-secret cannot be read (ParameterNotFound)',
    );
  });

  it('names the parameter when its value is empty or too short', async () => {
    getParameter.mockResolvedValueOnce('');
    getParameter.mockResolvedValueOnce('short');
    const config = await freshConfig();

    const empty = await configError(config.tokenConfig);
    const short = await configError(config.tokenConfig);

    expect([empty.variable, empty.message]).toEqual([
      'JWT_SECRET_PARAMETER',
      'JWT_SECRET_PARAMETER: SSM parameter /auth-api/test/jwt-secret is empty',
    ]);
    expect([short.variable, short.message]).toEqual([
      'JWT_SECRET_PARAMETER',
      'JWT_SECRET (from SSM parameter /auth-api/test/jwt-secret) must be at least 32 bytes, has 5',
    ]);
  });

  it('refuses a secret set both ways', async () => {
    setEnv({ JWT_SECRET: TEST_ENV.JWT_SECRET });

    const error = await configError((await freshConfig()).tokenConfig);

    expect(error.message).toBe('JWT_SECRET and JWT_SECRET_PARAMETER are both set; set only one');
    expect(getParameter).not.toHaveBeenCalled();
  });

  it('reads the database URI the same way', async () => {
    setEnv({ MONGODB_URI: undefined, MONGODB_URI_PARAMETER: '/auth-api/test/mongodb-uri' });
    getParameter.mockResolvedValue('mongodb+srv://user:pass@cluster0.example.mongodb.net/auth');

    await expect((await freshConfig()).databaseConfig()).resolves.toMatchObject({
      uri: 'mongodb+srv://user:pass@cluster0.example.mongodb.net/auth',
    });
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
