/**
 * A stand-in for Lambda's Invoke API, for functions that defer jobs to themselves: the SDK's own
 * client sends the asynchronous invocation here (AWS_ENDPOINT_URL_LAMBDA), the stand-in answers
 * 202 as Lambda does and keeps the payload, and the test decides when the queued jobs run, by
 * handing each payload to the function's handler as Lambda would. Nothing runs behind its back.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import { lambdaContext } from './events';
import { setEnv } from './env';

export interface QueuedInvocation {
  functionName: string;
  payload: unknown;
}

export interface LambdaStandIn {
  /** The invocations queued and not yet run, oldest first. */
  queued(): readonly QueuedInvocation[];
  /** Runs every queued invocation through the handler, oldest first, and empties the queue. */
  runQueued(handler: (event: never, context: Context) => Promise<unknown>): Promise<unknown[]>;
  /** Forgets the queue without running it. */
  clear(): void;
}

/** Starts the stand-in before the file's tests and points the functions' SDK at it, as `functionName`. */
export function useLambdaStandIn(functionName: string): LambdaStandIn {
  let server: Server | undefined;
  let queue: QueuedInvocation[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url ?? '');
        if (req.method !== 'POST' || !match || req.headers['x-amz-invocation-type'] !== 'Event') {
          res.writeHead(400, { 'X-Amzn-ErrorType': 'InvalidRequestContentException' }).end('{}');
          return;
        }
        queue.push({ functionName: decodeURIComponent(match[1] ?? ''), payload: JSON.parse(body) as unknown });
        res.writeHead(202).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    setEnv({
      AWS_ENDPOINT_URL_LAMBDA: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_LAMBDA_FUNCTION_NAME: functionName,
    });
  });
  afterAll(async () => {
    if (!server) return;
    server.close();
    await once(server, 'close');
    setEnv({
      AWS_ENDPOINT_URL_LAMBDA: undefined,
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_LAMBDA_FUNCTION_NAME: undefined,
    });
  });
  return {
    queued: () => queue,
    async runQueued(handler) {
      const taken = queue;
      queue = [];
      const results: unknown[] = [];
      for (const invocation of taken)
        results.push(await handler(invocation.payload as never, lambdaContext(invocation.functionName)));
      return results;
    },
    clear() {
      queue = [];
    },
  };
}
