import '../support/lambda-environment';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { JobContext } from '../../functions/shared/deferred';
import { acceptingJobs, deferJob, defineJob, JOB_FAILURE } from '../../functions/shared/deferred';
import { DatabaseUnavailable } from '../../functions/shared/errors';
import { httpHandler } from '../../functions/shared/http-handler';
import { MetricName } from '../../functions/shared/observability';
import { OUTCOME } from '../../functions/shared/outcomes';
import { lambdaContext, proxyEvent } from '../support/events';
import { captureOutput, requestLines } from '../support/output';

/**
 * A function's handler built with acceptingJobs: API Gateway events reach its HTTP handler as
 * before, its own job payloads run the job of their kind, and anything else that claims to be a
 * job is logged and dropped without a throw that Lambda would retry.
 */
const output = captureOutput();

interface Note {
  note: string;
}
const isNote = (body: unknown): body is Note =>
  typeof body === 'object' &&
  body !== null &&
  Object.keys(body).join() === 'note' &&
  typeof (body as { note: unknown }).note === 'string';

const runs: Array<{ body: Note; context: JobContext }> = [];
let behaviour: 'succeed' | 'throw' | 'database-down' | 'defer-again' = 'succeed';

const recordNote = defineJob('recordNote', {
  accepts: isNote,
  async run(body, context) {
    runs.push({ body, context });
    if (behaviour === 'throw') throw new Error('the job broke');
    if (behaviour === 'database-down') throw new DatabaseUnavailable(new Error('no primary'));
    if (behaviour === 'defer-again') await deferJob(recordNote, body);
  },
});

const http = httpHandler('listUsers', async () => ({
  status: 200,
  body: { served: 'http' },
  outcome: OUTCOME.usersListed,
}));
const handler = acceptingJobs('listUsers', http, [recordNote]);

const SECRET = 'ada@example.com';

function jobEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    deferredJob: {
      version: 1,
      id: randomUUID(),
      kind: 'recordNote',
      body: { note: SECRET },
      requestId: 'deferring-request-1',
      deferredAt: Date.now() - 1500,
      ...overrides,
    },
  };
}

const jobLines = () => output.logs().filter((line) => line.message === 'job completed');
const jobFailures = () => output.metrics().filter((metric) => metric.name === MetricName.JobFailed);

beforeEach(() => {
  runs.length = 0;
  behaviour = 'succeed';
});

