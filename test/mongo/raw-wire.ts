/**
 * Hand-built wire protocol frames for the tests that must send what no driver would:
 * broken frames, checksums, fire-and-forget writes, oversized documents.
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { deserialize, serialize } from 'bson';
import type { Document } from 'bson';
import { mongoUri } from './helpers';

export const OP_MSG = 2013;
export const MsgFlags = { checksumPresent: 1, moreToCome: 2 } as const;

let nextRequestId = 1;

export function header(length: number, opCode: number, requestId = nextRequestId++): Buffer {
  const bytes = Buffer.alloc(16);
  bytes.writeInt32LE(length, 0);
  bytes.writeInt32LE(requestId, 4);
  bytes.writeInt32LE(0, 8);
  bytes.writeInt32LE(opCode, 12);
  return bytes;
}

export interface OpMsgOptions {
  flags?: number;
  /** Kind 1 sections: `insert.documents` and the like, sent outside the body; a Buffer is documents already in BSON. */
  sequences?: Record<string, Document[] | Buffer>;
  /** Appends a CRC-32C (and sets the flag); `'wrong'` appends a deliberately bad one. */
  checksum?: 'valid' | 'wrong';
  requestId?: number;
}

export function opMsg(body: Document, options: OpMsgOptions = {}): Buffer {
  const flags = (options.flags ?? 0) | (options.checksum ? MsgFlags.checksumPresent : 0);
  const sections: Buffer[] = [Buffer.from([0]), Buffer.from(serialize(body))];
  for (const [identifier, documents] of Object.entries(options.sequences ?? {})) {
    const bson = Buffer.isBuffer(documents)
      ? documents
      : Buffer.concat(documents.map((doc) => Buffer.from(serialize(doc))));
    const payload = Buffer.concat([Buffer.from(`${identifier}\0`), bson]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(payload.length + 4);
    sections.push(Buffer.from([1]), size, payload);
  }
  const flagBytes = Buffer.alloc(4);
  flagBytes.writeUInt32LE(flags);
  const length = 16 + 4 + sections.reduce((total, section) => total + section.length, 0) + (options.checksum ? 4 : 0);
  const unsigned = Buffer.concat([header(length, OP_MSG, options.requestId), flagBytes, ...sections]);
  if (!options.checksum) return unsigned;
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32LE(options.checksum === 'valid' ? crc32c(unsigned) : (crc32c(unsigned) ^ 1) >>> 0);
  return Buffer.concat([unsigned, checksum]);
}

/** A socket to the server under test (MONGODB_URI must name a single host), or to the server at `uri`. */
export async function openSocket(uri = mongoUri()): Promise<Socket> {
  const { hostname, port } = new URL(uri);
  const socket = connect(Number(port || 27017), hostname.replace(/^\[|\]$/g, ''));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

/** Resolves true once the server closes the socket, false if it is still open after `timeoutMs`. */
export function closedWithin(socket: Socket, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve(true);
    const timer = setTimeout(() => resolve(false), timeoutMs);
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export interface Reply {
  responseTo: number;
  body: Document;
}

/** Reads the next OP_MSG reply from the socket. */
export function readReply(socket: Socket): Promise<Reply> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < received.readInt32LE(0)) return;
      socket.off('data', onData);
      // Header (16) + flags (4) + section kind (1), then the body document.
      resolve({
        responseTo: received.readInt32LE(8),
        body: deserialize(received.subarray(21, received.readInt32LE(0))),
      });
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error('socket closed before a reply arrived')));
  });
}

/** Hands out the socket's OP_MSG replies one at a time, however TCP splits or joins them. */
export function replyReader(socket: Socket): () => Promise<Reply> {
  let received = Buffer.alloc(0);
  const replies: Reply[] = [];
  const waiting: Array<{ resolve: (reply: Reply) => void; reject: (error: Error) => void }> = [];
  let closed = false;
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    while (received.length >= 4 && received.length >= received.readInt32LE(0)) {
      const length = received.readInt32LE(0);
      const reply = { responseTo: received.readInt32LE(8), body: deserialize(received.subarray(21, length)) };
      received = received.subarray(length);
      const next = waiting.shift();
      if (next) next.resolve(reply);
      else replies.push(reply);
    }
  });
  socket.once('close', () => {
    closed = true;
    for (const next of waiting.splice(0)) next.reject(new Error('socket closed before a reply arrived'));
  });
  return () => {
    const reply = replies.shift();
    if (reply) return Promise.resolve(reply);
    if (closed) return Promise.reject(new Error('socket closed before a reply arrived'));
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };
}

/** CRC-32C, kept here rather than imported so that the tests do not trust the server's own implementation. */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
