import type * as Email from '../../functions/shared/email';
import { restoreEnvAfterEach, setEnv } from '../support/env';
import { captureOutput } from '../support/output';

/** What the mocked SDK was asked: each client's configuration and each command's input. */
const sent: Array<{ config: unknown; input: unknown }> = [];
let answer: () => Promise<unknown> = () => Promise.resolve({ MessageId: 'm-1' });

jest.mock('@aws-sdk/client-sesv2', () => ({
  SESv2Client: class {
    constructor(readonly config: unknown) {}
    send(command: { input: unknown }) {
      sent.push({ config: this.config, input: command.input });
      return answer();
    }
  },
  SendEmailCommand: class {
    constructor(readonly input: unknown) {}
  },
}));

restoreEnvAfterEach();
const output = captureOutput();

const SES = {
  EMAIL_TRANSPORT: 'ses',
  EMAIL_FROM: 'no-reply@example.com',
  EMAIL_CONFIGURATION_SET: 'auth-api-test-email',
  APP_URL: 'https://app.example.com',
  POWERTOOLS_METRICS_NAMESPACE: 'AuthApi',
  POWERTOOLS_SERVICE_NAME: 'auth-api-test',
};
const TOKEN = 'tok-0123456789abcdef';
const RESET = {
  kind: 'reset-password',
  to: { name: 'Ada <b>Lovelace</b>', email: 'ada@example.com' },
  link: { token: TOKEN, expiresInSeconds: 1800 },
} as const;

/** A new Lambda instance of the email module, with its own configuration and SES client. */
function fresh(): typeof Email {
  let loaded: typeof Email | undefined;
  jest.isolateModules(() => {
    loaded = jest.requireActual<typeof Email>('../../functions/shared/email');
  });
  return loaded!;
}

/** SES's error as the SDK throws it: a named error with the response's metadata. */
const sesError = (name: string, httpStatusCode: number) =>
  Object.assign(new Error(`${name} from SES`), { name, $metadata: { httpStatusCode, requestId: 'req-ses-1' } });

beforeEach(() => {
  sent.length = 0;
  answer = () => Promise.resolve({ MessageId: 'm-1' });
});

