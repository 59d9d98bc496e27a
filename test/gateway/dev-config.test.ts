import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDevConfig } from '../../local/dev';
import { ROOT } from '../../scripts/paths';

describe('readDevConfig', () => {
  it('gives local defaults: port 3000, loopback, a P-256 signing key made for the run and a local audience', () => {
    const config = readDevConfig({});

    expect(config).toMatchObject({
      port: 3000,
      lambdaPort: 0,
      host: '127.0.0.1',
      authorizerTtlSeconds: 300,
      corsAllowOrigin: '*',
      functionTimeoutMs: 6000,
      maxInstances: 1,
      logFormat: 'pretty',
    });
    expect(config.mongodbUri).toBeUndefined();
    expect(config.signingKey).toMatchObject({ generated: true, keyId: expect.stringMatching(/^local-[0-9a-f]{8}$/) });
    const { JWT_PUBLIC_KEYS, JWT_SIGNING_KEY_ID, JWT_SIGNING_PRIVATE_KEY } = config.functionEnvironment;
    expect(JWT_SIGNING_KEY_ID).toBe(config.signingKey.keyId);
    const publicKey = createPublicKey({
      key: Buffer.from((JSON.parse(JWT_PUBLIC_KEYS!) as Record<string, string>)[JWT_SIGNING_KEY_ID!]!, 'base64'),
      format: 'der',
      type: 'spki',
    });
    expect(publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(createPublicKey(JWT_SIGNING_PRIVATE_KEY!).export({ format: 'jwk' })).toEqual(
      publicKey.export({ format: 'jwk' }),
    );
    expect(config.functionEnvironment).toMatchObject({ JWT_AUDIENCE: 'auth-api-local-api', CORS_ALLOW_ORIGIN: '*' });
    // The gateway's URL, known once it listens: make dev sets it then.
    expect(config.functionEnvironment).not.toHaveProperty('JWT_ISSUER');
    // Emails go to make dev's outbox (its URL, too, is known once it listens); links to the gateway unless APP_URL is set.
    expect(config.functionEnvironment).toMatchObject({
      EMAIL_TRANSPORT: 'local',
      EMAIL_FROM: 'no-reply@auth-api.localhost',
    });
    expect(config.functionEnvironment).not.toHaveProperty('APP_URL');
    expect(
      readDevConfig({ APP_URL: 'http://localhost:5173', EMAIL_FROM: 'me@example.com' }).functionEnvironment,
    ).toMatchObject({
      APP_URL: 'http://localhost:5173',
      EMAIL_FROM: 'me@example.com',
    });
  });

  it('makes a different key, with a different kid, on every run', () => {
    const [first, second] = [readDevConfig({}), readDevConfig({})];

    expect(first.functionEnvironment.JWT_SIGNING_PRIVATE_KEY).not.toBe(
      second.functionEnvironment.JWT_SIGNING_PRIVATE_KEY,
    );
    expect(first.signingKey.keyId).not.toBe(second.signingKey.keyId);
  });

  it('keeps the key JWT_SIGNING_PRIVATE_KEY gives, so tokens survive a restart', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();

    const config = readDevConfig({ JWT_SIGNING_PRIVATE_KEY: pem, JWT_ISSUER: 'https://dev.example.com' });

    expect(config.signingKey).toMatchObject({ generated: false, keyId: 'local' });
    expect(config.functionEnvironment).toMatchObject({
      JWT_SIGNING_PRIVATE_KEY: pem,
      JWT_SIGNING_KEY_ID: 'local',
      JWT_ISSUER: 'https://dev.example.com',
    });
    expect(readDevConfig({ JWT_SIGNING_PRIVATE_KEY: pem }).functionEnvironment.JWT_PUBLIC_KEYS).toBe(
      config.functionEnvironment.JWT_PUBLIC_KEYS,
    );
  });

  it('takes what the environment sets, and passes the functions’ own settings through', () => {
    const config = readDevConfig({
      PORT: '8080',
      LAMBDA_PORT: '9001',
      MONGODB_URI: 'mongodb://db.example:27017/auth',
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
      lambdaPort: 9001,
      mongodbUri: 'mongodb://db.example:27017/auth',
      authorizerTtlSeconds: 0,
      corsAllowOrigin: 'http://localhost:5173',
      functionTimeoutMs: 2500,
      functionTimeoutsMs: { authorizer: 1000, listUsers: 10000 },
      maxInstances: 4,
      logFormat: 'json',
    });
    expect(config.functionEnvironment).toMatchObject({
      BCRYPT_COST: '4',
      LOG_LEVEL: 'DEBUG',
      CORS_ALLOW_ORIGIN: 'http://localhost:5173',
    });
    expect(config.functionEnvironment).not.toHaveProperty('UNRELATED');
  });

  it.each([
    [{ PORT: 'http' }, 'PORT must be a whole number from 0 to 65535, not "http"'],
    [{ PORT: '70000' }, 'PORT must be a whole number from 0 to 65535'],
    [{ LAMBDA_PORT: '-1' }, 'LAMBDA_PORT must be a whole number from 0 to 65535'],
    [{ AUTHORIZER_TTL: '7200' }, 'AUTHORIZER_TTL must be a whole number from 0 to 3600'],
    [{ FUNCTION_TIMEOUT: '0' }, 'FUNCTION_TIMEOUT must be a number of seconds'],
    [{ FUNCTION_TIMEOUTS: 'authorizer:3' }, 'FUNCTION_TIMEOUTS must look like "authorizer=3,listUsers=10"'],
    [{ FUNCTION_TIMEOUTS: 'login=soon' }, 'FUNCTION_TIMEOUTS (login) must be a number of seconds'],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT must be "pretty" or "json", not "xml"'],
    [{ CORS_ALLOW_ORIGIN: 'http://a.example, http://b.example' }, 'CORS_ALLOW_ORIGIN must be * or one origin'],
    [{ JWT_SIGNING_PRIVATE_KEY: 'not a key' }, 'JWT_SIGNING_PRIVATE_KEY must be a PEM private key'],
    [
      {
        JWT_SIGNING_PRIVATE_KEY: generateKeyPairSync('ec', { namedCurve: 'P-384' })
          .privateKey.export({ format: 'pem', type: 'pkcs8' })
          .toString(),
      },
      'JWT_SIGNING_PRIVATE_KEY must be a P-256 (prime256v1) key',
    ],
    [{ JWT_SIGNING_KEY_ID: '../key' }, 'JWT_SIGNING_KEY_ID must be 1-64 letters, digits, - or _, not "../key"'],
    [{ LAMBDA_MAX_INSTANCES: '0' }, 'LAMBDA_MAX_INSTANCES must be a whole number from 1 to 64'],
  ])('rejects %j, naming the variable', (env, message) => {
    expect(() => readDevConfig(env)).toThrow(message);
  });
});

