/**
 * The local API Gateway: a REST API with Lambda proxy integrations and a TOKEN authorizer, served
 * over HTTP from the same definition Terraform deploys, with each function in its own process.
 * This file listens, reloads and closes; a request's way through is pipeline.ts.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Api } from './api';
import { compileApi } from './api';
import { docsRoutes } from './docs-routes';
import { clientErrorListener } from './exchange';
import type { LocalRoutes } from './exchange';
import type { FunctionConfig } from './lambda/instance';
import { FunctionPool } from './lambda/pool';
import { RequestPipeline } from './pipeline';
import type { LoggedLine, RequestRecord } from './record';

export interface GatewayOptions {
  /** The rendered API Gateway definition (see definition.ts). */
  definition: unknown;
  /** How to run a function named by the definition; called when the function is first needed and on reload. */
  resolveFunction: (key: string) => FunctionConfig;
  port?: number;
  /** Loopback by default: the local API is for this machine. */
  host?: string;
  stage?: string;
  apiId?: string;
  /** Instances per function; more calls at once wait in line, as with reserved concurrency. Default 1. */
  maxInstances?: number;
  /** The clock of the authorizer cache; tests move it instead of waiting. */
  now?: () => number;
  onRequest?: (record: RequestRecord) => void;
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
  /** The routes, authorizers and gateway responses being served. */
  readonly api: Api;
  /** Replaces the instances of these functions (all when omitted): the next call is a cold start. */
  reloadFunctions(keys?: readonly string[]): void;
  /** Serves a new definition; throws, keeping the current one, when it cannot be served. */
  reloadDefinition(definition: unknown): void;
  /** Process ids of every running function instance. */
  pids(): number[];
  /** Requests being handled right now. */
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
  let closing = false;

  const active = new Set<Promise<void>>();
  const server: Server = createServer((req, res) => {
    const handled = pipeline.handle(req, res).catch((error: unknown) => {
      // Nothing should get here; if something does, the client still gets an answer and no stack trace.
      console.error('local gateway: unexpected error', error);
      if (!res.headersSent)
        res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"message":"Internal server error"}');
    });
    active.add(handled);
    void handled.finally(() => active.delete(handled));
  });
  // Keep-alive sockets would hold `close()` open; the gateway ends them itself on shutdown.
  server.keepAliveTimeout = 5000;
  server.on(
    'clientError',
    clientErrorListener((requestId) => pipeline.headTooLarge(requestId)),
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  pipeline.port = port;

  return {
    url: `http://localhost:${port}`,
    port,
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
      return active.size;
    },
    async close() {
      if (closing) return;
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await functions.stop();
      // Requests whose function was just stopped now answer (502); let those answers out first.
      await Promise.allSettled([...active]);
      server.closeAllConnections();
      await closed;
    },
  };
}
