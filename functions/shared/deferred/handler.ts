/**
 * The Lambda entry of a function that defers jobs to itself: API Gateway's proxy events go to its
 * HTTP handler as before, and its own job payloads (the `deferredJob` key) run the job of their kind.
 *
 * A payload that is not a job this function runs is logged and dropped, never thrown: Lambda would
 * retry a thrown asynchronous invocation, and a malformed payload stays malformed. A job run gets
 * the routine of every invocation (context, correlation id, cold start, metrics) and one log line,
 * `job completed`, with its kind, id, outcome, age and duration, never its body.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { currentTime } from '../clock';
import { DependencyUnavailable } from '../errors';
import type { HttpHandler } from '../http-handler';
import {
  beginInvocation,
  countMetric,
  endInvocation,
  invocationConfigError,
  logger,
  MetricName,
} from '../observability';
import type { JobDefinition, JobFailure } from './job';
import { isJobEvent, JOB_FAILURE, readEnvelope, register, whileRunningJob } from './job';

/** What a job invocation returns: Lambda discards it for asynchronous invocations; a synchronous one (a test, the console) reads it. */
export interface JobResult {
  /** `retrying` only reaches the log line: the invocation fails, so that Lambda retries it. */
  outcome: 'completed' | 'dropped' | 'retrying';
  reason?: JobFailure;
}

export type JobAcceptingHandler = (
  event: APIGatewayProxyEvent | Record<string, unknown>,
  context: Context,
) => Promise<APIGatewayProxyResult | JobResult>;

/**
 * The handler of a function that defers jobs: `http` serves its API Gateway events and `jobs` are
 * the kinds it runs (and so the only ones deferJob sends). Build it once, in handler.ts:
 *
 * ```ts
 * export const handler = acceptingJobs('forgotPassword', httpHandler('forgotPassword', forgotPassword), [sendResetEmail]);
 * ```
 */
export function acceptingJobs(
  operation: string,
  http: HttpHandler,
  jobs: readonly JobDefinition<unknown>[],
): JobAcceptingHandler {
  const accepted = register(operation, jobs).jobs;

  async function runJob(event: Parameters<typeof readEnvelope>[0], context: Context): Promise<JobResult> {
    const started = performance.now();
    const read = readEnvelope(event);
    const envelope = read.ok ? read.envelope : undefined;
    const kind = envelope?.kind ?? (read.ok ? undefined : read.kind);
    const requestId = beginInvocation(context, envelope?.requestId);
    let result: JobResult = { outcome: 'completed' };
    const drop = (reason: JobFailure): JobResult => {
      countMetric(MetricName.JobFailed, { operation, reason });
      return { outcome: 'dropped', reason };
    };
    try {
      const configError = invocationConfigError();
      const job = envelope === undefined ? undefined : accepted.get(envelope.kind);
      if (configError !== undefined) {
        logger.error('configuration error', { variable: configError.variable, error: configError });
        result = drop(JOB_FAILURE.failed);
      } else if (envelope === undefined || job === undefined || !job.accepts(envelope.body)) {
        // The reason, never the payload: a body may hold an email address.
        const why = !read.ok
          ? read.why
          : job === undefined
            ? 'not a kind this function runs'
            : 'the body is not one its kind accepts';
        logger.warn('job dropped', { operation, ...(kind === undefined ? {} : { job_kind: kind }), why });
        result = drop(JOB_FAILURE.malformed);
      } else {
        const { id: jobId, body } = envelope;
        const deferredAt = new Date(envelope.deferredAt);
        await whileRunningJob(() => job.run(body, { jobId, requestId, deferredAt }));
      }
    } catch (error) {
      if (error instanceof DependencyUnavailable) {
        // Worth another try later: Lambda retries a failed asynchronous invocation (a bounded number of times).
        logger.warn('job failed, to be retried', { operation, job_kind: kind, dependency: error.dependency, error });
        countMetric(MetricName.JobFailed, { operation, reason: JOB_FAILURE.retried });
        result = { outcome: 'retrying', reason: JOB_FAILURE.retried };
        throw error;
      }
      logger.error('job failed', {
        operation,
        job_kind: kind,
        error: error instanceof Error ? error : new Error(String(error)),
      });
      result = drop(JOB_FAILURE.failed);
    } finally {
      logger.info('job completed', {
        operation,
        ...(kind === undefined ? {} : { job_kind: kind }),
        ...(envelope === undefined
          ? {}
          : { job_id: envelope.id, age_ms: currentTime().getTime() - envelope.deferredAt }),
        outcome: result.outcome,
        ...(result.reason === undefined ? {} : { reason: result.reason }),
        duration_ms: Math.round((performance.now() - started) * 10) / 10,
      });
      endInvocation();
    }
    return result;
  }

  return (event, context) => (isJobEvent(event) ? runJob(event, context) : http(event, context));
}
