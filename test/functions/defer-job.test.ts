import '../support/lambda-environment';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JobDefinition } from '../../functions/shared/deferred';
import {
  acceptingJobs,
  DEFER_FAILURE,
  deferJob,
  DeferFailed,
  defineJob,
  MAX_JOB_BYTES,
} from '../../functions/shared/deferred';
import { httpHandler } from '../../functions/shared/http-handler';
import { logger, MetricName } from '../../functions/shared/observability';
import { OUTCOME } from '../../functions/shared/outcomes';
import { lambdaContext } from '../support/events';
import { captureOutput } from '../support/output';

/**
 * deferJob through the AWS SDK's own Lambda client, against a small local stand-in for Lambda's
 * Invoke API (AWS_ENDPOINT_URL_LAMBDA points the SDK at it, as the local gateway does for the
 * function processes): what it sends, and what each of Lambda's answers makes of it.
 */
const output = captureOutput();

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How the stand-in answers the next calls: Lambda's status and error type, or a dropped connection. */
type Answer = { status: number; errorType?: string } | 'hang-up' | 'silent';

let server: Server;
const received: Received[] = [];
let answer: Answer = { status: 202 };

const FUNCTION_NAME = 'auth-api-test-forgotPassword';
const EMAIL = 'ada@example.com';

interface Recipient {
  email: string;
}
const isRecipient = (body: unknown): body is Recipient =>
  typeof body === 'object' &&
  body !== null &&
  Object.keys(body).join() === 'email' &&
  typeof (body as Recipient).email === 'string';

