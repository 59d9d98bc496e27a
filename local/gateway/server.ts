/**
 * The local API Gateway: a REST API with Lambda proxy integrations and a TOKEN authorizer, served
 * over HTTP from the same definition Terraform deploys, with each function in its own process.
 * Beside it, on a port of its own, the Lambda Invoke API the functions call (lambda-api.ts).
 * This file listens, reloads and closes; a request's way through is pipeline.ts.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Api } from './api';
import { compileApi } from './api';
import { docsRoutes } from './docs-routes';
import { clientErrorListener } from './exchange';
import type { LocalRoutes } from './exchange';
import type { FunctionConfig } from './lambda/instance';
import { LambdaApi } from './lambda-api';
import { FunctionPool, runtimeVariables } from './lambda/pool';
import { RequestPipeline } from './pipeline';
import type { InvocationRecord, LoggedLine, RequestRecord } from './record';

export interface GatewayOptions {
  /** The rendered API Gateway definition (see definition.ts). */
  definition: unknown;
  /** How to run a function named by the definition; called when the function is first needed and on reload. */
  resolveFunction: (key: string) => FunctionConfig;
  port?: number;
  /** Port of the Lambda Invoke API the functions call; any free one by default (they are told which). */
  lambdaPort?: number;
  /** Loopback by default: the local API is for this machine. */
  host?: string;
  stage?: string;
  apiId?: string;
  /** Instances per function; more calls at once wait in line, as with reserved concurrency. Default 1. */
  maxInstances?: number;
  /** The clock of the authorizer cache; tests move it instead of waiting. */
  now?: () => number;
  onRequest?: (record: RequestRecord) => void;
  /** Each invocation through the Lambda API; an asynchronous one once it has run. */
  onInvocation?: (record: InvocationRecord) => void;
  /** Lines a function writes outside any request (a timer firing after the response). */
  onStrayLog?: (line: LoggedLine) => void;
  /** Serve the API reference at /docs and the spec at /openapi.json (unless the API has those paths). */
  docs?: boolean;
  /** More routes served on paths the API does not have, after the docs (`make dev`'s outbox). */
  localRoutes?: readonly LocalRoutes[];
}

export interface Gateway {
  /** `http://localhost:<port>`. */
  readonly url: string;
  readonly port: number;
  /** `http://127.0.0.1:<port>` of the Lambda Invoke API: the functions' AWS_ENDPOINT_URL_LAMBDA. */
  readonly lambdaUrl: string;
  /** The routes, authorizers and gateway responses being served. */
  readonly api: Api;
  /** Replaces the instances of these functions (all when omitted): the next call is a cold start. */
  reloadFunctions(keys?: readonly string[]): void;
  /** Serves a new definition; throws, keeping the current one, when it cannot be served. */
  reloadDefinition(definition: unknown): void;
  /** Process ids of every running function instance. */
  pids(): number[];
  /** Requests being handled right now, Lambda API calls and asynchronous invocations included. */
  activeRequests(): number;
  /** Stops accepting requests, ends every instance and closes the server. */
  close(): Promise<void>;
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const functions = new FunctionPool({
    resolve: options.resolveFunction,
    maxInstances: options.maxInstances ?? 1,
    onStrayLog: options.onStrayLog,
  });
  const pipeline = new RequestPipeline(compileApi(options.definition), {
    stage: options.stage ?? 'local',
    apiId: options.apiId ?? 'local',
    now: options.now ?? Date.now,
    functions,
    localRoutes: [...(options.docs ? [docsRoutes()] : []), ...(options.localRoutes ?? [])],
    onRequest: options.onRequest,
  });
  const lambdaApi = new LambdaApi({
    functions,
    functionKeys: () => pipeline.api.functionKeys,
    onInvocation: options.onInvocation,
  });
  let closing = false;

  const active = new Set<Promise<void>>();
  /** Runs one request through `handle`; whatever escapes still gets an answer and no stack trace. */
  const serve =
    (what: string, handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>) =>
    (req: IncomingMessage, res: ServerResponse) => {
      const handled = handle(req, res).catch((error: unknown) => {
        console.error(`${what}: unexpected error`, error);
        if (!res.headersSent)
          res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"message":"Internal server error"}');
      });
      active.add(handled);
      void handled.finally(() => active.delete(handled));
    };
  const server: Server = createServer(serve('local gateway', (req, res) => pipeline.handle(req, res)));
  // Keep-alive sockets would hold `close()` open; the gateway ends them itself on shutdown.
  server.keepAliveTimeout = 5000;
  server.on(
    'clientError',
    clientErrorListener((requestId) => pipeline.headTooLarge(requestId)),
  );

  // Node's own answer to a request it cannot parse (400, then close) is fine for an SDK client.
  const lambdaServer: Server = createServer(serve('local Lambda API', (req, res) => lambdaApi.handle(req, res)));

  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port ?? 0, host);
  let lambdaPort: number;
  try {
    lambdaPort = await listen(lambdaServer, options.lambdaPort ?? 0, host);
  } catch (error) {
    server.close();
    throw error;
  }
  pipeline.port = port;
  // The SDK needs an address it can connect to: loopback when listening on every interface.
  const lambdaUrl = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host}:${lambdaPort}`;
  functions.runtimeVariables = runtimeVariables(lambdaUrl);

  return {
    url: `http://localhost:${port}`,
    port,
    lambdaUrl,
    get api() {
      return pipeline.api;
    },
    reloadFunctions(keys) {
      functions.replace(keys);
      // A new authorizer may decide differently: cached results would hide the change.
      const authorizerKeys = new Set(pipeline.api.authorizers.map((a) => a.functionKey));
      if (!keys || keys.some((k) => authorizerKeys.has(k))) pipeline.flushAuthorizers();
    },
    reloadDefinition(definition) {
      // Compiled first, so a definition that cannot be served leaves the current one in place.
      pipeline.deploy(compileApi(definition));
    },
    pids() {
      return functions.pids();
    },
    activeRequests() {
      return active.size + lambdaApi.pending();
    },
    async close() {
      if (closing) return;
      closing = true;
      const closed = [server, lambdaServer].map((each) => new Promise<void>((resolve) => each.close(() => resolve())));
      server.closeIdleConnections();
      lambdaServer.closeIdleConnections();
      await functions.stop();
      // Requests whose function was just stopped now answer (502); let those answers out first.
      await Promise.allSettled([...active]);
      await lambdaApi.settled();
      server.closeAllConnections();
      lambdaServer.closeAllConnections();
      await Promise.all(closed);
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