describe('the functions’ settings under make dev', () => {
  it('passes through or sets every variable the functions read, so a developer can try each setting locally', () => {
    const source = ['functions/shared/config.ts', 'functions/shared/email/config.ts']
      .map((file) => readFileSync(join(ROOT, file), 'utf8'))
      .join('\n');
    const read = [...new Set([...source.matchAll(/Variable\(\s*'([A-Z_]+)'/g)].map((match) => match[1]!))];
    expect(read.length).toBeGreaterThan(20);
    // Provided by the deployment alone (an SSM parameter name, a KMS key, SES's configuration set), or
    // set by make dev once it listens (the database, the outbox, the issuer and application URLs).
    const notLocal = new Set([
      'MONGODB_URI_PARAMETER',
      'JWT_SIGNING_KMS_KEY',
      'EMAIL_CONFIGURATION_SET',
      'MONGODB_URI',
      'EMAIL_OUTBOX_URL',
      'JWT_ISSUER',
      'APP_URL',
    ]);
    // A value for every setting the developer may give; the signing key and the sender have their own checks.
    const given = read.filter(
      (name) => !notLocal.has(name) && !name.startsWith('JWT_') && !['EMAIL_TRANSPORT', 'EMAIL_FROM'].includes(name),
    );
    const { functionEnvironment } = readDevConfig({
      ...Object.fromEntries(given.map((name) => [name, '1'])),
      CORS_ALLOW_ORIGIN: 'http://localhost:5173',
    });
    expect(read.filter((name) => !notLocal.has(name) && !(name in functionEnvironment))).toEqual([]);
  });
});
