/**
 * The one Logger and the one Metrics of every function, and the one wrapper every handler goes
 * through. The wrapper owns the per-invocation routine (Lambda context, correlation id, cold start,
 * one log line per request, metrics flushed even on failure) so handlers contain none of it.
 *
 * Never log events, bodies, passwords, hashes, tokens or Authorization headers: log fields chosen
 * one by one, as the request line does.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { observabilityConfig } from './config';
import { ConfigError, DependencyUnavailable, HttpError, ValidationFailed } from './errors';
import type { Outcome } from './outcomes';
import { OUTCOME } from './outcomes';

const settings = observabilityConfig();

export const logger = new Logger({ serviceName: settings.serviceName, logLevel: settings.logLevel });

export const metrics = new Metrics({ serviceName: settings.serviceName, namespace: settings.metricsNamespace });

/**
 * Every metric the functions publish, all counts. Add a name here before emitting it, so that
 * dashboards and alarms have one list to read (`make generate` carries it to infra/ in
 * generated/terraform.json).
 */
export const MetricName = {
  /** Powertools' own, published by captureColdStartMetric on an instance's first invocation. */
  ColdStart: 'ColdStart',
  /** An invocation opened a new database connection (cold start, or recovery after a closed connection). Dimension `function_name`. */
  DbConnectionNew: 'DbConnectionNew',
  /** An invocation reused the instance's connection. Dimension `function_name`. */
  DbConnectionReused: 'DbConnectionReused',
  RegistrationSucceeded: 'RegistrationSucceeded',
  RegistrationEmailTaken: 'RegistrationEmailTaken',
  /** A registration refused before reaching the database: bad media type, size, JSON or fields. */
  RegistrationRejected: 'RegistrationRejected',
  LoginSucceeded: 'LoginSucceeded',
  /** Wrong password or unknown email (one metric: they are one answer). */
  LoginFailed: 'LoginFailed',
  /** A login refused before the credentials were checked. */
  LoginRejected: 'LoginRejected',
  AuthorizerAllowed: 'AuthorizerAllowed',
  /** Dimension `reason`: one of TOKEN_REJECTION. */
  AuthorizerRejected: 'AuthorizerRejected',
  /** A session began (register or login). */
  SessionCreated: 'SessionCreated',
  RefreshSucceeded: 'RefreshSucceeded',
  /** Dimension `reason`: one of REFRESH_REJECTION. */
  RefreshRefused: 'RefreshRefused',
  /** A refresh token that was already exchanged came back: its session is revoked. Alarmed. */
  RefreshTokenReuse: 'RefreshTokenReuse',
  /** POST /logout, whether or not the token matched a session. */
  Logout: 'Logout',
  /** Sessions ended before their time. Dimension `reason`: one of REVOKE_REASON. */
  SessionRevoked: 'SessionRevoked',
  /** A 5xx answer or a failed authorizer. Dimensions `operation` and `outcome`. */
  HandlerError: 'HandlerError',
  /** A new password refused by the password policy. Dimension `reason`: one of PASSWORD_REJECTION. */
  PasswordRejected: 'PasswordRejected',
  /** The breached-password service did not answer in time or answered badly: the password was accepted without it. */
  PwnedCheckUnavailable: 'PwnedCheckUnavailable',
  /** An attempt refused with 429 by the throttle. Dimensions `operation` and `scope` (one of THROTTLE_SCOPE). */
  AttemptThrottled: 'AttemptThrottled',
  /** Every AttemptThrottled, without its dimensions: what the alarm reads. */
  AttemptThrottledTotal: 'AttemptThrottledTotal',
  /** An email was not sent; its request answered as if it had been. Dimension `reason`: one of EMAIL_FAILURE. Alarmed. */
  EmailSendFailed: 'EmailSendFailed',
  /** A job a function could not hand to its own asynchronous invocation. Dimensions `operation` and `reason` (one of DEFER_FAILURE). */
  JobNotDeferred: 'JobNotDeferred',
  /** A deferred job that did not run to its end. Dimensions `operation` and `reason` (one of JOB_FAILURE). */
  JobFailed: 'JobFailed',
} as const;

