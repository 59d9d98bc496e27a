import type * as ConfigModule from '../../functions/shared/config';
import { accountKey, clientAddress } from '../../functions/shared/throttle';
import { restoreEnvAfterEach, setEnv } from '../support/env';

restoreEnvAfterEach();

/** config.ts as a new Lambda instance loads it: nothing read yet. */
function freshConfig(): typeof ConfigModule {
  let loaded: typeof ConfigModule | undefined;
  jest.isolateModules(() => {
    loaded = jest.requireActual<typeof ConfigModule>('../../functions/shared/config');
  });
  return loaded!;
}

const THROTTLE_VARIABLES = [
  'LOGIN_MAX_FAILURES',
  'LOGIN_BACKOFF_SECONDS',
  'LOGIN_MAX_BACKOFF_SECONDS',
  'ADDRESS_LOGIN_FAILURES',
  'ADDRESS_LOGIN_WINDOW_SECONDS',
  'ADDRESS_REGISTRATIONS',
  'ADDRESS_REGISTRATION_WINDOW_SECONDS',
  'ADDRESS_REFRESH_FAILURES',
  'ADDRESS_REFRESH_WINDOW_SECONDS',
  'PWNED_PASSWORDS_CHECK',
  'PWNED_PASSWORDS_URL',
  'PWNED_PASSWORDS_TIMEOUT_MS',
];

beforeEach(() => setEnv(Object.fromEntries(THROTTLE_VARIABLES.map((name) => [name, undefined]))));

describe('throttleConfig', () => {
  it('defaults to 5 failures, 30 s doubling to 15 min; per address 50 failed logins / 15 min, 20 registrations / hour, 50 failed refreshes / 15 min, 20 emails / hour, 50 bad links / 15 min; 5 emails / hour per email', () => {
    expect(freshConfig().throttleConfig()).toEqual({
      maxFailures: 5,
      backoffSeconds: 30,
      maxBackoffSeconds: 900,
      address: {
        login: { limit: 50, windowSeconds: 900 },
        register: { limit: 20, windowSeconds: 3600 },
        refreshToken: { limit: 50, windowSeconds: 900 },
        emailRequests: { limit: 20, windowSeconds: 3600 },
        linkFailures: { limit: 50, windowSeconds: 900 },
      },
      account: { emailRequests: { limit: 5, windowSeconds: 3600 } },
    });
  });

  it('reads every limit from its variable', () => {
    setEnv({
      LOGIN_MAX_FAILURES: '3',
      LOGIN_BACKOFF_SECONDS: '10',
      LOGIN_MAX_BACKOFF_SECONDS: '60',
      ADDRESS_REGISTRATIONS: '5',
      ADDRESS_REGISTRATION_WINDOW_SECONDS: '600',
    });

    expect(freshConfig().throttleConfig()).toMatchObject({
      maxFailures: 3,
      backoffSeconds: 10,
      maxBackoffSeconds: 60,
      address: { register: { limit: 5, windowSeconds: 600 } },
    });
  });

  it.each([
    [{ LOGIN_MAX_FAILURES: '0' }, 'LOGIN_MAX_FAILURES'],
    [{ ADDRESS_LOGIN_WINDOW_SECONDS: '7200' }, 'ADDRESS_LOGIN_WINDOW_SECONDS'],
    [{ LOGIN_BACKOFF_SECONDS: '120', LOGIN_MAX_BACKOFF_SECONDS: '60' }, 'LOGIN_MAX_BACKOFF_SECONDS'],
  ])(
    'fails naming the variable for %j (a refusal longer than an hour would not fit Retry-After)',
    (variables, named) => {
      setEnv(variables);

      expect(() => freshConfig().throttleConfig()).toThrow(
        expect.objectContaining({ name: 'ConfigError', variable: named }) as Error,
      );
    },
  );
});

describe('passwordPolicyConfig', () => {
  it('leaves the breached-password service off by default, with a 1 s timeout', () => {
    expect(freshConfig().passwordPolicyConfig()).toEqual({
      pwnedCheck: false,
      pwnedUrl: 'https://api.pwnedpasswords.com',
      pwnedTimeoutMs: 1000,
    });
  });

  it.each([
    [{ PWNED_PASSWORDS_CHECK: 'yes' }, 'PWNED_PASSWORDS_CHECK'],
    [{ PWNED_PASSWORDS_URL: 'ftp://example.com' }, 'PWNED_PASSWORDS_URL'],
    [{ PWNED_PASSWORDS_TIMEOUT_MS: '10' }, 'PWNED_PASSWORDS_TIMEOUT_MS'],
  ])('fails naming the variable for %j', (variables, named) => {
    setEnv(variables);

    expect(() => freshConfig().passwordPolicyConfig()).toThrow(
      expect.objectContaining({ name: 'ConfigError', variable: named }) as Error,
    );
  });
});

describe('clientAddress', () => {
  const from = (sourceIp: unknown) => clientAddress({ requestContext: { identity: { sourceIp } } } as never);

  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::6', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1:2:3:1.2.3.4', 'fe80:0:0:1::/64'],
  ])('counts %s as %s', (sourceIp, expected) => {
    expect(from(sourceIp)).toBe(expected);
  });

  it.each([[''], ['not an address'], [undefined], ['1::2::3']])(
    'counts %j as one shared unknown client',
    (sourceIp) => {
      expect(from(sourceIp)).toBe('unknown');
    },
  );
});

describe('accountKey', () => {
  it('is a SHA-256 of the email, never the email', () => {
    expect(accountKey('ada@example.com')).toMatch(/^[0-9a-f]{64}$/);
    expect(accountKey('ada@example.com')).not.toBe(accountKey('grace@example.com'));
  });
});
