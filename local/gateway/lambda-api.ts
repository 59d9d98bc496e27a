/**
 * The part of Lambda's own API that the functions call through the AWS SDK: Invoke,
 * `POST /2015-03-31/functions/{FunctionName}/invocations`. It runs on a port of its own (the
 * functions get its URL as AWS_ENDPOINT_URL_LAMBDA), so the API's port answers exactly what API
 * Gateway would, and invocations go to the same function instances the gateway uses.
 *
 * - `X-Amz-Invocation-Type: Event`: 202 at once; the function runs afterwards, when an instance is
 *   free, and the run is reported on its own (InvocationRecord). Not retried on failure.
 * - `RequestResponse` (the default): 200 with the function's result, or with
 *   `X-Amz-Function-Error: Unhandled` and the error when it failed.
 * - `DryRun`: 204.
 * - Errors as Lambda answers them: the type in `x-amzn-ErrorType`, `{"Type", "Message"}` in the
 *   body (ResourceNotFoundException 404, InvalidRequestContentException 400, RequestTooLargeException
 *   413, ...). Request signatures are not checked.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './definition';
import type { Invocation } from './lambda/instance';
import type { FunctionPool } from './lambda/pool';
import type { InvocationRecord } from './record';

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/** Lambda's payload limits: a synchronous invocation's, and an asynchronous one's. */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
export const MAX_ASYNC_PAYLOAD_BYTES = 256 * 1024;

/** A name, a partial ARN (`account:function:name`) or an ARN, each with an optional `:qualifier`. */
const FUNCTION_NAME =
  /^(?:arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:|\d{12}:function:)?([A-Za-z0-9_-]{1,64})(?::([A-Za-z0-9$_-]{1,128}))?$/;

/** The only version the local functions have. */
const LATEST = '$LATEST';

const INVOCATION_TYPES = ['Event', 'RequestResponse', 'DryRun'] as const;
type InvocationType = (typeof INVOCATION_TYPES)[number];

export interface LambdaApiOptions {
  functions: FunctionPool;
  /** The functions that exist: the deployment's. */
  functionKeys: () => readonly string[];
  onInvocation?: (record: InvocationRecord) => void;
}

const functionArn = (name: string, qualifier?: string) =>
  `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}${qualifier === undefined ? '' : `:${qualifier}`}`;

/** Lambda's error answer: the type in a header (where the SDK reads it) and `{Type, Message}`. */
function sendError(res: ServerResponse, requestId: string, status: number, type: string, message: string): void {
  const body = JSON.stringify({ Type: status >= 500 ? 'Service' : 'User', Message: message });
  send(
    res,
    status,
    { 'Content-Type': 'application/json', 'x-amzn-ErrorType': type, 'x-amzn-RequestId': requestId },
    body,
  );
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body = ''): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) }).end(body);
}

/** Reads the whole body, keeping at most `limit` bytes; `over` says more came. Resolves undefined when the client went away. */
function readBody(req: IncomingMessage, limit: number): Promise<{ body: Buffer; over: boolean } | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve({ body: Buffer.concat(chunks), over: size > limit }));
    req.on('error', () => resolve(undefined));
    req.on('close', () => {
      if (!req.complete) resolve(undefined);
    });
  });
}

export class LambdaApi {
  /** Asynchronous invocations accepted and not yet reported. */
  private readonly accepted = new Set<Promise<void>>();

  constructor(private readonly options: LambdaApiOptions) {}

  /** Asynchronous invocations accepted and not yet run to their end. */
  pending(): number {
    return this.accepted.size;
  }