export type MetricName = (typeof MetricName)[keyof typeof MetricName];

/**
 * The dimensions each metric is published with besides `service`, which every metric carries.
 * All low-cardinality: a function name, an operationId, an outcome or a reason from a fixed set;
 * never an id, an email or free text. CloudWatch tells metrics apart by name and dimension set,
 * so a dashboard must ask for exactly these.
 */
export const METRIC_DIMENSIONS = {
  ColdStart: ['function_name'],
  // Per function, as ColdStart: how well connections are reused depends on each function's traffic.
  DbConnectionNew: ['function_name'],
  DbConnectionReused: ['function_name'],
  RegistrationSucceeded: [],
  RegistrationEmailTaken: [],
  RegistrationRejected: [],
  LoginSucceeded: [],
  LoginFailed: [],
  LoginRejected: [],
  AuthorizerAllowed: [],
  AuthorizerRejected: ['reason'],
  SessionCreated: [],
  RefreshSucceeded: [],
  RefreshRefused: ['reason'],
  RefreshTokenReuse: [],
  Logout: [],
  SessionRevoked: ['reason'],
  HandlerError: ['operation', 'outcome'],
  PasswordRejected: ['reason'],
  PwnedCheckUnavailable: [],
  AttemptThrottled: ['operation', 'scope'],
  AttemptThrottledTotal: [],
  EmailSendFailed: ['reason'],
  JobNotDeferred: ['operation', 'reason'],
  JobFailed: ['operation', 'reason'],
} as const satisfies Record<MetricName, readonly string[]>;

/** The dimension every metric carries: Powertools' service name. */
export const SERVICE_DIMENSION = 'service';

/** The metrics our code counts (ColdStart is left to Powertools). */
export type CountedMetric = Exclude<MetricName, typeof MetricName.ColdStart>;

type DimensionsOf<TName extends CountedMetric> = Readonly<Record<(typeof METRIC_DIMENSIONS)[TName][number], string>>;

/**
 * Counts one occurrence, with exactly the dimensions METRIC_DIMENSIONS declares for the metric.
 * With dimensions it is published at once as its own EMF record, so they do not apply to other metrics.
 */
export function countMetric<TName extends CountedMetric>(
  name: TName,
  ...dimensions: (typeof METRIC_DIMENSIONS)[TName] extends readonly [] ? [] : [DimensionsOf<TName>]
): void {
  const [values] = dimensions;
  if (values === undefined) {
    metrics.addMetric(name, MetricUnit.Count, 1);
    return;
  }
  const single = metrics.singleMetric();
  single.addDimensions({ ...values });
  single.addMetric(name, MetricUnit.Count, 1);
}

/** Outside Lambda and outside an invocation, so that a script's metrics still have the dimension. */
export const UNKNOWN_FUNCTION_NAME = 'unknown';

/** Set by the wrapper from the Lambda context: what ColdStart's `function_name` carries too. */
let invokedFunctionName: string | undefined;

/** Counts invocations of this instance, so per-invocation facts (such as the connection used) are reported once. */
let invocationNumber = 0;

/** The number of the current invocation of this instance (0 before the first). */
export function currentInvocation(): number {
  return invocationNumber;
}

/**
 * The Lambda function this instance runs, for the `function_name` dimension: the invocation
 * context's name, or the runtime's variable before any invocation (such as during init).
 */
export function currentFunctionName(): string {
  return invokedFunctionName ?? process.env.AWS_LAMBDA_FUNCTION_NAME ?? UNKNOWN_FUNCTION_NAME;
}

/** What the request line reports about how an invocation ended. */
export interface Summary {
  /** The HTTP status the client gets (for the authorizer: what API Gateway answers). */
  status: number;
  outcome: Outcome;
  /** A low-cardinality refinement, such as why a token was rejected. */
  reason?: string;
  /** Extra fields for the request line; never request values. */
  fields?: Readonly<Record<string, unknown>>;
}

export interface Handled<TResult> {
  result: TResult;
  summary: Summary;
}

