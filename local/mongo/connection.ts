/**
 * One client socket: reassembles frames from TCP chunks and answers them in order. Anything that
 * cannot be framed or decoded closes this connection only, with the reason logged.
 *
 * What a connection may hold is bounded: one message at a time on the way in (48 MB at most, checked
 * on its header), its part of the server-wide budget for incomplete messages, a time limit on finishing
 * a message it has started, and on the way out no more than the socket's buffer: a client that does
 * not read its replies is not read from until it does.
 */
import type { Socket } from 'node:net';
import { ProtocolError } from './errors';
import type { Log } from './log';
import { decodeRequest, HEADER_BYTES, readHeader } from './wire';
import type { CommandRequest } from './wire';

/** Answers a request with the bytes to send, or nothing when the client asked for no reply. */
export type RequestHandler = (request: CommandRequest) => Buffer | undefined;

/** Bytes of incomplete messages held by all the connections of one server, against one limit. */
export class BufferBudget {
  held = 0;

  constructor(readonly limit: number) {}
}

export interface ConnectionLimits {
  budget: BufferBudget;
  /** How long the connection may hold part of a message without completing one. */
  partialMessageTimeoutMs: number;
}

export function serveConnection(
  socket: Socket,
  id: number,
  handle: RequestHandler,
  log: Log,
  limits: ConnectionLimits,
): void {
  const { budget } = limits;
  let chunks: Buffer[] = [];
  let buffered = 0;
  /** Length of the frame being received, known once its header has arrived. */
  let frameLength: number | undefined;
  /** Running while bytes are held and no message has completed since they arrived. */
  let partialTimer: NodeJS.Timeout | undefined;
  /** Set while the client has not read what was written to it. */
  let waitingForDrain = false;

  const setBuffered = (bytes: number): void => {
    budget.held += bytes - buffered;
    buffered = bytes;
  };

  /** The first `length` buffered bytes, removed from the buffer when `consume` is set. */
  const take = (length: number, consume: boolean): Buffer => {
    const first = chunks[0];
    const joined = first && first.length >= length ? first : Buffer.concat(chunks);
    if (joined !== first) chunks = [joined];
    if (consume) {
      chunks = [joined.subarray(length), ...chunks.slice(1)].filter((chunk) => chunk.length > 0);
      setBuffered(buffered - length);
    }
    return joined.subarray(0, length);
  };

  const close = (reason: string): void => {
    // Reasons can quote the client's bytes; keep the log line printable and short.
    log(`connection ${id} closed: ${reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 300)}`);
    release();
    socket.destroy();
  };

  const release = (): void => {
    clearTimeout(partialTimer);
    partialTimer = undefined;
    chunks = [];
    setBuffered(0);
  };

  const processFrames = (): void => {
    while (!socket.destroyed && !waitingForDrain) {
      if (frameLength === undefined) {
        if (buffered < HEADER_BYTES) return;
        // The header is checked before the body arrives, so a bogus 2 GB length is refused at once.
        frameLength = readHeader(take(HEADER_BYTES, false)).length;
      }
      if (buffered < frameLength) return;
      const frame = take(frameLength, true);
      frameLength = undefined;
      clearTimeout(partialTimer);
      partialTimer = undefined;
      const reply = handle(decodeRequest(frame));
      if (reply && !socket.write(reply)) {
        waitingForDrain = true;
        socket.pause();
      }
    }
  };

  const afterInput = (): void => {
    try {
      processFrames();
    } catch (error) {
      close(
        error instanceof ProtocolError
          ? error.message
          : `unexpected failure: ${(error as Error).stack ?? String(error)}`,
      );
      return;
    }
    if (socket.destroyed) return;
    if (budget.held > budget.limit) {
      close(`the server holds ${budget.held} bytes of incomplete messages, over its limit of ${budget.limit}`);
      return;
    }
    if (buffered > 0 && !waitingForDrain && partialTimer === undefined) {
      partialTimer = setTimeout(() => {
        close(
          `no complete message within ${limits.partialMessageTimeoutMs} ms: ${buffered} of ${frameLength ?? 'an unknown number of'} bytes received`,
        );
      }, limits.partialMessageTimeoutMs);
      // An idle client must not keep the server's process alive on its own.
      partialTimer.unref();
    }
  };

  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    setBuffered(buffered + chunk.length);
    afterInput();
  });
  socket.on('drain', () => {
    if (!waitingForDrain) return;
    waitingForDrain = false;
    socket.resume();
    afterInput();
  });
  socket.on('error', (error) => log(`connection ${id} error: ${error.message}`));
  socket.on('close', () => {
    if (buffered > 0)
      log(
        `connection ${id} closed mid-message: ${buffered} of ${frameLength ?? 'an unknown number of'} bytes received`,
      );
    release();
  });
}
