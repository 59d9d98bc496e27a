/**
 * What the gateway reports about each request (GatewayOptions.onRequest): enough to print one
 * readable line or an access-log entry. Request bodies and headers are never part of a record, so
 * whatever prints it cannot print them.
 */

export interface LoggedLine {
  functionKey: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface AuthorizerRecord {
  functionKey: string;
  /** Whether the authorizer function ran for this request (not when cached or refused before it). */
  invoked: boolean;
  cached: boolean;
  /** Set when the authorizer ran for this request. */
  coldStart?: boolean;
  durationMs?: number;
  result: 'allowed' | 'unauthorized' | 'denied' | 'error';
  /** Why it was refused, for the developer; never includes the token. */
  reason?: string;
}

export interface RequestRecord {
  requestId: string;
  startedAt: number;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  sourceIp: string;
  resourcePath?: string;
  functionKey?: string;
  coldStart?: boolean;
  initDurationMs?: number;
  functionDurationMs?: number;
  authorizer?: AuthorizerRecord;
  /** Set when the gateway answered by itself (gateway response) or replaced the function's answer. */
  gatewayError?: { type: string; reason: string };
  logs: LoggedLine[];
}

/**
 * One invocation through the local Lambda API (functions invoking themselves or each other with the
 * AWS SDK): an asynchronous one (`Event`) is reported when it has run, after its 202.
 */
export interface InvocationRecord {
  /** Lambda's request id: the Invoke call's x-amzn-RequestId and the function's awsRequestId. */
  requestId: string;
  functionKey: string;
  invocationType: 'Event' | 'RequestResponse';
  /** When the Invoke call arrived (epoch ms). */
  startedAt: number;
  /** How long it waited for a free instance after being accepted. */
  queuedMs: number;
  coldStart: boolean;
  initDurationMs?: number;
  /** The function's own run. */
  durationMs: number;
  /** `error`: the function threw, timed out or crashed (Lambda would retry an asynchronous one). */
  outcome: 'success' | 'error';
  error?: { type: string; message: string };
  logs: LoggedLine[];
}