describe('sendAccountEmail through SES', () => {
  it('sends the rendered email from EMAIL_FROM through the configuration set, with bounded timeouts and retries', async () => {
    setEnv(SES);

    const delivery = await fresh().sendAccountEmail(RESET);

    expect(delivery).toEqual({ sent: true });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.config).toEqual({
      maxAttempts: 2,
      requestHandler: { requestTimeout: 3000, throwOnRequestTimeout: true, connectionTimeout: 1000 },
    });
    const input = sent[0]!.input as Email.SesSendEmailRequest;
    expect(input).toMatchObject({
      FromEmailAddress: 'no-reply@example.com',
      Destination: { ToAddresses: ['ada@example.com'] },
      ConfigurationSetName: 'auth-api-test-email',
      Content: { Simple: { Subject: { Data: 'Reset your password', Charset: 'UTF-8' } } },
    });
    expect(input.Content.Simple.Body.Text.Data).toContain(`https://app.example.com/reset-password?token=${TOKEN}`);
    expect(input.Content.Simple.Body.Html.Data).toContain('Ada &lt;b&gt;Lovelace&lt;/b&gt;');
    expect(input.Content.Simple.Body.Html.Charset).toBe('UTF-8');
    expect(output.metrics().filter((m) => m.name === 'EmailSendFailed')).toEqual([]);
  });

  it('logs what SES says about a misconfiguration, which names the resource to fix', async () => {
    setEnv(SES);
    const said =
      'User arn:aws:sts::123456789012:assumed-role/r is not authorized to perform ses:SendEmail on resource arn:aws:ses:eu-west-1:123456789012:configuration-set/auth-api-test-email';
    answer = () => Promise.reject(Object.assign(sesError('AccessDeniedException', 403), { message: said }));

    await fresh().sendAccountEmail(RESET);

    expect(output.logs().find((l) => l.message === 'email not sent')).toMatchObject({ level: 'ERROR', detail: said });
  });

  it.each([
    ['TooManyRequestsException', 429, 'throttled'],
    ['LimitExceededException', 400, 'throttled'],
    ['AccessDeniedException', 403, 'misconfigured'],
    ['NotFoundException', 404, 'misconfigured'],
    ['MailFromDomainNotVerifiedException', 400, 'misconfigured'],
    ['SendingPausedException', 400, 'misconfigured'],
    ['MessageRejected', 400, 'rejected'],
    ['BadRequestException', 400, 'rejected'],
    ['InternalFailure', 500, 'unavailable'],
    ['TimeoutError', 0, 'unavailable'],
  ])('answers %s (%d) without throwing, and counts EmailSendFailed as %s', async (name, status, reason) => {
    setEnv(SES);
    answer = () => Promise.reject(sesError(name, status));

    const delivery = await fresh().sendAccountEmail(RESET);

    expect(delivery).toEqual({ sent: false, failure: reason });
    expect(output.metrics().filter((m) => m.name === 'EmailSendFailed')).toEqual([
      { name: 'EmailSendFailed', dimensions: { service: 'auth-api-test', reason }, value: 1 },
    ]);
    const line = output.logs().find((l) => l.message === 'email not sent')!;
    expect(line).toMatchObject({ kind: 'reset-password', reason, error_name: name, aws_request_id: 'req-ses-1' });
    expect(line.level).toBe(reason === 'misconfigured' ? 'ERROR' : 'WARN');
  });

  it('never writes the token, the link or the address to the logs when a send fails', async () => {
    setEnv(SES);
    answer = () =>
      Promise.reject(
        Object.assign(new Error('Email address is not verified: ada@example.com'), {
          name: 'MessageRejected',
          $metadata: { httpStatusCode: 400 },
        }),
      );

    await fresh().sendAccountEmail(RESET);

    expect(output.text()).not.toContain(TOKEN);
    expect(output.text()).not.toContain('ada@example.com');
    expect(output.text()).not.toContain('reset-password?token');
  });

  it('counts a missing setting as misconfigured and logs the variable, without throwing', async () => {
    setEnv({ ...SES, APP_URL: undefined });

    const delivery = await fresh().sendAccountEmail(RESET);

    expect(delivery).toEqual({ sent: false, failure: 'misconfigured' });
    expect(sent).toHaveLength(0);
    expect(output.logs().find((l) => l.message === 'email not sent')).toMatchObject({
      level: 'ERROR',
      reason: 'misconfigured',
      variable: 'APP_URL',
      detail: 'APP_URL is required',
    });
  });

  it('refuses a recipient that is not one plain mailbox before anything is sent', async () => {
    setEnv(SES);

    const delivery = await fresh().sendAccountEmail({
      ...RESET,
      to: { name: 'Eve', email: 'eve@example.com\r\nBcc: all@example.com' },
    });

    expect(delivery).toEqual({ sent: false, failure: 'rejected' });
    expect(sent).toHaveLength(0);
  });

  it('builds one SES client per instance', async () => {
    setEnv(SES);
    const email = fresh();

    await email.sendAccountEmail(RESET);
    await email.sendAccountEmail(RESET);
    const configs = new Set(sent.map((s) => s.config));

    expect(sent).toHaveLength(2);
    expect(configs.size).toBe(1);
  });
});

describe('classifySesError', () => {
  it('falls back on the HTTP status for a name it does not know', () => {
    const { classifySesError } = fresh();

    expect(classifySesError(sesError('SomethingNew', 429))).toBe('throttled');
    expect(classifySesError(sesError('SomethingNew', 400))).toBe('rejected');
    expect(classifySesError(sesError('SomethingNew', 503))).toBe('unavailable');
    expect(classifySesError(new Error('socket hang up'))).toBe('unavailable');
    expect(classifySesError('not an error')).toBe('unavailable');
  });
});