  /** Waits for every accepted asynchronous invocation to end (they end at once once the functions are stopped). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.accepted]);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const startedAt = Date.now();
    const path = (req.url ?? '/').split('?')[0]!;
    const match = INVOKE_PATH.exec(path);
    if (req.method !== 'POST' || !match) {
      // Read and throw away whatever was sent, so the answer is not a reset connection.
      req.resume();
      sendError(
        res,
        requestId,
        404,
        'UnknownOperationException',
        `${req.method ?? ''} ${path} is not an operation of this Lambda API; only Invoke is`,
      );
      return;
    }
    const body = await readBody(req, MAX_SYNC_PAYLOAD_BYTES);
    if (body === undefined) return;

    let name: string;
    try {
      name = decodeURIComponent(match[1]!);
    } catch {
      name = match[1]!;
    }
    const parsedName = FUNCTION_NAME.exec(name);
    if (!parsedName) {
      sendError(
        res,
        requestId,
        400,
        'ValidationException',
        `1 validation error detected: Value '${name.slice(0, 200)}' at 'functionName' failed to satisfy constraint: Member must satisfy the function name pattern`,
      );
      return;
    }
    const [, key, nameQualifier] = parsedName as unknown as [string, string, string | undefined];
    const qualifier =
      nameQualifier ?? new URL(req.url ?? '/', 'http://localhost').searchParams.get('Qualifier') ?? undefined;
    if (!this.options.functionKeys().includes(key) || (qualifier !== undefined && qualifier !== LATEST)) {
      sendError(res, requestId, 404, 'ResourceNotFoundException', `Function not found: ${functionArn(key, qualifier)}`);
      return;
    }

    const typeHeader = req.headers['x-amz-invocation-type'];
    const type = (typeof typeHeader === 'string' ? typeHeader : 'RequestResponse') as InvocationType;
    if (!INVOCATION_TYPES.includes(type)) {
      sendError(
        res,
        requestId,
        400,
        'ValidationException',
        `1 validation error detected: Value '${String(typeHeader).slice(0, 50)}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [${INVOCATION_TYPES.join(', ')}]`,
      );
      return;
    }
    const limit = type === 'Event' ? MAX_ASYNC_PAYLOAD_BYTES : MAX_SYNC_PAYLOAD_BYTES;
    if (body.over || body.body.length > limit) {
      sendError(
        res,
        requestId,
        413,
        'RequestTooLargeException',
        `Request must be smaller than ${limit} bytes for the InvokeFunction operation`,
      );
      return;
    }
    let event: unknown;
    try {
      event = body.body.length === 0 ? {} : JSON.parse(body.body.toString('utf8'));
    } catch (error) {
      sendError(
        res,
        requestId,
        400,
        'InvalidRequestContentException',
        `Could not parse request body into json: ${(error as Error).message}`,
      );
      return;
    }

    if (type === 'DryRun') {
      send(res, 204, { 'x-amzn-RequestId': requestId });
      return;
    }
    if (type === 'Event') {
      send(res, 202, { 'x-amzn-RequestId': requestId });
      const run = this.invoke(key, event, requestId, 'Event', startedAt).then(() => undefined);
      this.accepted.add(run);
      void run.finally(() => this.accepted.delete(run));
      return;
    }
    const invocation = await this.invoke(key, event, requestId, 'RequestResponse', startedAt);
    const headers = {
      'Content-Type': 'application/json',
      'x-amzn-RequestId': requestId,
      'X-Amz-Executed-Version': LATEST,
    };
    if (invocation.outcome.kind === 'success') {
      send(res, 200, headers, JSON.stringify(invocation.outcome.payload ?? null));
    } else {
      const { errorType, errorMessage } = invocation.outcome;
      send(
        res,
        200,
        { ...headers, 'X-Amz-Function-Error': 'Unhandled' },
        JSON.stringify({ errorType, errorMessage, trace: [] }),
      );
    }
  }

  /** Runs the function and reports the run; never throws. */
  private async invoke(
    key: string,
    event: unknown,
    requestId: string,
    invocationType: InvocationRecord['invocationType'],
    startedAt: number,
  ): Promise<Invocation> {
    const accepted = performance.now();
    let invocation: Invocation;
    try {
      invocation = await this.options.functions.get(key).invoke(event, requestId);
    } catch (error) {
      invocation = {
        requestId,
        functionKey: key,
        outcome: {
          kind: 'error',
          errorType: 'Runtime.Unavailable',
          errorMessage: `function ${key} cannot run: ${(error as Error).message}`,
        },
        coldStart: false,
        durationMs: 0,
        logs: [],
        instanceId: 0,
      };
    }
    const waited = performance.now() - accepted - invocation.durationMs - (invocation.initDurationMs ?? 0);
    const record: InvocationRecord = {
      requestId,
      functionKey: key,
      invocationType,
      startedAt,
      queuedMs: Math.max(0, waited),
      coldStart: invocation.coldStart,
      ...(invocation.initDurationMs === undefined ? {} : { initDurationMs: invocation.initDurationMs }),
      durationMs: invocation.durationMs,
      outcome: invocation.outcome.kind,
      ...(invocation.outcome.kind === 'error'
        ? { error: { type: invocation.outcome.errorType, message: invocation.outcome.errorMessage } }
        : {}),
      logs: invocation.logs.map((line) => ({ functionKey: key, ...line })),
    };
    try {
      this.options.onInvocation?.(record);
    } catch (error) {
      console.error('local Lambda API: invocation log failed', error);
    }
    return invocation;
  }
}
