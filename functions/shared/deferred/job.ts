/**
 * What a deferred job is: a kind, a typed body, and the envelope that carries them through
 * Lambda's asynchronous invocation to the same function. The function's handler registers the
 * kinds it runs (handler.ts); deferJob (defer.ts) sends only those, so a job is never sent to a
 * function that would drop it.
 */
import { randomUUID } from 'node:crypto';

/** Why a job could not be deferred, the `reason` of JobNotDeferred. */
export const DEFER_FAILURE = {
  /** Lambda refused for now (TooManyRequestsException): the function is at its concurrency limit. */
  throttled: 'throttled',
  /** Lambda did not answer, or answered a server error: a network problem or an outage. */
  unavailable: 'unavailable',
  /** The deployment is wrong: no permission, no such function, a missing variable. Retrying will not help. */
  misconfigured: 'misconfigured',
  /** The job itself cannot be sent: too large, not JSON, or a body its own kind would refuse. */
  invalid: 'invalid',
} as const;

export type DeferFailure = (typeof DEFER_FAILURE)[keyof typeof DEFER_FAILURE];

/** Why a deferred job did not run to its end, the `reason` of JobFailed. */
export const JOB_FAILURE = {
  /** The payload is not a job this function runs: dropped, never retried. */
  malformed: 'malformed',
  /** The job threw: dropped, since running it again would fail the same way. */
  failed: 'failed',
  /** A dependency was unavailable: thrown back, so that Lambda retries the job (a bounded number of times). */
  retried: 'retried',
} as const;

export type JobFailure = (typeof JOB_FAILURE)[keyof typeof JOB_FAILURE];

/** A job could not be handed to Lambda. Already logged and counted (JobNotDeferred): catch it, and answer as if it had been. */
export class DeferFailed extends Error {
  override readonly name = 'DeferFailed';

  constructor(
    readonly reason: DeferFailure,
    message: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }

  /** Whether trying again later may work. */
  get transient(): boolean {
    return this.reason === DEFER_FAILURE.throttled || this.reason === DEFER_FAILURE.unavailable;
  }
}

/** What a job's run gets besides its body. */
export interface JobContext {
  /** Unique per deferral; the same on Lambda's retries of it, so logs show a job that ran twice. */
  jobId: string;
  /** The id of the request that deferred the job: the correlation id of the job's log lines. */
  requestId: string;
  /** When the job was deferred. */
  deferredAt: Date;
}

export interface JobSpec<TBody> {
  /**
   * Whether a body, as it arrives (parsed JSON), is one this job runs: a strict type guard or a
   * compiled validator. It is checked before sending too, so a body it refuses is never sent.
   */
  accepts(body: unknown): body is TBody;
  /**
   * Runs the job. Lambda may deliver a job more than once: running it twice must do no harm.
   * Throw DependencyUnavailable to have Lambda retry it later; any other error drops it.
   */
  run(body: TBody, context: JobContext): Promise<void>;
}

/**
 * A kind of job, made by defineJob and run by the function whose handler accepts it. The methods
 * are declared as methods so that a definition of any body type is a `JobDefinition<unknown>`.
 */
export interface JobDefinition<TBody> extends JobSpec<TBody> {
  readonly kind: string;
}

/** A job kind in logs and payloads: camelCase, as operationIds are. */
const KIND = /^[a-z][A-Za-z0-9]{0,63}$/;

/** Defines a kind of job. The function's handler must accept it (acceptingJobs) before deferJob can send it. */
export function defineJob<TBody>(kind: string, spec: JobSpec<TBody>): JobDefinition<TBody> {
  if (!KIND.test(kind)) throw new Error(`job kind ${JSON.stringify(kind)} must be camelCase letters and digits`);
  return {
    kind,
    accepts: (body): body is TBody => spec.accepts(body),
    run: (body, context) => spec.run(body, context),
  };
}

/**
 * The one top-level key of a job payload. API Gateway's proxy events never have it, and only the
 * function itself may invoke itself with anything else (its policy), so a client cannot send a job.
 */
export const JOB_KEY = 'deferredJob';

