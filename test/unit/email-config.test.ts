import type * as Email from '../../functions/shared/email';
import type { ConfigError } from '../../functions/shared/errors';
import { restoreEnvAfterEach, setEnv } from '../support/env';

restoreEnvAfterEach();

const SES = {
  EMAIL_TRANSPORT: 'ses',
  EMAIL_FROM: 'no-reply@example.com',
  EMAIL_CONFIGURATION_SET: 'auth-api-prod-email',
  EMAIL_OUTBOX_URL: undefined,
  APP_URL: 'https://app.example.com',
};
const LOCAL = {
  ...SES,
  EMAIL_TRANSPORT: 'local',
  EMAIL_CONFIGURATION_SET: undefined,
  EMAIL_OUTBOX_URL: 'http://127.0.0.1:4123/emails',
  APP_URL: 'http://localhost:3000',
};

/** The email module as a new Lambda instance loads it: nothing read yet. */
function fresh(): typeof Email {
  let loaded: typeof Email | undefined;
  jest.isolateModules(() => {
    loaded = jest.requireActual<typeof Email>('../../functions/shared/email');
  });
  return loaded!;
}

function configError(variables: Record<string, string | undefined>): ConfigError {
  setEnv(variables);
  try {
    fresh().emailConfig();
  } catch (error) {
    if ((error as Error).name === 'ConfigError') return error as ConfigError;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('emailConfig', () => {
  it('reads the SES transport: sender, configuration set and application URL', () => {
    setEnv(SES);

    expect(fresh().emailConfig()).toEqual({
      transport: 'ses',
      from: 'no-reply@example.com',
      configurationSet: 'auth-api-prod-email',
      appUrl: 'https://app.example.com',
    });
  });

  it('reads the local transport: the outbox URL instead of a configuration set', () => {
    setEnv(LOCAL);

    expect(fresh().emailConfig()).toEqual({
      transport: 'local',
      from: 'no-reply@example.com',
      outboxUrl: 'http://127.0.0.1:4123/emails',
      appUrl: 'http://localhost:3000',
    });
  });

  it.each([
    ['EMAIL_TRANSPORT', { ...SES, EMAIL_TRANSPORT: undefined }, 'EMAIL_TRANSPORT is required'],
    ['EMAIL_TRANSPORT', { ...SES, EMAIL_TRANSPORT: 'smtp' }, 'EMAIL_TRANSPORT must be ses or local, got "smtp"'],
    ['EMAIL_FROM', { ...SES, EMAIL_FROM: undefined }, 'EMAIL_FROM is required'],
    [
      'EMAIL_FROM',
      { ...SES, EMAIL_FROM: 'no-reply@example.com\r\nBcc: all@example.com' },
      'EMAIL_FROM must be one email address such as no-reply@example.com',
    ],
    ['EMAIL_FROM', { ...SES, EMAIL_FROM: 'Auth <no-reply@example.com>' }, 'EMAIL_FROM must be one email address'],
    ['APP_URL', { ...SES, APP_URL: undefined }, 'APP_URL is required'],
    ['EMAIL_CONFIGURATION_SET', { ...SES, EMAIL_CONFIGURATION_SET: undefined }, 'EMAIL_CONFIGURATION_SET is required'],
    [
      'EMAIL_CONFIGURATION_SET',
      { ...SES, EMAIL_CONFIGURATION_SET: 'has space' },
      'EMAIL_CONFIGURATION_SET must be 1-64 letters, digits, _ or -',
    ],
    ['EMAIL_OUTBOX_URL', { ...SES, EMAIL_OUTBOX_URL: 'http://127.0.0.1:1/emails' }, 'EMAIL_TRANSPORT is ses'],
    ['EMAIL_OUTBOX_URL', { ...LOCAL, EMAIL_OUTBOX_URL: undefined }, 'EMAIL_OUTBOX_URL is required'],
    [
      'EMAIL_OUTBOX_URL',
      { ...LOCAL, EMAIL_OUTBOX_URL: 'http://mail.example.com/emails' },
      'EMAIL_OUTBOX_URL must be an http URL on this machine',
    ],
    ['EMAIL_OUTBOX_URL', { ...LOCAL, EMAIL_OUTBOX_URL: 'https://127.0.0.1/emails' }, 'on this machine'],
  ])('names %s when it is missing or invalid', (variable, variables, message) => {
    const error = configError(variables);

    expect(error.variable).toBe(variable);
    expect(error.message).toContain(message);
    expect(error.status).toBe(500);
  });

  it.each([
    ['https://app.example.com', 'https://app.example.com'],
    ['https://app.example.com/', 'https://app.example.com'],
    ['https://example.com/auth/', 'https://example.com/auth'],
    ['https://app.example.com:8443', 'https://app.example.com:8443'],
    ['http://localhost:5173', 'http://localhost:5173'],
    ['http://127.0.0.1:3000', 'http://127.0.0.1:3000'],
    ['http://[::1]:3000', 'http://[::1]:3000'],
    ['http://app.localhost', 'http://app.localhost'],
  ])('takes APP_URL %s as %s', (value, expected) => {
    expect(fresh().parseAppUrl(value)).toBe(expected);
  });

  it.each([
    'http://app.example.com',
    'app.example.com',
    '/reset',
    'javascript:alert(1)',
    'ftp://app.example.com',
    'https://app.example.com?x=1',
    'https://app.example.com?',
    'https://app.example.com/#frag',
    'https://user:pass@app.example.com',
    'https://app.example.com/\r\nX: y',
    ' https://app.example.com',
    'http://localhost.example.com',
  ])('refuses APP_URL %j', (value) => {
    const error = configError({ ...SES, APP_URL: value });

    expect(error.variable).toBe('APP_URL');
    expect(error.message).toContain('APP_URL must be an absolute https URL');
  });
});
