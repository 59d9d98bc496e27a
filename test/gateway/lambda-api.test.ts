import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { build } from 'esbuild';
import type { InvocationRecord } from '../../local/gateway';
import { localInvokeArn, MAX_ASYNC_PAYLOAD_BYTES } from '../../local/gateway';
import { factsOf } from '../../scripts/contract/terraform-data';
import { DIST, ROOT } from '../../scripts/paths';
import type { FixtureGateway } from './support';
import { FIXTURE_MODULES, FIXTURES, startFixtureGateway } from './support';

/**
 * The local Lambda Invoke API beside the gateway: a function that defers a job to itself (built
 * from the real shared modules and the AWS SDK's own client) gets its 202 at once and runs the job
 * afterwards in one of its own instances; what the API answers to odd calls is what Lambda answers.
 */
let f: FixtureGateway;
let lambda: LambdaClient;
let bundleDir: string;
let bundleInputs: string[];
const invocations: InvocationRecord[] = [];
const waiting: Array<{ matches: (record: InvocationRecord) => boolean; resolve: (record: InvocationRecord) => void }> =
  [];

/** The invocation record that matches, once the invocation has run (resolves at once if it already has). */
function invocation(matches: (record: InvocationRecord) => boolean): Promise<InvocationRecord> {
  const done = invocations.find(matches);
  if (done) return Promise.resolve(done);
  return new Promise((resolve) => waiting.push({ matches, resolve }));
}

function recordInvocation(record: InvocationRecord): void {
  invocations.push(record);
  for (const waiter of waiting.splice(0)) {
    if (waiter.matches(record)) waiter.resolve(record);
    else waiting.push(waiter);
  }
}

/** Where the function of /jobs-elsewhere sends its jobs: a function that does not exist, as a wrong deployment would. */
const ELSEWHERE: Readonly<Record<string, string>> = { AWS_LAMBDA_FUNCTION_NAME: 'noSuchFunction' };

/** Adds `POST <path>` to the fixture definition, served by function `key` through a proxy integration. */
const route = (path: string, key: string) => (definition: Record<string, unknown>) => {
  (definition.paths as Record<string, unknown>)[path] = {
    post: {
      operationId: key,
      security: [],
      responses: { '202': { description: 'Deferred' } },
      'x-amazon-apigateway-integration': {
        type: 'aws_proxy',
        httpMethod: 'POST',
        uri: localInvokeArn(key),
        passthroughBehavior: 'when_no_match',
        timeoutInMillis: 29000,
      },
    },
  };
};

const logsOf = (record: InvocationRecord) =>
  record.logs.flatMap((line) => {
    try {
      return [JSON.parse(line.text) as Record<string, unknown>];
    } catch {
      return [];
    }
  });

const post = (path: string, body: unknown) =>
  f.call(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

const invokeRaw = (path: string, init: RequestInit = {}) => fetch(`${f.gateway.lambdaUrl}${path}`, init);

beforeAll(async () => {
  // Inside the repository, so `@aws-sdk/*`, left out of the bundle as `make build` does, resolves from node_modules.
  bundleDir = join(DIST, '.fixtures', randomBytes(4).toString('hex'));
  const built = await build({
    entryPoints: { index: join(FIXTURES, 'deferring', 'handler.ts') },
    outdir: bundleDir,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    external: ['@aws-sdk/*'],
    metafile: true,
    logLevel: 'warning',
  });
  bundleInputs = Object.keys(built.metafile.inputs).map((input) => input.replace(`${ROOT}/`, ''));
  const entry = join(bundleDir, 'index.js');
  f = await startFixtureGateway(
    {
      patch: (definition) => {
        route('/jobs', 'deferring')(definition);
        route('/jobs-elsewhere', 'deferringElsewhere')(definition);
      },
    },
    {
      resolveFunction: (key) => ({
        key,
        entry: key.startsWith('deferring') ? entry : join(FIXTURES, FIXTURE_MODULES[key] ?? `${key}.js`),
        timeoutMs: 10_000,
        environment: key === 'deferringElsewhere' ? ELSEWHERE : {},
      }),
      onInvocation: recordInvocation,
    },
  );
  lambda = new LambdaClient({
    endpoint: f.gateway.lambdaUrl,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  lambda.destroy();
  await f.gateway.close();
  rmSync(bundleDir, { recursive: true, force: true });
});

const payload = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const decode = (bytes: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(bytes)) as unknown;

describe('a function that defers a job to itself', () => {
  it('answers at once, then runs the job in the same function with the body, correlated with the request', async () => {
    const response = await post('/jobs', { note: 'hello' });

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ deferred: true });
    const requestId = response.headers.get('x-request-id');
    const record = await invocation((r) => r.functionKey === 'deferring' && r.invocationType === 'Event');
    expect(record).toMatchObject({ outcome: 'success', requestId: expect.any(String) });
    expect(logsOf(record)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ message: 'note recorded', note: 'hello', deferred_by: requestId }),
        expect.objectContaining({
          message: 'job completed',
          operation: 'deferring',
          job_kind: 'recordNote',
          outcome: 'completed',
          correlation_id: requestId,
          function_request_id: record.requestId,
        }),
      ]),
    );
    // The HTTP request's own record is the gateway's; the job is not part of it.
    expect(f.lastRecord('/jobs').logs.some((line) => line.text.includes('note recorded'))).toBe(false);
  });

  it('gets a DeferFailed it can swallow when its jobs go to a function that does not exist', async () => {
    const response = await post('/jobs-elsewhere', { note: 'lost' });

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ deferred: false, reason: 'misconfigured' });
    expect(
      f
        .lastRecord('/jobs-elsewhere')
        .logs.map((line) => line.text)
        .join('\n'),
    ).toContain('ResourceNotFoundException');
  });

  it('is a function the code facts say defers jobs, from its bundle as built', () => {
    expect(factsOf(bundleInputs).defers_jobs).toBe(true);
  });
});