/** The payload format's version, so a format change can tell old payloads still queued from new ones. */
const FORMAT_VERSION = 1;

/** A job payload, kept small: Lambda queues it, and it is for a kind and a small body only. */
export const MAX_JOB_BYTES = 16 * 1024;

/** What travels in the payload: `{ "deferredJob": { ... } }`. */
export interface JobEnvelope {
  version: typeof FORMAT_VERSION;
  id: string;
  kind: string;
  body: unknown;
  requestId: string;
  /** Epoch milliseconds. */
  deferredAt: number;
}

export function envelopeOf(kind: string, body: unknown, requestId: string, deferredAt: Date): JobEnvelope {
  return { version: FORMAT_VERSION, id: randomUUID(), kind, body, requestId, deferredAt: deferredAt.getTime() };
}

/** Whether an invocation's event is a job rather than an API Gateway event: it has the job key. */
export function isJobEvent(event: unknown): event is Record<typeof JOB_KEY, unknown> {
  return typeof event === 'object' && event !== null && !Array.isArray(event) && Object.hasOwn(event, JOB_KEY);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const ENVELOPE_KEYS = ['body', 'deferredAt', 'id', 'kind', 'requestId', 'version'];
const ID = /^[A-Za-z0-9-]{1,128}$/;

/** The envelope of a job event, or why it is not one this code wrote. Never throws. */
export function readEnvelope(
  event: Record<typeof JOB_KEY, unknown>,
): { ok: true; envelope: JobEnvelope } | { ok: false; why: string; kind?: string } {
  if (Object.keys(event).length !== 1) return { ok: false, why: `keys besides ${JOB_KEY}` };
  const job = event[JOB_KEY];
  if (!isObject(job)) return { ok: false, why: `${JOB_KEY} is not an object` };
  const kind = typeof job.kind === 'string' && KIND.test(job.kind) ? job.kind : undefined;
  const refuse = (why: string) => ({ ok: false as const, why, ...(kind === undefined ? {} : { kind }) });
  const keys = Object.keys(job).sort();
  if (keys.join() !== ENVELOPE_KEYS.join()) return refuse(`fields ${keys.join(', ')}, not ${ENVELOPE_KEYS.join(', ')}`);
  if (job.version !== FORMAT_VERSION) return refuse('unknown format version');
  if (kind === undefined) return refuse('kind is not a job kind');
  if (typeof job.id !== 'string' || !ID.test(job.id)) return refuse('id is not an id');
  if (typeof job.requestId !== 'string' || !ID.test(job.requestId)) return refuse('requestId is not a request id');
  if (typeof job.deferredAt !== 'number' || !Number.isSafeInteger(job.deferredAt) || job.deferredAt < 0)
    return refuse('deferredAt is not a time');
  return {
    ok: true,
    envelope: {
      version: FORMAT_VERSION,
      id: job.id,
      kind,
      body: job.body,
      requestId: job.requestId,
      deferredAt: job.deferredAt,
    },
  };
}

/** What this function's handler accepts: set once, when handler.ts builds the handler at load. */
interface Registration {
  operation: string;
  jobs: ReadonlyMap<string, JobDefinition<unknown>>;
}

let registration: Registration | undefined;

export function register(operation: string, jobs: readonly JobDefinition<unknown>[]): Registration {
  const byKind = new Map<string, JobDefinition<unknown>>();
  for (const job of jobs) {
    if (byKind.has(job.kind)) throw new Error(`job kind ${job.kind} is accepted twice`);
    byKind.set(job.kind, job);
  }
  registration = { operation, jobs: byKind };
  return registration;
}

/** The operation whose handler accepts this job, or undefined when none does in this function. */
export function acceptingOperation(job: JobDefinition<unknown>): string | undefined {
  return registration?.jobs.get(job.kind) === job ? registration.operation : undefined;
}

/** Set while a job runs: a job that defers another could start a loop, so it may not. */
let runningJob = false;

export function whileRunningJob<T>(run: () => Promise<T>): Promise<T> {
  runningJob = true;
  return run().finally(() => {
    runningJob = false;
  });
}

export function isRunningJob(): boolean {
  return runningJob;
}
