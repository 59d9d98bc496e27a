/**
 * The HTTP side of one request: reading it into an exchange (the request as API Gateway sees it,
 * plus the record the gateway reports), reading its body within the limits, writing the reply, and
 * answering what Node cannot parse into a request at all.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import type { RenderedResponse } from './gateway-responses';
import type { IncomingRequest } from './proxy';
import type { RequestRecord } from './record';

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

/** What goes back to the client: a gateway response, a mock answer or the function's response. */
export type Reply = {
  statusCode: number;
  headers: Map<string, string[]> | Record<string, string>;
  body: Buffer | string;
};

/**
 * Routes the gateway serves beside the API, on paths the API does not have (the docs, `make dev`'s
 * outbox): an answer, or undefined for a path that is not theirs.
 */
export type LocalRoutes = (method: string, path: string, baseUrl: string) => Reply | undefined;

/** One request on its way through the gateway. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  request: IncomingRequest;
  record: RequestRecord;
  requestId: string;
  startedAt: number;
  /** `performance.now()` when the request arrived, for the record's duration. */
  started: number;
  /** Known once a route matched; gateway responses may read path parameters. */
  resourcePath?: string;
  pathParameters: Record<string, string>;
}

export function headerValue(headers: Array<[string, string]>, name: string): string | undefined {
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

/** The exchange for a request whose head has arrived; the body is read separately (readBody). */
export function openExchange(req: IncomingMessage, res: ServerResponse): Exchange {
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
  const record: RequestRecord = {
    requestId,
    startedAt,
    method,
    path: url.pathname,
    status: 0,
    durationMs: 0,
    sourceIp,
    logs: [],
  };
  const request: IncomingRequest = {
    method,
    path: url.pathname,
    headers: pairs(req.rawHeaders),
    query: [...url.searchParams.entries()],
    body: null,
    sourceIp,
  };
  return { req, res, request, record, requestId, startedAt, started, pathParameters: {} };
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
export function readBody(req: IncomingMessage, limit: number, refuse = false): Promise<BodyResult> {
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
export function requestHeadBytes(req: IncomingMessage): number {
  // Node reads the request line and headers as latin1: one character per byte.
  let size = `${req.method ?? ''} ${req.url ?? ''} HTTP/${req.httpVersion}`.length;
  for (const part of req.rawHeaders) size += part.length;
  return size;
}

export function traceId(): string {
  return `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}

/**
 * Sends the reply with the headers API Gateway adds. When Node refuses one of its headers, sends
 * nothing and returns why, so the caller can answer as API Gateway would to a malformed response.
 */
export function sendReply(exchange: Exchange, reply: Reply): string | undefined {
  const { res, record, requestId } = exchange;
  const headerEntries: Array<[string, string | string[]]> =
    reply.headers instanceof Map
      ? [...reply.headers].map(([k, v]) => [k, v.length === 1 ? v[0]! : v])
      : Object.entries(reply.headers);
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
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    return (error as Error).message;
  }
  res.end(payload);
  return undefined;
}

/** Sends a gateway response in place of a reply sendReply refused. */
export function sendFallback(exchange: Exchange, fallback: RenderedResponse): void {
  const { res, requestId } = exchange;
  res.writeHead(fallback.statusCode, {
    ...fallback.headers,
    'x-amzn-RequestId': requestId,
    'Content-Length': Buffer.byteLength(fallback.body),
  });
  res.end(fallback.body);
}

/** What Node itself answers to the other parse errors (its default when no clientError listener exists). */
const PARSE_ERROR_STATUS: Record<string, string> = {
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: '413 Payload Too Large',
};

/**
 * The server's `clientError` listener. Node stops parsing a head past its maxHeaderSize (16 KB),
 * before any request exists. Its own answer, a bare 431 and an immediate close, resets a client
 * still sending its headers; this one is `headTooLarge`, the answer to a head over 10,240 bytes,
 * and the connection closes gracefully. Other parse errors get Node's own answer.
 */
export function clientErrorListener(
  headTooLarge: (requestId: string) => RenderedResponse,
): (error: NodeJS.ErrnoException, socket: Duplex) => void {
  const answered = new WeakSet<Duplex>();
  return (error, socket) => {
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
    const rendered = headTooLarge(requestId);
    const headers = {
      ...rendered.headers,
      'x-amzn-RequestId': requestId,
      'Content-Length': String(Buffer.byteLength(rendered.body)),
      Connection: 'close',
    };
    const lines = Object.entries(headers).filter(([name, value]) => {
      try {
        validateHeaderName(name);
        validateHeaderValue(name, value);
        return true;
      } catch {
        return false;
      }
    });
    socket.write(
      `HTTP/1.1 431 Request Header Fields Too Large\r\n${lines.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n${rendered.body}`,
    );
    closeGracefully(socket);
    let discarded = 0;
    socket.on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > MAX_DISCARDED_BYTES) socket.destroy();
    });
  };
}