describe('the local Lambda Invoke API', () => {
  it('drops a job payload that is not a job the function runs, with a log line, and succeeds: nothing for Lambda to retry', async () => {
    const answer = await lambda.send(
      new InvokeCommand({ FunctionName: 'deferring', Payload: payload({ deferredJob: { kind: 'recordNote' } }) }),
    );

    expect(answer.StatusCode).toBe(200);
    expect(answer.FunctionError).toBeUndefined();
    expect(decode(answer.Payload)).toEqual({ outcome: 'dropped', reason: 'malformed' });
    const record = await invocation((r) => r.requestId === answer.$metadata.requestId);
    expect(record).toMatchObject({ functionKey: 'deferring', invocationType: 'RequestResponse', outcome: 'success' });
    expect(logsOf(record)).toEqual(
      expect.arrayContaining([expect.objectContaining({ message: 'job dropped', level: 'WARN' })]),
    );
  });

  it('accepts an asynchronous invocation with 202 and reports its run, failed ones with their error', async () => {
    const answer = await lambda.send(
      new InvokeCommand({ FunctionName: 'throws', InvocationType: 'Event', Payload: payload({}) }),
    );

    expect(answer.StatusCode).toBe(202);
    const record = await invocation((r) => r.requestId === answer.$metadata.requestId);
    expect(record).toMatchObject({
      functionKey: 'throws',
      invocationType: 'Event',
      outcome: 'error',
      error: { type: expect.any(String), message: expect.any(String) },
    });
  });

  it("answers a synchronous invocation with the function's result, or with its error and X-Amz-Function-Error", async () => {
    const ok = await lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: payload({}) }));
    const failed = await lambda.send(new InvokeCommand({ FunctionName: 'throws', Payload: payload({}) }));

    expect(ok).toMatchObject({ StatusCode: 200, ExecutedVersion: '$LATEST' });
    expect(ok.FunctionError).toBeUndefined();
    expect(decode(ok.Payload)).toMatchObject({ statusCode: expect.any(Number) });
    expect(failed).toMatchObject({ StatusCode: 200, FunctionError: 'Unhandled' });
    expect(decode(failed.Payload)).toMatchObject({ errorType: expect.any(String), errorMessage: expect.any(String) });
  });

  it.each([
    ['a function that does not exist', 'noSuchFunction'],
    ['a version that does not exist', 'deferring:7'],
    ['an alias that does not exist', 'arn:aws:lambda:local:000000000000:function:deferring:live'],
  ])('answers ResourceNotFoundException (404) for %s, as Lambda does', async (_what, name) => {
    const failure = await lambda
      .send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: payload({}) }))
      .catch((error: unknown) => error);

    expect(failure).toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
      message: expect.stringContaining('Function not found: arn:aws:lambda:local:000000000000:function:'),
    });
  });

  it('takes the function by name, partial ARN or ARN', async () => {
    for (const name of [
      'responses',
      '000000000000:function:responses',
      'arn:aws:lambda:local:000000000000:function:responses:$LATEST',
    ]) {
      const answer = await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'DryRun' }));
      expect({ name, status: answer.StatusCode }).toEqual({ name, status: 204 });
    }
  });

  it.each([
    ['an unknown operation', '/2015-03-31/functions/echo', { method: 'GET' }, 404, 'UnknownOperationException'],
    [
      'another method on Invoke',
      '/2015-03-31/functions/echo/invocations',
      { method: 'PUT', body: '{}' },
      404,
      'UnknownOperationException',
    ],
    [
      'a body that is not JSON',
      '/2015-03-31/functions/echo/invocations',
      { method: 'POST', body: '{"a":' },
      400,
      'InvalidRequestContentException',
    ],
    [
      'an unknown invocation type',
      '/2015-03-31/functions/echo/invocations',
      { method: 'POST', body: '{}', headers: { 'X-Amz-Invocation-Type': 'Later' } },
      400,
      'ValidationException',
    ],
    [
      'a name that is not a function name',
      '/2015-03-31/functions/%E0%A4%A/invocations',
      { method: 'POST', body: '{}' },
      400,
      'ValidationException',
    ],
    [
      'an asynchronous payload over its limit',
      '/2015-03-31/functions/echo/invocations',
      {
        method: 'POST',
        body: JSON.stringify({ pad: 'x'.repeat(MAX_ASYNC_PAYLOAD_BYTES) }),
        headers: { 'X-Amz-Invocation-Type': 'Event' },
      },
      413,
      'RequestTooLargeException',
    ],
  ] as const)("answers %s with Lambda's error, and keeps serving", async (_what, path, init, status, type) => {
    const response = await invokeRaw(path, init);

    expect(response.status).toBe(status);
    expect(response.headers.get('x-amzn-errortype')).toBe(type);
    expect(await response.json()).toEqual({ Type: 'User', Message: expect.any(String) });
    const next = await lambda.send(new InvokeCommand({ FunctionName: 'responses', InvocationType: 'DryRun' }));
    expect(next.StatusCode).toBe(204);
  });

  it("is not part of the API: the gateway's port answers its paths as API Gateway would, with a 404", async () => {
    const before = invocations.length;

    const response = await f.call('/2015-03-31/functions/deferring/invocations', { method: 'POST', body: '{}' });

    expect(response.status).toBe(404);
    expect(f.lastRecord('/2015-03-31/functions/deferring/invocations').gatewayError?.type).toBe(
      'MISSING_AUTHENTICATION_TOKEN',
    );
    expect(invocations).toHaveLength(before);
  });
});
