/**
 * The local API Gateway: a REST API with Lambda proxy integrations and a TOKEN authorizer, served
 * over HTTP from the same definition Terraform deploys, with each function in its own process.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, validateHeaderName, validateHeaderValue } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { docsFiles, CONTENT_TYPES, readConsumerSpec } from '../docs/page';
import type { Api, LambdaProxyIntegration, Route, TokenAuthorizer } from './api';
import { compileApi } from './api';
import type { Authorization } from './authorizer';
import { TokenAuthorizerRunner } from './authorizer';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './definition';
import type { GatewayError, GatewayResponseContext, RenderedResponse } from './gateway-responses';
import { MAX_REQUEST_HEAD_BYTES, renderGatewayResponse, renderRequestHeadTooLarge } from './gateway-responses';
import type { FunctionConfig } from './lambda/instance';
import { LambdaFunction } from './lambda/lambda-function';
import { methodArn } from './policy';
import type { IncomingRequest } from './proxy';
import { buildProxyEvent, parseProxyResponse } from './proxy';
import type { LoggedLine, RequestRecord } from './request-log';
import { Router } from './router';

/** API Gateway's payload limit for a REST API request. */
export const MAX_REQUEST_BODY_BYTES = 10 * 1024 * 1024;
/**
 * How much more of a refused body the gateway reads, and throws away, after answering. A client
 * still sending when the connection closes gets a reset, and one that reads only after sending
 * (Node's fetch) loses the answer to it; past this the gateway closes anyway.
 */
export const MAX_DISCARDED_BYTES = 64 * 1024 * 1024;
/** How long a connection the gateway closes keeps reading what the client still sends. */
const LINGER_MS = 2000;

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

/** What goes back to the client: a gateway response, a mock answer or the function's response. */
type Reply = { statusCode: number; headers: Map<string, string[]> | Record<string, string>; body: Buffer | string };

/** One request on its way through the gateway. */
interface Exchange {
  req: IncomingMessage;
  request: IncomingRequest;
  record: RequestRecord;
  requestId: string;
  startedAt: number;
  /** Known once a route matched; gateway responses may read path parameters. */
  resourcePath?: string;
  pathParameters: Record<string, string>;
}

function headerValue(headers: Array<[string, string]>, name: string): string | undefined {
  const lower = name.toLowerCase();
  let found: string | undefined;
  for (const [k, v] of headers) if (k.toLowerCase() === lower) found = v;
  return found;
}

function pairs(raw: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

type BodyResult = { kind: 'ok'; body: Buffer } | { kind: 'too-large' } | { kind: 'aborted' };

/** Ends the gateway's side once the answer is out, then closes for good after LINGER_MS. */
function closeGracefully(socket: Duplex): void {
  if (socket.writableEnded) return;
  socket.end();
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

/**
 * Reads the body up to the limit. A size announced or found past it resolves 'too-large' at once,
 * so the answer goes out while the client is still sending; the rest is read and thrown away up
 * to MAX_DISCARDED_BYTES, and the connection stays usable once the body has ended. `refuse`
 * throws the whole body away, for a request refused before its body matters.
 */
function readBody(req: IncomingMessage, limit: number, refuse = false): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let discarded = 0;
    let settled = false;
    const settle = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const declared = Number(req.headers['content-length']);
    let tooLarge = refuse || (Number.isFinite(declared) && declared > limit);
    if (tooLarge) settle({ kind: 'too-large' });
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) {
        discarded += chunk.length;
        if (discarded > MAX_DISCARDED_BYTES) closeGracefully(req.socket);
        return;
      }
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      tooLarge = true;
      chunks.length = 0;
      settle({ kind: 'too-large' });
    });
    req.on('end', () => settle({ kind: 'ok', body: Buffer.concat(chunks) }));
    req.on('error', () => settle({ kind: 'aborted' }));
    req.on('close', () => settle(req.complete ? { kind: 'ok', body: Buffer.concat(chunks) } : { kind: 'aborted' }));
  });
}

