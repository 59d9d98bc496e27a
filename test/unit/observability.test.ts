import '../support/lambda-environment';
import { DatabaseUnavailable, EmailTaken, ValidationFailed } from '../../functions/shared/errors';
import {
  countMetric,
  currentFunctionName,
  instrument,
  logger,
  MetricName,
  summarizeError,
  UNKNOWN_FUNCTION_NAME,
} from '../../functions/shared/observability';
import type * as Observability from '../../functions/shared/observability';
import type { Handled } from '../../functions/shared/observability';
import { OUTCOME } from '../../functions/shared/outcomes';
import { lambdaContext } from '../support/events';
import { captureOutput, metricNames, requestLines } from '../support/output';

const output = captureOutput();

interface ProbeEvent {
  requestId?: string;
  act: () => Promise<Handled<string>>;
}

const probe = instrument<ProbeEvent, string>({
  operation: 'probe',
  requestIdOf: (event) => event.requestId,
  run: (event) => event.act(),
  recover: (error, requestId) => {
    if (error instanceof Error && error.message === 'rethrow') throw new Error(`failed ${requestId}`);
    return `recovered ${requestId}`;
  },
});

const ok = async (): Promise<Handled<string>> => ({
  result: 'done',
  summary: { status: 200, outcome: OUTCOME.usersListed },
});

describe('instrument', () => {
  it('stops Lambda from waiting for the connection sockets to close', async () => {
    const context = lambdaContext();

    await probe({ act: ok }, context);

    expect(context.callbackWaitsForEmptyEventLoop).toBe(false);
  });

  it('writes one request line with operation, status, outcome, duration and ids', async () => {
    const context = lambdaContext('auth-api-probe');

    await expect(probe({ requestId: 'api-gateway-id', act: ok }, context)).resolves.toBe('done');

    expect(requestLines(output)).toEqual([
      expect.objectContaining({
        level: 'INFO',
        service: 'auth-api',
        operation: 'probe',
        status: 200,
        outcome: 'users_listed',
        duration_ms: expect.any(Number),
        correlation_id: 'api-gateway-id',
        function_name: 'auth-api-probe',
        function_request_id: context.awsRequestId,
        cold_start: expect.any(Boolean),
      }),
    ]);
  });

  it('uses the Lambda request id when the event carries none', async () => {
    const context = lambdaContext();

    await expect(probe({ act: () => Promise.reject(new Error('boom')) }, context)).resolves.toBe(
      `recovered ${context.awsRequestId}`,
    );

    expect(requestLines(output)[0]).toMatchObject({ correlation_id: context.awsRequestId });
  });

  it('logs an unexpected error with its stack, counts it, and answers what recover returns', async () => {
    const result = await probe(
      { requestId: 'r1', act: () => Promise.reject(new TypeError('undefined is not a function')) },
      lambdaContext(),
    );

    expect(result).toBe('recovered r1');
    const failure = output.logs().find((line) => line.message === 'request failed');
    expect(failure).toMatchObject({
      level: 'ERROR',
      correlation_id: 'r1',
      error: { name: 'TypeError', message: 'undefined is not a function', stack: expect.stringContaining('TypeError') },
    });
    expect(requestLines(output)[0]).toMatchObject({ status: 500, outcome: 'error' });
    expect(output.metrics()).toContainEqual({
      name: 'HandlerError',
      dimensions: { service: 'auth-api', operation: 'probe', outcome: 'error' },
      value: 1,
    });
  });

  it('logs a thrown non-error too', async () => {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what is under test is a rejection that is not an Error
    await probe({ act: () => Promise.reject('a string') }, lambdaContext());

    expect(output.logs().find((line) => line.message === 'request failed')).toMatchObject({
      error: { message: 'a string' },
    });
  });

  it('publishes the metrics of a failed invocation, even when recover throws', async () => {
    const failing = probe(
      {
        requestId: 'r2',
        act: async () => {
          countMetric(MetricName.LoginFailed);
          throw new Error('rethrow');
        },
      },
      lambdaContext(),
    );

    await expect(failing).rejects.toThrow('failed r2');
    expect(metricNames(output)).toEqual(expect.arrayContaining(['HandlerError', 'LoginFailed']));
    expect(requestLines(output)).toHaveLength(1);
  });

  it('writes no error line and counts no HandlerError for a client error', async () => {
    await probe({ act: () => Promise.reject(new EmailTaken()) }, lambdaContext());

    expect(output.logs().map((line) => line.message)).toEqual(['request completed']);
    expect(requestLines(output)[0]).toMatchObject({ status: 409, outcome: 'email_taken' });
    expect(metricNames(output)).toEqual([]);
  });

  it('logs an unreachable dependency as a warning', async () => {
    await probe(
      { act: () => Promise.reject(new DatabaseUnavailable(new Error('connect ECONNREFUSED'))) },
      lambdaContext(),
    );

    expect(output.logs().find((line) => line.message === 'dependency unavailable')).toMatchObject({
      level: 'WARN',
      dependency: 'database',
      error: { message: 'connect ECONNREFUSED' },
    });
  });

  it('forgets the keys of one invocation before the next', async () => {
    await probe(
      {
        act: async () => {
          logger.appendKeys({ db_connection: 'new' });
          return ok();
        },
      },
      lambdaContext(),
    );
    await probe({ act: ok }, lambdaContext());

    const [first, second] = requestLines(output);
    expect(first).toHaveProperty('db_connection', 'new');
    expect(second).not.toHaveProperty('db_connection');
  });
});

describe('currentFunctionName', () => {
  const runtimeVariable = process.env.AWS_LAMBDA_FUNCTION_NAME;
  afterEach(() => {
    if (runtimeVariable === undefined) delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    else process.env.AWS_LAMBDA_FUNCTION_NAME = runtimeVariable;
  });

  /** A fresh module, as a new Lambda instance sees it before its first invocation. */
  async function freshModule(): Promise<typeof Observability> {
    let loaded: typeof Observability | undefined;
    await jest.isolateModulesAsync(async () => {
      loaded = await import('../../functions/shared/observability');
    });
    if (loaded === undefined) throw new Error('observability did not load');
    return loaded;
  }

  it('is the name of the function the last invocation ran, as ColdStart reports it', async () => {
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'from-the-runtime';

    await probe({ act: ok }, lambdaContext('auth-api-first'));
    expect(currentFunctionName()).toBe('auth-api-first');
    await probe({ act: ok }, lambdaContext('auth-api-second'));
    expect(currentFunctionName()).toBe('auth-api-second');
  });

  it("falls back to the runtime's variable before any invocation", async () => {
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'auth-api-from-runtime';

    expect((await freshModule()).currentFunctionName()).toBe('auth-api-from-runtime');
  });

  it('says unknown outside Lambda and outside any invocation', async () => {
    delete process.env.AWS_LAMBDA_FUNCTION_NAME;

    expect((await freshModule()).currentFunctionName()).toBe(UNKNOWN_FUNCTION_NAME);
  });
});

describe('summarizeError', () => {
  it('names the invalid fields of a validation error, never their values', () => {
    expect(summarizeError(new ValidationFailed([{ path: '/email', message: 'must match format "email"' }]))).toEqual({
      status: 400,
      outcome: 'validation_failed',
      fields: { invalid_fields: ['/email'] },
    });
  });

  it('treats anything else as a 500', () => {
    expect(summarizeError(new RangeError('x'))).toEqual({ status: 500, outcome: 'error' });
  });
});
