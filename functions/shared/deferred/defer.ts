/**
 * Hands a job to the function's own asynchronous invocation: `Invoke` with `InvocationType: Event`
 * on AWS_LAMBDA_FUNCTION_NAME, which Lambda answers with 202 once the job is queued. The caller's
 * work is the same whatever the job will find, so a request that defers answers in the same time
 * whether or not, say, an account exists.
 *
 * The AWS SDK is imported on first use and Lambda's runtime provides it (scripts/build.ts leaves
 * `@aws-sdk/*` out of bundles). Locally the gateway's Lambda API stands in for Lambda: the function
 * processes get AWS_ENDPOINT_URL_LAMBDA, which the SDK honours, and dummy credentials.
 */
import { randomUUID } from 'node:crypto';
import { currentTime } from '../clock';
import { matchingVariable, requiredVariable } from '../env';
import { ConfigError } from '../errors';
import { countMetric, logger, MetricName } from '../observability';
import { once, onceAsync } from '../once';
import type { DeferFailure, JobDefinition } from './job';
import {
  acceptingOperation,
  DEFER_FAILURE,
  DeferFailed,
  envelopeOf,
  isRunningJob,
  JOB_KEY,
  MAX_JOB_BYTES,
} from './job';

/** The variable Lambda sets to the function's own name: the function a job goes back to. */
export const FUNCTION_NAME_VARIABLE = 'AWS_LAMBDA_FUNCTION_NAME';

export interface DeferConfig {
  /** The function to invoke: this one. */
  functionName: string;
}

/** Read once per instance; a missing or odd name fails every deferral with an error naming the variable. */
const deferConfig = once((): DeferConfig => {
  requiredVariable(FUNCTION_NAME_VARIABLE);
  return {
    functionName: matchingVariable(
      FUNCTION_NAME_VARIABLE,
      /^[A-Za-z0-9_-]{1,64}$/,
      '',
      'a Lambda function name (1-64 letters, digits, - or _)',
    ),
  };
});

/**
 * Queuing a job takes Lambda tens of milliseconds, and the request that defers waits for it: at
 * most two attempts (the SDK retries throttling and network errors once, with backoff) of at most
 * a second each, well within a function's timeout.
 */
const INVOKE_REQUEST_TIMEOUT_MS = 1000;
const INVOKE_CONNECTION_TIMEOUT_MS = 500;
const INVOKE_MAX_ATTEMPTS = 2;

/** Lambda's answers that mean it will not take jobs for now. */
const THROTTLED = new Set(['TooManyRequestsException', 'ThrottlingException', 'EC2ThrottledException']);

/** Lambda's answers that mean the deployment is wrong: the permission, the function, the credentials. */
const MISCONFIGURED = new Set([
  'AccessDeniedException',
  'ResourceNotFoundException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'MissingAuthenticationTokenException',
  'InvalidParameterValueException',
  'ValidationException',
  'KMSAccessDeniedException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSNotFoundException',
]);

/** Answers that mean Lambda cannot queue for this function for a moment, such as while it is being updated. */
const BUSY = new Set(['ResourceConflictException', 'ResourceNotReadyException', 'ServiceException']);

/** Answers about the payload: this code's mistake, not the deployment's. */
const INVALID = new Set(['RequestTooLargeException', 'InvalidRequestContentException']);

/** What a failed Invoke call means: by Lambda's error name, else by its HTTP status (none for a network error). */
export function classifyInvokeError(error: unknown): DeferFailure {
  const name = error instanceof Error ? error.name : '';
  if (THROTTLED.has(name)) return DEFER_FAILURE.throttled;
  if (BUSY.has(name)) return DEFER_FAILURE.unavailable;
  if (MISCONFIGURED.has(name)) return DEFER_FAILURE.misconfigured;
  if (INVALID.has(name)) return DEFER_FAILURE.invalid;
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | undefined)?.$metadata?.httpStatusCode;
  if (status === 429) return DEFER_FAILURE.throttled;
  if (typeof status === 'number' && status >= 400 && status < 500) return DEFER_FAILURE.misconfigured;
  return DEFER_FAILURE.unavailable;
}

/** The one Lambda call deferJob makes: InvokeCommand's input and output, as far as it reads them. */
type InvokeEvent = (functionName: string, payload: Uint8Array) => Promise<{ StatusCode?: number }>;