describe('acceptingJobs', () => {
  it('passes API Gateway proxy events to the HTTP handler, as before', async () => {
    const response = (await handler(proxyEvent({ path: '/users' }), lambdaContext())) as APIGatewayProxyResult;

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ served: 'http' });
    expect(requestLines(output)).toHaveLength(1);
    expect(runs).toEqual([]);
  });

  it("runs a job payload with its kind's job, the body as sent and the deferring request's id", async () => {
    const event = jobEvent();
    const { id, deferredAt } = event.deferredJob as { id: string; deferredAt: number };

    await expect(handler(event, lambdaContext())).resolves.toEqual({ outcome: 'completed' });

    expect(runs).toEqual([
      {
        body: { note: SECRET },
        context: { jobId: id, requestId: 'deferring-request-1', deferredAt: new Date(deferredAt) },
      },
    ]);
    expect(jobFailures()).toEqual([]);
  });

  it('writes one job line with operation, kind, id, outcome, age and duration, correlated with the deferring request', async () => {
    const event = jobEvent();

    await handler(event, lambdaContext('auth-api-test-listUsers'));

    expect(jobLines()).toEqual([
      expect.objectContaining({
        level: 'INFO',
        operation: 'listUsers',
        job_kind: 'recordNote',
        job_id: (event.deferredJob as { id: string }).id,
        outcome: 'completed',
        age_ms: expect.any(Number),
        duration_ms: expect.any(Number),
        correlation_id: 'deferring-request-1',
        function_name: 'auth-api-test-listUsers',
      }),
    ]);
    expect((jobLines()[0]!.age_ms as number) >= 1500).toBe(true);
    expect(requestLines(output)).toEqual([]);
  });

  it.each([
    ['a payload with keys besides deferredJob', { ...jobEvent(), extra: 1 }],
    ['a deferredJob that is not an object', { deferredJob: 'recordNote' }],
    ['a deferredJob that is null', { deferredJob: null }],
    ['a job of a kind this function does not run', jobEvent({ kind: 'sendSpam' })],
    ['a kind that is not a job kind', jobEvent({ kind: '<script>' })],
    ['a body its kind does not accept', jobEvent({ body: { note: 42 } })],
    ['a body with a field too many', jobEvent({ body: { note: SECRET, admin: true } })],
    ['a missing body', { deferredJob: { ...(jobEvent().deferredJob as object), body: undefined } }],
    ['another format version', jobEvent({ version: 2 })],
    ['an id that is not an id', jobEvent({ id: 'a b' })],
    ['a request id that could forge log fields', jobEvent({ requestId: 'x\n{"level":"ERROR"}' })],
    ['a time that is not a time', jobEvent({ deferredAt: '2026-01-31' })],
    ['an unknown field', jobEvent({ priority: 'high' })],
  ])('drops %s: logged, counted, never thrown (Lambda would retry a throw)', async (_what, event) => {
    await expect(handler(event, lambdaContext())).resolves.toEqual({
      outcome: 'dropped',
      reason: JOB_FAILURE.malformed,
    });

    expect(runs).toEqual([]);
    expect(output.logs().filter((line) => line.message === 'job dropped')).toEqual([
      expect.objectContaining({ level: 'WARN', operation: 'listUsers', why: expect.any(String) }),
    ]);
    expect(jobFailures()).toEqual([
      {
        name: MetricName.JobFailed,
        dimensions: expect.objectContaining({ operation: 'listUsers', reason: 'malformed' }),
        value: 1,
      },
    ]);
    expect(jobLines()).toEqual([expect.objectContaining({ outcome: 'dropped', reason: 'malformed' })]);
  });

  it('names the kind of a dropped job only when it is a job kind', async () => {
    await handler(jobEvent({ kind: 'sendSpam' }), lambdaContext());
    await handler(jobEvent({ kind: 'x'.repeat(200) }), lambdaContext());

    const kinds = output
      .logs()
      .filter((line) => line.message === 'job dropped')
      .map((line) => line.job_kind);
    expect(kinds).toEqual(['sendSpam', undefined]);
  });

  it('never writes a job body to the logs, whatever happens to the job', async () => {
    for (const next of ['succeed', 'throw'] as const) {
      behaviour = next;
      await handler(jobEvent(), lambdaContext());
    }
    await handler(jobEvent({ body: { note: SECRET, admin: true } }), lambdaContext());

    expect(output.text()).not.toContain(SECRET);
  });

  it('drops a job that throws, counting it as failed, so that Lambda does not run it again', async () => {
    behaviour = 'throw';

    await expect(handler(jobEvent(), lambdaContext())).resolves.toEqual({
      outcome: 'dropped',
      reason: JOB_FAILURE.failed,
    });

    expect(output.logs().filter((line) => line.message === 'job failed')).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        job_kind: 'recordNote',
        error: expect.objectContaining({ message: 'the job broke' }),
      }),
    ]);
    expect(jobFailures()).toEqual([
      expect.objectContaining({ dimensions: expect.objectContaining({ operation: 'listUsers', reason: 'failed' }) }),
    ]);
  });

  it('throws back a job whose dependency is unavailable, so that Lambda retries it, counting it as retried', async () => {
    behaviour = 'database-down';

    await expect(handler(jobEvent(), lambdaContext())).rejects.toBeInstanceOf(DatabaseUnavailable);

    expect(jobFailures()).toEqual([
      expect.objectContaining({ dimensions: expect.objectContaining({ reason: 'retried' }) }),
    ]);
    expect(jobLines()).toEqual([expect.objectContaining({ outcome: 'retrying', reason: 'retried' })]);
  });

  it('lets no job defer another, so that jobs cannot loop', async () => {
    behaviour = 'defer-again';

    await expect(handler(jobEvent(), lambdaContext())).resolves.toEqual({
      outcome: 'dropped',
      reason: JOB_FAILURE.failed,
    });

    expect(output.logs().find((line) => line.message === 'job failed')).toMatchObject({
      error: { message: 'job recordNote cannot be deferred from a running job' },
    });
  });

  it('refuses two jobs of one kind, and kinds that are not camelCase', () => {
    expect(() => acceptingJobs('listUsers', http, [recordNote, recordNote])).toThrow(
      'job kind recordNote is accepted twice',
    );
    expect(() => defineJob('send-note', { accepts: isNote, run: async () => undefined })).toThrow('camelCase');
  });
});
