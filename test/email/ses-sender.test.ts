/**
 * The SES sender with the AWS SDK's own client, against a small stand-in for the SES v2 endpoint on
 * 127.0.0.1 (the SDK's endpoint override, dummy credentials): what SES would receive, and how its
 * throttling, its server errors and its silence come back. Never the internet.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createSesSender,
  EmailSendError,
  loadSesSendEmail,
  renderEmail,
  SES_LIMITS,
} from '../../functions/shared/email';
import type { EmailSender } from '../../functions/shared/email';
import { restoreEnvAfterEach, setEnv } from '../support/env';

interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

type Behaviour = (res: ServerResponse) => void;

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));

const ACCEPT: Behaviour = (res) => json(res, 200, { MessageId: '0100018f-stand-in' });
const THROTTLE: Behaviour = (res) =>
  json(res, 429, { message: 'Maximum sending rate exceeded.' }, { 'x-amzn-ErrorType': 'TooManyRequestsException' });
const FAIL: Behaviour = (res) =>
  json(res, 500, { message: 'Internal failure' }, { 'x-amzn-ErrorType': 'InternalFailure' });
/** Holds the request open: the answer never comes. */
const SILENT: Behaviour = () => undefined;
const DENY: Behaviour = (res) =>
  json(
    res,
    403,
    { message: 'not authorized to perform ses:SendEmail' },
    { 'x-amzn-ErrorType': 'AccessDeniedException' },
  );

let server: Server;
let received: Received[] = [];
let behaviour: Behaviour = ACCEPT;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: text === '' ? undefined : JSON.parse(text),
      });
      behaviour(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

restoreEnvAfterEach();

beforeEach(() => {
  received = [];
  behaviour = ACCEPT;
  setEnv({
    AWS_ENDPOINT_URL_SESV2: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDSTANDIN',
    AWS_SECRET_ACCESS_KEY: 'stand-in-secret',
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_EC2_METADATA_DISABLED: 'true',
  });
});

const message = renderEmail(
  'verify-email',
  { name: 'Zoë <Ada>', email: 'ada@example.com' },
  { token: 'tok/en+1', expiresInSeconds: 86_400 },
  'https://app.example.com',
);

async function sender(limits = SES_LIMITS): Promise<EmailSender> {
  return createSesSender({
    from: 'no-reply@example.com',
    configurationSet: 'auth-api-test-email',
    sendEmail: await loadSesSendEmail(limits),
  });
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the send to fail');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(EmailSendError);
      return (error as EmailSendError).failure;
    },
  );

describe('the SES sender', () => {
  it('sends SES v2 SendEmail with simple UTF-8 content, the sender, the recipient and the configuration set, signed for SES', async () => {
    await (await sender()).send(message);

    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/v2/email/outbound-emails');
    expect(request!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDSTANDIN\/\d{8}\/eu-west-1\/ses\/aws4_request, /,
    );
    expect(request!.body).toEqual({
      FromEmailAddress: 'no-reply@example.com',
      Destination: { ToAddresses: ['ada@example.com'] },
      ConfigurationSetName: 'auth-api-test-email',
      Content: {
        Simple: {
          Subject: { Data: 'Verify your email address', Charset: 'UTF-8' },
          Body: {
            Text: { Data: message.text, Charset: 'UTF-8' },
            Html: { Data: message.html, Charset: 'UTF-8' },
          },
        },
      },
    });
    expect(message.text).toContain('Hello Zoë <Ada>,');
    expect(message.html).toContain('Hello Zoë &lt;Ada&gt;,');
    expect(message.text).toContain('https://app.example.com/verify-email?token=tok%2Fen%2B1');
  });

  it('reports throttling as throttled, after the one retry the client allows', async () => {
    behaviour = THROTTLE;

    expect(await failureOf((await sender()).send(message))).toBe('throttled');
    expect(received).toHaveLength(SES_LIMITS.maxAttempts);
  });

  it('reports a server error as unavailable, after the one retry the client allows', async () => {
    behaviour = FAIL;

    expect(await failureOf((await sender()).send(message))).toBe('unavailable');
    expect(received).toHaveLength(SES_LIMITS.maxAttempts);
  });

  it('gives up on a server that does not answer, each attempt ending at the request timeout, as unavailable', async () => {
    behaviour = SILENT;

    const failure = await failureOf((await sender({ ...SES_LIMITS, requestTimeoutMs: 200 })).send(message));

    expect(failure).toBe('unavailable');
    expect(received).toHaveLength(SES_LIMITS.maxAttempts);
  });

  it('reports a refused permission as misconfigured, without retrying', async () => {
    behaviour = DENY;

    expect(await failureOf((await sender()).send(message))).toBe('misconfigured');
    expect(received).toHaveLength(1);
  });
});