const lambdaInvoke = onceAsync(async (): Promise<InvokeEvent> => {
  const { InvokeCommand, LambdaClient } = await import('@aws-sdk/client-lambda');
  // Region and credentials come from the Lambda environment, as for every AWS SDK client.
  const client = new LambdaClient({
    maxAttempts: INVOKE_MAX_ATTEMPTS,
    requestHandler: {
      requestTimeout: INVOKE_REQUEST_TIMEOUT_MS,
      // Without it, the SDK's node handler (since @smithy/node-http-handler 4.x) only logs a
      // warning when requestTimeout passes, and the request would wait as long as Lambda takes.
      throwOnRequestTimeout: true,
      connectionTimeout: INVOKE_CONNECTION_TIMEOUT_MS,
    },
  });
  return (functionName, payload) =>
    client.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: payload }));
});

const REQUEST_ID = /^[A-Za-z0-9-]{1,128}$/;

/** The id of the request being served, which the job's log lines will carry. */
function currentRequestId(): string {
  const id = logger.getCorrelationId();
  return typeof id === 'string' && REQUEST_ID.test(id) ? id : randomUUID();
}

/**
 * Defers a job: this function will run `job` with `body` in an invocation of its own, after
 * Lambda has queued it; this call returns once it is queued. The body travels as JSON, so it must
 * be JSON that `job.accepts` takes back. Never logged: it may hold an email address.
 *
 * @throws DeferFailed when the job could not be queued, with its reason; it is already logged and
 * counted (JobNotDeferred), so catch it and answer as if the job had been deferred.
 * @throws Error when this function's handler does not accept `job` (acceptingJobs), or when
 * called from a running job: mistakes in the code, not conditions to handle.
 */
export async function deferJob<TBody>(job: JobDefinition<TBody>, body: TBody): Promise<void> {
  const operation = acceptingOperation(job);
  if (operation === undefined)
    throw new Error(`job ${job.kind} is not accepted by this function's handler: list it in acceptingJobs`);
  // A job that defers another could loop; Lambda would stop it only after many rounds.
  if (isRunningJob()) throw new Error(`job ${job.kind} cannot be deferred from a running job`);

  const fail = (reason: DeferFailure, message: string, cause?: unknown): never => {
    const failure = new DeferFailed(reason, message, cause);
    const fields = { operation, job_kind: job.kind, reason };
    if (failure.transient) logger.warn('job not deferred', { ...fields, error: failure });
    else logger.error('job not deferred', { ...fields, error: failure });
    countMetric(MetricName.JobNotDeferred, { operation, reason });
    throw failure;
  };

  let payload: string;
  try {
    payload = JSON.stringify({ [JOB_KEY]: envelopeOf(job.kind, body, currentRequestId(), currentTime()) });
  } catch (error) {
    return fail(DEFER_FAILURE.invalid, `job ${job.kind}: the body is not JSON`, error);
  }
  const bytes = Buffer.from(payload);
  if (bytes.length > MAX_JOB_BYTES)
    return fail(DEFER_FAILURE.invalid, `job ${job.kind}: ${bytes.length} bytes, over ${MAX_JOB_BYTES}`);
  // What the function will read back, checked here so that a body it would drop is refused loudly now.
  const sent = (JSON.parse(payload) as Record<typeof JOB_KEY, { body: unknown }>)[JOB_KEY].body;
  if (!job.accepts(sent))
    return fail(DEFER_FAILURE.invalid, `job ${job.kind}: the body, as JSON, is not one the job accepts`);

  let functionName: string;
  let invoke: InvokeEvent;
  try {
    ({ functionName } = deferConfig());
    invoke = await lambdaInvoke();
  } catch (error) {
    const what = error instanceof ConfigError ? error.message : 'the Lambda client cannot be loaded';
    return fail(DEFER_FAILURE.misconfigured, `job ${job.kind}: ${what}`, error);
  }
  let answer: { StatusCode?: number };
  try {
    answer = await invoke(functionName, bytes);
  } catch (error) {
    const name = error instanceof Error ? error.name : 'unknown';
    return fail(
      classifyInvokeError(error),
      `job ${job.kind}: Lambda refused to queue it for ${functionName} (${name})`,
      error,
    );
  }
  // Lambda answers 202 to an Event invocation it has queued; anything else queued nothing.
  if (answer.StatusCode !== 202)
    fail(DEFER_FAILURE.unavailable, `job ${job.kind}: Lambda answered ${answer.StatusCode} instead of 202`);
}
