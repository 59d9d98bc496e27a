/**
 * Where the functions' local sender posts (EMAIL_OUTBOX_URL): its own HTTP server on 127.0.0.1
 * and a port of its own, so the API's port gains no route that writes. It takes only
 * `POST /emails` with a JSON body (a browser page cannot send one cross-origin without a
 * preflight, which nothing here answers), checks every field, and answers every other request
 * with a problem.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalReply } from './problem';
import { problem } from './problem';
import type { NewEmail } from './store';

/** The path the functions post to. */
export const RECEIVER_PATH = '/emails';
/** Far above a rendered email; a body past it is refused unread. */
export const MAX_SUBMISSION_BYTES = 1024 * 1024;
/** Each text field at most; subjects and addresses are far shorter. */
const MAX_FIELD_LENGTH = 256 * 1024;

const REQUIRED_FIELDS = ['from', 'to', 'subject', 'text', 'html', 'link'] as const;
const OPTIONAL_FIELDS = ['requestId'] as const;

/** The email in a submission, or why it is refused. */
export function readSubmission(body: unknown): { email: NewEmail } | { error: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { error: 'the body must be a JSON object' };
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).filter(
    (key) =>
      !(REQUIRED_FIELDS as readonly string[]).includes(key) && !(OPTIONAL_FIELDS as readonly string[]).includes(key),
  );
  if (unknown.length > 0) return { error: `unknown field ${unknown.slice(0, 5).join(', ')}` };
  for (const key of REQUIRED_FIELDS) {
    const value = fields[key];
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_FIELD_LENGTH)
      return { error: `${key} must be a non-empty string of at most ${MAX_FIELD_LENGTH} characters` };
  }
  const { requestId } = fields;
  if (
    requestId !== undefined &&
    requestId !== null &&
    (typeof requestId !== 'string' || !/^[A-Za-z0-9-]{1,128}$/.test(requestId))
  )
    return { error: 'requestId must be a request id' };
  const strings = fields as Record<(typeof REQUIRED_FIELDS)[number], string>;
  return {
    email: {
      from: strings.from,
      to: strings.to,
      subject: strings.subject,
      text: strings.text,
      html: strings.html,
      link: strings.link,
      ...(typeof requestId === 'string' ? { requestId } : {}),
    },
  };
}

type BodyRead = { kind: 'read'; body: Buffer } | { kind: 'too-large' } | { kind: 'aborted' };

function readBody(req: IncomingMessage): Promise<BodyRead> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_SUBMISSION_BYTES) {
      req.resume();
      resolve({ kind: 'too-large' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_SUBMISSION_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        resolve({ kind: 'too-large' });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve({ kind: 'read', body: Buffer.concat(chunks) }));
    req.on('error', () => resolve({ kind: 'aborted' }));
    req.on('aborted', () => resolve({ kind: 'aborted' }));
  });
}

async function answer(req: IncomingMessage, accept: (email: NewEmail) => void): Promise<LocalReply | undefined> {
  const path = (req.url ?? '').split('?')[0];
  if (path !== RECEIVER_PATH) {
    req.resume();
    return problem(404, 'Not found', `the outbox receives emails at POST ${RECEIVER_PATH} only`);
  }
  if (req.method !== 'POST') {
    req.resume();
    return problem(405, 'Method not allowed', `send emails with POST ${RECEIVER_PATH}`, { Allow: 'POST' });
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    req.resume();
    return problem(415, 'Unsupported media type', 'send the email as JSON with Content-Type application/json');
  }
  const read = await readBody(req);
  if (read.kind === 'aborted') return undefined;
  if (read.kind === 'too-large')
    return problem(413, 'Payload too large', `an email submission must be at most ${MAX_SUBMISSION_BYTES} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(read.body.toString('utf8'));
  } catch {
    return problem(400, 'Malformed JSON', 'the body is not valid JSON');
  }
  const submission = readSubmission(parsed);
  if ('error' in submission) return problem(400, 'Invalid email', submission.error);
  accept(submission.email);
  return { statusCode: 202, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }, body: '{}' };
}

function send(res: ServerResponse, reply: LocalReply): void {
  res
    .writeHead(reply.statusCode, { ...reply.headers, 'Content-Length': Buffer.byteLength(reply.body) })
    .end(reply.body);
}

export interface Receiver {
  /** The URL the functions post to: EMAIL_OUTBOX_URL. */
  url: string;
  close(): Promise<void>;
}

export async function startReceiver(options: {
  host?: string;
  port?: number;
  accept: (email: NewEmail) => void;
}): Promise<Receiver> {
  const server: Server = createServer((req, res) => {
    answer(req, options.accept).then(
      (reply) => {
        if (reply) send(res, reply);
        else res.destroy();
      },
      (error: unknown) => {
        // Nothing should get here; if something does, the sender still gets an answer and no stack trace.
        console.error('local outbox: unexpected error', error);
        if (!res.headersSent) send(res, problem(500, 'Internal error', 'the outbox could not keep the email'));
      },
    );
  });
  server.keepAliveTimeout = 5000;
  // A malformed request line or header: close the socket with a 400, as Node does by default.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}${RECEIVER_PATH}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
