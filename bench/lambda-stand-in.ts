/**
 * Lambda's Invoke API as an asynchronous invocation meets it, for `make bench`: a function that
 * defers a job (functions/shared/deferred) calls `Invoke` with `InvocationType: Event`, and Lambda
 * answers 202 once the job is queued. This answers 202 at once and keeps the payload, so the
 * request path runs exactly the code it runs in AWS (the SDK client, its signing, one HTTP round
 * trip) while the job itself runs only when the benchmark chooses to. The functions reach it
 * through AWS_ENDPOINT_URL_LAMBDA, as they reach the local gateway's Lambda API in `make dev`.
 *
 * Unlike the local gateway's Lambda API it never runs the function: a job running on the same two
 * cores while the next request is timed would make the figures say nothing.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/** Lambda's limit on an asynchronous invocation's payload. */
const MAX_EVENT_PAYLOAD_BYTES = 256 * 1024;

export interface QueuedInvocation {
  functionName: string;
  /** The payload as sent: for a deferred job, `{"deferredJob": {...}}`. */
  payload: string;
}

export interface LambdaStandIn {
  /** `http://127.0.0.1:<port>`: the functions' AWS_ENDPOINT_URL_LAMBDA. */
  readonly url: string;
  /** Asynchronous invocations queued (answered 202) since the start. */
  queued(): number;
  /** Requests refused, since the start: anything but an Event Invoke. */
  refused(): number;
  /** The payloads queued since the last call, oldest first; the stand-in keeps none after. */
  takeQueued(): QueuedInvocation[];
  close(): Promise<void>;
}

/** The variables a function needs to reach the stand-in: dummy credentials, as the runtime gives every function real ones. */
export function lambdaStandInVariables(url: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    AWS_ENDPOINT_URL_LAMBDA: url,
  };
}

function answer(res: ServerResponse, status: number, type?: string, message?: string): void {
  const body = type === undefined ? '' : JSON.stringify({ Type: 'User', Message: message });
  res
    .writeHead(status, {
      'x-amzn-RequestId': randomUUID(),
      'Content-Length': String(Buffer.byteLength(body)),
      ...(type === undefined ? {} : { 'Content-Type': 'application/json', 'x-amzn-ErrorType': type }),
    })
    .end(body);
}

/** The whole body, or undefined when it is larger than Lambda takes or the client went away. */
function readBody(req: IncomingMessage): Promise<Buffer | 'too-large' | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_EVENT_PAYLOAD_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_EVENT_PAYLOAD_BYTES ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', () => resolve(undefined));
  });
}

export async function startLambdaStandIn(): Promise<LambdaStandIn> {
  let queued: QueuedInvocation[] = [];
  let queuedCount = 0;
  let refusedCount = 0;

  const refuse = (res: ServerResponse, status: number, type: string, message: string): void => {
    refusedCount += 1;
    answer(res, status, type, message);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const match = INVOKE_PATH.exec((req.url ?? '/').split('?')[0] ?? '/');
    if (req.method !== 'POST' || !match) {
      req.resume();
      refuse(res, 404, 'UnknownOperationException', 'only Invoke is answered here');
      return;
    }
    const body = await readBody(req);
    if (body === undefined) return;
    if (body === 'too-large') {
      refuse(
        res,
        413,
        'RequestTooLargeException',
        `payloads of Event invocations are at most ${MAX_EVENT_PAYLOAD_BYTES} bytes`,
      );
      return;
    }
    if (req.headers['x-amz-invocation-type'] !== 'Event') {
      refuse(res, 400, 'InvalidParameterValueException', 'only Event invocations are answered here');
      return;
    }
    queuedCount += 1;
    queued.push({ functionName: decodeURIComponent(match[1] ?? ''), payload: body.toString('utf8') });
    answer(res, 202);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) answer(res, 500, 'ServiceException', 'the stand-in failed');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    queued: () => queuedCount,
    refused: () => refusedCount,
    takeQueued: () => {
      const taken = queued;
      queued = [];
      return taken;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