const ran: Recipient[] = [];
const notify = defineJob('notify', {
  accepts: isRecipient,
  run: async (body) => {
    ran.push(body);
  },
});
const handler = acceptingJobs(
  'forgotPassword',
  httpHandler('forgotPassword', async () => ({ status: 202, body: {}, outcome: OUTCOME.usersListed })),
  [notify],
);

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (answer === 'hang-up') {
        req.socket.destroy();
        return;
      }
      // Never answers: the client's request timeout must end the wait.
      if (answer === 'silent') return;
      const { status, errorType } = answer;
      if (errorType === undefined) {
        res.writeHead(status).end();
        return;
      }
      res
        .writeHead(status, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': errorType })
        .end(JSON.stringify({ Type: 'User', Message: `${errorType} from the stand-in` }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  // Read by the SDK when deferJob first creates its client, and kept by it.
  process.env.AWS_ENDPOINT_URL_LAMBDA = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  process.env.AWS_LAMBDA_FUNCTION_NAME = FUNCTION_NAME;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
  for (const name of [
    'AWS_ENDPOINT_URL_LAMBDA',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_LAMBDA_FUNCTION_NAME',
  ])
    delete process.env[name];
});

beforeEach(() => {
  received.length = 0;
  ran.length = 0;
  answer = { status: 202 };
  logger.setCorrelationId('request-that-defers');
});

const notDeferred = () => output.metrics().filter((metric) => metric.name === MetricName.JobNotDeferred);

describe('deferJob', () => {
  it('queues the job with one Event invocation of this very function, which then runs it with the body', async () => {
    await deferJob(notify, { email: EMAIL });

    expect(received).toHaveLength(1);
    const [call] = received as [Received];
    expect(call.method).toBe('POST');
    expect(call.url).toBe(`/2015-03-31/functions/${FUNCTION_NAME}/invocations`);
    expect(call.headers['x-amz-invocation-type']).toBe('Event');
    expect(call.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=test\//);
    const payload = JSON.parse(call.body) as Record<string, unknown>;
    expect(payload).toEqual({
      deferredJob: {
        version: 1,
        id: expect.any(String),
        kind: 'notify',
        body: { email: EMAIL },
        requestId: 'request-that-defers',
        deferredAt: expect.any(Number),
      },
    });

    await expect(handler(payload, lambdaContext())).resolves.toEqual({ outcome: 'completed' });
    expect(ran).toEqual([{ email: EMAIL }]);
    expect(notDeferred()).toEqual([]);
  });

  it.each([
    [
      'a throttled Lambda, after one retry',
      { status: 429, errorType: 'TooManyRequestsException' },
      DEFER_FAILURE.throttled,
      2,
    ],
    ['a Lambda outage, after one retry', { status: 500, errorType: 'ServiceException' }, DEFER_FAILURE.unavailable, 2],
    [
      'a function being updated, at once',
      { status: 409, errorType: 'ResourceConflictException' },
      DEFER_FAILURE.unavailable,
      1,
    ],
    ['a dropped connection, after one retry', 'hang-up' as const, DEFER_FAILURE.unavailable, 2],
    ['a Lambda that never answers, after one retry', 'silent' as const, DEFER_FAILURE.unavailable, 2],
    [
      'a missing permission, at once',
      { status: 403, errorType: 'AccessDeniedException' },
      DEFER_FAILURE.misconfigured,
      1,
    ],
    [
      'a function that does not exist, at once',
      { status: 404, errorType: 'ResourceNotFoundException' },
      DEFER_FAILURE.misconfigured,
      1,
    ],
    [
      'a payload Lambda finds too large, at once',
      { status: 413, errorType: 'RequestTooLargeException' },
      DEFER_FAILURE.invalid,
      1,
    ],
    ['an answer other than 202', { status: 200 }, DEFER_FAILURE.unavailable, 1],
  ])('fails on %s: a DeferFailed naming the reason, logged and counted', async (_what, next, reason, attempts) => {
    answer = next;

    const failure = await deferJob(notify, { email: EMAIL }).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(DeferFailed);
    expect((failure as DeferFailed).reason).toBe(reason);
    expect(received).toHaveLength(attempts);
    expect(output.logs().filter((line) => line.message === 'job not deferred')).toEqual([
      expect.objectContaining({ operation: 'forgotPassword', job_kind: 'notify', reason }),
    ]);
    expect(notDeferred()).toEqual([
      expect.objectContaining({
        dimensions: expect.objectContaining({ operation: 'forgotPassword', reason }),
        value: 1,
      }),
    ]);
    expect(output.text()).not.toContain(EMAIL);
  });

  it('refuses, without calling Lambda, a body its kind would not accept once sent as JSON, or over the size limit', async () => {
    const bodies: unknown[] = [
      { email: EMAIL, extra: true },
      { email: 'x'.repeat(MAX_JOB_BYTES) },
      { email: { toJSON: () => 42 } },
    ];
    for (const body of bodies) {
      await expect(deferJob(notify, body as Recipient)).rejects.toMatchObject({ reason: DEFER_FAILURE.invalid });
    }
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(deferJob(notify, circular as unknown as Recipient)).rejects.toMatchObject({
      reason: DEFER_FAILURE.invalid,
    });

    expect(received).toEqual([]);
    expect(notDeferred()).toHaveLength(4);
  });

  it("throws a plain error, not one to swallow, for a job the function's handler does not accept", async () => {
    const stray: JobDefinition<Recipient> = defineJob('stray', { accepts: isRecipient, run: async () => undefined });

    const failure = await deferJob(stray, { email: EMAIL }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(DeferFailed);
    expect((failure as Error).message).toContain('acceptingJobs');
    expect(received).toEqual([]);
  });

  it('fails as misconfigured, naming AWS_LAMBDA_FUNCTION_NAME, when that variable is missing or not a name', async () => {
    for (const value of [undefined, 'not a name']) {
      await jest.isolateModulesAsync(async () => {
        const fresh = await import('../../functions/shared/deferred');
        const job = fresh.defineJob('notify', { accepts: isRecipient, run: async () => undefined });
        fresh.acceptingJobs(
          'forgotPassword',
          httpHandler('forgotPassword', async () => ({ status: 202, body: {}, outcome: OUTCOME.usersListed })),
          [job],
        );
        const saved = process.env.AWS_LAMBDA_FUNCTION_NAME;
        if (value === undefined) delete process.env.AWS_LAMBDA_FUNCTION_NAME;
        else process.env.AWS_LAMBDA_FUNCTION_NAME = value;
        try {
          const failure = await fresh.deferJob(job, { email: EMAIL }).catch((error: unknown) => error);
          expect(failure).toMatchObject({ name: 'DeferFailed', reason: DEFER_FAILURE.misconfigured });
          expect((failure as Error).message).toContain('AWS_LAMBDA_FUNCTION_NAME');
        } finally {
          process.env.AWS_LAMBDA_FUNCTION_NAME = saved;
        }
      });
    }
    expect(received).toEqual([]);
  });
});