/** The request line (`GET /path?query HTTP/1.1`) and every header name and value, in bytes as sent. */
function requestHeadBytes(req: IncomingMessage): number {
  // Node reads the request line and headers as latin1: one character per byte.
  let size = `${req.method ?? ''} ${req.url ?? ''} HTTP/${req.httpVersion}`.length;
  for (const part of req.rawHeaders) size += part.length;
  return size;
}

/** What Node itself answers to the other parse errors (its default when no clientError listener exists). */
const PARSE_ERROR_STATUS: Record<string, string> = {
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: '413 Payload Too Large',
};

function traceId(): string {
  return `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const stage = options.stage ?? 'local';
  const apiId = options.apiId ?? 'local';
  const now = options.now ?? Date.now;
  const functions = new Map<string, LambdaFunction>();
  let api = compileApi(options.definition);
  let router = new Router(api.routes);
  let authorizers = new Map<string, TokenAuthorizerRunner>();
  let docs: Map<string, Buffer> | undefined;
  let closing = false;

  const strayLog = (key: string, line: { stream: 'stdout' | 'stderr'; text: string }) => {
    if (line.text.trim() !== '') options.onStrayLog?.({ functionKey: key, ...line });
  };

  const lambda = (key: string): LambdaFunction => {
    let fn = functions.get(key);
    if (!fn) {
      fn = new LambdaFunction(options.resolveFunction(key), { maxInstances: options.maxInstances ?? 1, onStrayLog: strayLog });
      functions.set(key, fn);
    }
    return fn;
  };

  const buildAuthorizers = () => {
    authorizers = new Map(api.authorizers.map((config) => [config.name, new TokenAuthorizerRunner(config, (event) => lambda(config.functionKey).invoke(event), now)]));
  };
  buildAuthorizers();

  const active = new Set<Promise<void>>();
  const server: Server = createServer((req, res) => {
    const handled = handle(req, res).catch((error: unknown) => {
      // Nothing should get here; if something does, the client still gets an answer and no stack trace.
      console.error('local gateway: unexpected error', error);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"message":"Internal server error"}');
    });
    active.add(handled);
    void handled.finally(() => active.delete(handled));
  });
  // Keep-alive sockets would hold `close()` open; the gateway ends them itself on shutdown.
  server.keepAliveTimeout = 5000;

  // Node stops parsing a head past its maxHeaderSize (16 KB), before any request exists. Its own
  // answer, a bare 431 and an immediate close, resets a client still sending its headers; this one
  // is the same problem as for a head over 10,240 bytes, and the connection closes gracefully.
  const answered = new WeakSet<Duplex>();
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // The parser reports the same error again for every later chunk of the connection.
    if (answered.has(socket)) return;
    answered.add(socket);
    // A response already on its way (pipelined requests) must not be interleaved with another one.
    const inFlight = (socket as { _httpMessage?: unknown })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight) {
      socket.destroy();
      return;
    }
    if (error.code !== 'HPE_HEADER_OVERFLOW') {
      socket.end(`HTTP/1.1 ${PARSE_ERROR_STATUS[error.code ?? ''] ?? '400 Bad Request'}\r\nConnection: close\r\n\r\n`);
      socket.destroy();
      return;
    }
    const requestId = randomUUID();
    const context: GatewayResponseContext = { requestId, stage, apiId, httpMethod: '', path: '', headers: {}, query: {}, pathParameters: {} };
    const rendered = renderRequestHeadTooLarge(api.gatewayResponses, context);
    const headers = { ...rendered.headers, 'x-amzn-RequestId': requestId, 'Content-Length': String(Buffer.byteLength(rendered.body)), Connection: 'close' };
    const lines = Object.entries(headers).filter(([name, value]) => {
      try {
        validateHeaderName(name);
        validateHeaderValue(name, value);
        return true;
      } catch {
        return false;
      }
    });
    socket.write(`HTTP/1.1 431 Request Header Fields Too Large\r\n${lines.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n${rendered.body}`);
    closeGracefully(socket);
    let discarded = 0;
    socket.on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > MAX_DISCARDED_BYTES) socket.destroy();
    });
  });

  let port = 0;
  let baseUrl = '';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const startedAt = Date.now();
    const requestId = randomUUID();
    const method = (req.method ?? 'GET').toUpperCase();
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      url = new URL('http://localhost/');
    }
    const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    const record: RequestRecord = { requestId, startedAt, method, path: url.pathname, status: 0, durationMs: 0, sourceIp, logs: [] };
    const request: IncomingRequest = { method, path: url.pathname, headers: pairs(req.rawHeaders), query: [...url.searchParams.entries()], body: null, sourceIp };
    const exchange: Exchange = { req, request, record, requestId, startedAt, pathParameters: {} };

    let reply: Reply;
    const headBytes = requestHeadBytes(req);
    const headTooLarge = headBytes > MAX_REQUEST_HEAD_BYTES;
    const body = await readBody(req, MAX_REQUEST_BODY_BYTES, headTooLarge);
    if (body.kind === 'aborted') return;
    if (headTooLarge) {
      record.gatewayError = { type: 'REQUEST_HEADERS_TOO_LARGE', reason: `the request line and headers are ${headBytes} bytes, over ${MAX_REQUEST_HEAD_BYTES}` };
      reply = renderRequestHeadTooLarge(api.gatewayResponses, responseContext(exchange));
    } else if (body.kind === 'too-large') {
      reply = gatewayError(exchange, { type: 'REQUEST_TOO_LARGE', message: 'Request Too Long' }, `the body is over ${MAX_REQUEST_BODY_BYTES} bytes`);
    } else {
      request.body = body.body.length > 0 ? body.body.toString('utf8') : null;
      reply = await route(exchange);
    }

    const headerEntries: Array<[string, string | string[]]> =
      reply.headers instanceof Map ? [...reply.headers].map(([k, v]) => [k, v.length === 1 ? v[0]! : v]) : Object.entries(reply.headers);
    const payload = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
    try {
      for (const [name, value] of headerEntries) res.setHeader(name, value);
      // API Gateway's default when the integration names no type.
      if (!res.hasHeader('content-type')) res.setHeader('Content-Type', 'application/json');
      res.setHeader('x-amzn-RequestId', requestId);
      if (record.functionKey) res.setHeader('X-Amzn-Trace-Id', traceId());
      res.setHeader('Content-Length', payload.length);
      res.writeHead(reply.statusCode);
    } catch (error) {
      // A header Node refuses to send: API Gateway would not have sent the response either.
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      const fallback = lambdaError(exchange, `Malformed Lambda proxy response: ${(error as Error).message}`);
      res.writeHead(fallback.statusCode, { ...fallback.headers, 'x-amzn-RequestId': requestId, 'Content-Length': Buffer.byteLength(fallback.body) });
      res.end(fallback.body);
      finishRecord(record, fallback.statusCode, started);
      return;
    }
    res.end(payload);
    finishRecord(record, reply.statusCode, started);
  }

  function finishRecord(record: RequestRecord, status: number, started: number): void {
    record.status = status;
    record.durationMs = performance.now() - started;
    try {
      options.onRequest?.(record);
    } catch (error) {
      console.error('local gateway: request log failed', error);
    }
  }

  /** A gateway response, noting in the record why the gateway answered by itself. */
  function gatewayError(exchange: Exchange, error: GatewayError, reason: string): RenderedResponse {
    exchange.record.gatewayError = { type: error.type === 'DEFAULT_5XX' && error.status === 502 ? 'LAMBDA_ERROR' : error.type, reason };
    return renderGatewayResponse(api.gatewayResponses, error, responseContext(exchange));
  }

  /** What a gateway response may read of the request. */
  function responseContext(exchange: Exchange): GatewayResponseContext {
    const { request, requestId } = exchange;
    return {
      requestId,
      stage,
      apiId,
      httpMethod: request.method,
      path: request.path,
      resourcePath: exchange.resourcePath,
      headers: Object.fromEntries(request.headers),
      query: Object.fromEntries(request.query),
      pathParameters: exchange.pathParameters,
    };
  }

  /** A function error, timeout, crash or malformed response: API Gateway answers 502 and shows nothing of it. */
  function lambdaError(exchange: Exchange, reason: string): RenderedResponse {
    return gatewayError(exchange, { type: 'DEFAULT_5XX', status: 502, message: 'Internal server error' }, reason);
  }

  async function route(exchange: Exchange): Promise<Reply> {
    const { request, record } = exchange;
    const lookup = router.lookup(request.method, request.path);
    if (!lookup.found) {
      if (options.docs && !lookup.resourceExists) {
        const served = serveDocs(request.method, request.path);
        if (served) return served;
      }
      const what = lookup.resourceExists ? `${request.path} has no ${request.method} method` : `no resource matches ${request.path}`;
      return gatewayError(exchange, { type: 'MISSING_AUTHENTICATION_TOKEN', message: 'Missing Authentication Token' }, what);
    }
    const { route: target, pathParameters } = lookup.match;
    exchange.resourcePath = target.resourcePath;
    exchange.pathParameters = pathParameters;
    record.resourcePath = target.resourcePath;

    let authorizerContext: Record<string, string | number> | undefined;
    if (target.authorizer) {
      const authorization = await authorize(exchange, target.authorizer);
      if (!authorization.outcome.allowed) {
        return gatewayError(exchange, { type: authorization.outcome.type, message: authorization.outcome.message }, authorization.outcome.reason);
      }
      authorizerContext = {
        ...authorization.outcome.context,
        principalId: authorization.outcome.principalId,
        integrationLatency: Math.round(authorization.invocation?.durationMs ?? 0),
      };
    }

    if (target.integration.type === 'mock') {
      return { statusCode: target.integration.statusCode, headers: { ...target.integration.headers }, body: target.integration.body };
    }
    return invokeProxy(exchange, target, target.integration, authorizerContext);
  }

  async function authorize(exchange: Exchange, config: TokenAuthorizer): Promise<Authorization> {
    const { request, record } = exchange;
    const runner = authorizers.get(config.name)!;
    const arn = methodArn({ region: LOCAL_REGION, account: LOCAL_ACCOUNT, apiId, stage, method: request.method, path: request.path });
    let authorization: Authorization;
    try {
      authorization = await runner.authorize(headerValue(request.headers, config.header), arn);
    } catch (error) {
      authorization = { outcome: { allowed: false, type: 'AUTHORIZER_CONFIGURATION_ERROR', message: null, reason: (error as Error).message }, cached: false };
    }
    const { outcome, cached, invocation } = authorization;
    record.authorizer = {
      functionKey: config.functionKey,
      invoked: invocation !== undefined,
      cached,
      ...(invocation ? { coldStart: invocation.coldStart, durationMs: invocation.durationMs } : {}),
      result: outcome.allowed ? 'allowed' : outcome.type === 'UNAUTHORIZED' ? 'unauthorized' : outcome.type === 'ACCESS_DENIED' ? 'denied' : 'error',
      ...(outcome.allowed ? {} : { reason: outcome.reason }),
    };
    if (invocation) record.logs.push(...invocation.logs.map((l) => ({ functionKey: config.functionKey, ...l })));
    return authorization;
  }

  async function invokeProxy(
    exchange: Exchange,
    target: Route,
    integration: LambdaProxyIntegration,
    authorizer: Record<string, string | number> | undefined,
  ): Promise<Reply> {
    const { request, record, req } = exchange;
    const { functionKey, timeoutMs } = integration;
    record.functionKey = functionKey;
    const forwardedFor = headerValue(request.headers, 'X-Forwarded-For');
    const headers: Array<[string, string]> = [
      ...request.headers.filter(([name]) => !['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-port', 'x-amzn-trace-id'].includes(name.toLowerCase())),
      ['X-Amzn-Trace-Id', traceId()],
      ['X-Forwarded-For', forwardedFor ? `${forwardedFor}, ${request.sourceIp}` : request.sourceIp],
      ['X-Forwarded-Port', String(port)],
      ['X-Forwarded-Proto', 'http'],
    ];
    const event = buildProxyEvent(
      { ...request, headers },
      {
        requestId: exchange.requestId,
        apiId,
        accountId: LOCAL_ACCOUNT,
        stage,
        resourcePath: target.resourcePath,
        pathParameters: exchange.pathParameters,
        requestTimeEpoch: exchange.startedAt,
        authorizer,
        domainName: req.headers.host ?? `localhost:${port}`,
        protocol: `HTTP/${req.httpVersion}`,
      },
    );

    let fn: LambdaFunction;
    try {
      fn = lambda(functionKey);
    } catch (error) {
      return gatewayError(exchange, { type: 'DEFAULT_5XX', status: 500, message: 'Internal server error' }, `function ${functionKey} cannot run: ${(error as Error).message}`);
    }
    const running = fn.invoke(event);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const invocation = await Promise.race([running, timedOut]);
    clearTimeout(timer);
    if (invocation === 'timeout') {
      // API Gateway stops waiting; the function runs on until its own timeout, its logs arriving later.
      void running.then((late) => late.logs.forEach((line) => strayLog(functionKey, line)));
      return gatewayError(exchange, { type: 'INTEGRATION_TIMEOUT', message: 'Endpoint request timed out' }, `no response within the integration timeout of ${timeoutMs} ms`);
    }

    record.coldStart = invocation.coldStart;
    if (invocation.initDurationMs !== undefined) record.initDurationMs = invocation.initDurationMs;
    record.functionDurationMs = invocation.durationMs;
    record.logs.push(...invocation.logs.map((l) => ({ functionKey, ...l })));
    if (invocation.outcome.kind === 'error') return lambdaError(exchange, `${invocation.outcome.errorType}: ${invocation.outcome.errorMessage}`);
    const parsed = parseProxyResponse(invocation.outcome.payload);
    if (!parsed.ok) return lambdaError(exchange, `Malformed Lambda proxy response: ${parsed.reason}`);
    return { statusCode: parsed.response.statusCode, headers: parsed.response.headers, body: parsed.response.body };
  }

  function serveDocs(method: string, path: string): Reply | undefined {
    if (method !== 'GET' && method !== 'HEAD') return undefined;
    if (path === '/openapi.json') {
      return { statusCode: 200, headers: { 'Content-Type': CONTENT_TYPES['.json']!, 'Cache-Control': 'no-store' }, body: JSON.stringify(readConsumerSpec(baseUrl), null, 2) };
    }
    const name = path === '/docs' || path === '/docs/' ? 'index.html' : /^\/docs\/([A-Za-z0-9_.-]+)$/.exec(path)?.[1];
    if (!name) return undefined;
    docs ??= docsFiles({ specUrl: '/openapi.json', title: `${String((readConsumerSpec().info as { title?: string } | undefined)?.title ?? 'API')} reference`, assetBase: '/docs/' });
    const file = docs.get(name);
    if (!file) return undefined;
    return { statusCode: 200, headers: { 'Content-Type': CONTENT_TYPES[extname(name)] ?? 'application/octet-stream' }, body: file };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  baseUrl = `http://localhost:${port}`;

  return {
    url: baseUrl,
    port,
    get api() {
      return api;
    },
    reloadFunctions(keys) {
      for (const key of keys ?? [...functions.keys()]) {
        const fn = functions.get(key);
        if (fn) fn.replace(options.resolveFunction(key));
      }
      // A new authorizer may decide differently: cached results would hide the change.
      const authorizerKeys = new Set(api.authorizers.map((a) => a.functionKey));
      if (!keys || keys.some((k) => authorizerKeys.has(k))) for (const runner of authorizers.values()) runner.flush();
    },
    reloadDefinition(definition) {
      const next = compileApi(definition);
      api = next;
      router = new Router(api.routes);
      // A new deployment starts with an empty authorizer cache.
      buildAuthorizers();
    },
    pids() {
      return [...functions.values()].flatMap((fn) => fn.pids());
    },
    activeRequests() {
      return active.size;
    },
    async close() {
      if (closing) return;
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.all([...functions.values()].map((fn) => fn.stop()));
      // Requests whose function was just stopped now answer (502); let those answers out first.
      await Promise.allSettled([...active]);
      server.closeAllConnections();
      await closed;
    },
  };
}
