import { readDevConfig } from '../../local/dev';

describe('readDevConfig', () => {
  it('gives local defaults: port 3000, loopback, a generated JWT secret and local issuer and audience', () => {
    const config = readDevConfig({});

    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      authorizerTtlSeconds: 300,
      corsAllowOrigin: '*',
      functionTimeoutMs: 6000,
      maxInstances: 1,
      logFormat: 'pretty',
      generatedJwtSecret: true,
    });
    expect(config.mongodbUri).toBeUndefined();
    expect(Buffer.byteLength(config.functionEnvironment.JWT_SECRET!)).toBeGreaterThanOrEqual(32);
    expect(config.functionEnvironment).toMatchObject({
      JWT_ISSUER: 'auth-api-local',
      JWT_AUDIENCE: 'auth-api-local-api',
      CORS_ALLOW_ORIGIN: '*',
    });
  });

  it('generates a different secret on every run', () => {
    expect(readDevConfig({}).functionEnvironment.JWT_SECRET).not.toBe(readDevConfig({}).functionEnvironment.JWT_SECRET);
  });

  it('takes what the environment sets, and passes the functions’ own settings through', () => {
    const config = readDevConfig({
      PORT: '8080',
      MONGODB_URI: 'mongodb://db.example:27017/auth',
      JWT_SECRET: 'x'.repeat(40),
      AUTHORIZER_TTL: '0',
      CORS_ALLOW_ORIGIN: 'http://localhost:5173',
      FUNCTION_TIMEOUT: '2.5',
      FUNCTION_TIMEOUTS: 'authorizer=1, listUsers=10',
      LAMBDA_MAX_INSTANCES: '4',
      LOG_FORMAT: 'json',
      BCRYPT_COST: '4',
      LOG_LEVEL: 'DEBUG',
      UNRELATED: 'ignored',
    });

    expect(config).toMatchObject({
      port: 8080,
      mongodbUri: 'mongodb://db.example:27017/auth',
      authorizerTtlSeconds: 0,
      corsAllowOrigin: 'http://localhost:5173',
      functionTimeoutMs: 2500,
      functionTimeoutsMs: { authorizer: 1000, listUsers: 10000 },
      maxInstances: 4,
      logFormat: 'json',
      generatedJwtSecret: false,
    });
    expect(config.functionEnvironment).toMatchObject({
      JWT_SECRET: 'x'.repeat(40),
      BCRYPT_COST: '4',
      LOG_LEVEL: 'DEBUG',
      CORS_ALLOW_ORIGIN: 'http://localhost:5173',
    });
    expect(config.functionEnvironment).not.toHaveProperty('UNRELATED');
  });

  it.each([
    [{ PORT: 'http' }, 'PORT must be a whole number from 0 to 65535, not "http"'],
    [{ PORT: '70000' }, 'PORT must be a whole number from 0 to 65535'],
    [{ AUTHORIZER_TTL: '7200' }, 'AUTHORIZER_TTL must be a whole number from 0 to 3600'],
    [{ FUNCTION_TIMEOUT: '0' }, 'FUNCTION_TIMEOUT must be a number of seconds'],
    [{ FUNCTION_TIMEOUTS: 'authorizer:3' }, 'FUNCTION_TIMEOUTS must look like "authorizer=3,listUsers=10"'],
    [{ FUNCTION_TIMEOUTS: 'login=soon' }, 'FUNCTION_TIMEOUTS (login) must be a number of seconds'],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT must be "pretty" or "json", not "xml"'],
    [{ CORS_ALLOW_ORIGIN: 'http://a.example, http://b.example' }, 'CORS_ALLOW_ORIGIN must be * or one origin'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET must be at least 32 bytes'],
    [{ LAMBDA_MAX_INSTANCES: '0' }, 'LAMBDA_MAX_INSTANCES must be a whole number from 1 to 64'],
  ])('rejects %j, naming the variable', (env, message) => {
    expect(() => readDevConfig(env)).toThrow(message);
  });
});