/** What a kind of function (HTTP proxy, TOKEN authorizer) plugs into the wrapper. */
export interface InvocationAdapter<TEvent, TResult> {
  /** The operationId, or `authorizer`. */
  operation: string;
  /** The id clients and logs share (API Gateway's request id); undefined falls back to Lambda's. */
  requestIdOf(event: TEvent): string | undefined;
  run(event: TEvent, requestId: string): Promise<Handled<TResult>>;
  /** Turns an error into the function's answer, or throws what the caller must receive. */
  recover(error: unknown, requestId: string): TResult;
}

/** How an error ends an invocation; unknown errors are 500s. */
export function summarizeError(error: unknown): Summary {
  if (!(error instanceof HttpError)) return { status: 500, outcome: OUTCOME.error };
  const summary: Summary = { status: error.status, outcome: error.outcome };
  if (error.reason !== undefined) summary.reason = error.reason;
  if (error instanceof ValidationFailed) summary.fields = { invalid_fields: error.errors.map((e) => e.path) };
  if (error instanceof ConfigError) summary.fields = { variable: error.variable };
  return summary;
}

/** 4xx errors are the client's; the request line says enough. Ours get their own line, with the stack. */
function logFailure(error: unknown, summary: Summary): void {
  if (summary.status < 500) return;
  if (error instanceof DependencyUnavailable) {
    logger.warn('dependency unavailable', {
      dependency: error.dependency,
      error: error.cause instanceof Error ? error.cause : error,
    });
  } else if (error instanceof ConfigError) {
    logger.error('configuration error', { variable: error.variable, error });
  } else {
    logger.error('request failed', { error: error instanceof Error ? error : new Error(String(error)) });
  }
}

/**
 * Starts the per-invocation routine every kind of invocation shares (an HTTP request, an
 * authorizer call, a deferred job): the Lambda context on every log line, the correlation id, the
 * invocation count and the cold start. Returns the request id the logs carry: `correlationId`
 * when there is one, else Lambda's own. Pair it with endInvocation, in a `finally`.
 */
export function beginInvocation(context: Context, correlationId: string | undefined): string {
  // The database connection keeps sockets and timers alive between invocations; do not wait for them.
  context.callbackWaitsForEmptyEventLoop = false;
  logger.addContext(context);
  invokedFunctionName = context.functionName;
  invocationNumber += 1;
  const requestId = correlationId ?? context.awsRequestId;
  logger.setCorrelationId(requestId);
  metrics.captureColdStartMetric(context.functionName);
  return requestId;
}

/** Ends what beginInvocation started: publishes the metrics counted meanwhile, forgets the invocation's log keys. */
export function endInvocation(): void {
  // Nothing stored means nothing to publish; calling anyway would log a warning on every such request.
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  logger.resetKeys();
}

/** The configuration error every invocation answers instead of running, when LOG_LEVEL is invalid. */
export function invocationConfigError(): ConfigError | undefined {
  return settings.logLevelError;
}

/**
 * Wraps a function's logic with the per-invocation routine. Every handler is built with it.
 */
export function instrument<TEvent, TResult>(
  adapter: InvocationAdapter<TEvent, TResult>,
): (event: TEvent, context: Context) => Promise<TResult> {
  return async (event, context) => {
    const started = performance.now();
    const requestId = beginInvocation(context, adapter.requestIdOf(event));

    let summary: Summary = { status: 500, outcome: OUTCOME.error };
    try {
      if (settings.logLevelError) throw settings.logLevelError;
      const handled = await adapter.run(event, requestId);
      summary = handled.summary;
      return handled.result;
    } catch (error) {
      summary = summarizeError(error);
      logFailure(error, summary);
      if (summary.status >= 500)
        countMetric(MetricName.HandlerError, { operation: adapter.operation, outcome: summary.outcome });
      return adapter.recover(error, requestId);
    } finally {
      logger.info('request completed', {
        operation: adapter.operation,
        status: summary.status,
        outcome: summary.outcome,
        ...(summary.reason === undefined ? {} : { reason: summary.reason }),
        ...summary.fields,
        duration_ms: Math.round((performance.now() - started) * 10) / 10,
      });
      endInvocation();
    }
  };
}
