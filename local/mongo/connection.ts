/**
 * One client socket: reassembles frames from TCP chunks and answers them in order. Anything that
 * cannot be framed or decoded closes this connection only, with the reason logged.
 */
import type { Socket } from 'node:net';
import { ProtocolError } from './errors';
import type { Log } from './log';
import { decodeRequest, HEADER_BYTES, readHeader } from './wire';
import type { CommandRequest } from './wire';

/** Answers a request with the bytes to send, or nothing when the client asked for no reply. */
export type RequestHandler = (request: CommandRequest) => Buffer | undefined;

export function serveConnection(socket: Socket, id: number, handle: RequestHandler, log: Log): void {
  let chunks: Buffer[] = [];
  let buffered = 0;
  /** Length of the frame being received, known once its header has arrived. */
  let frameLength: number | undefined;

  /** The first `length` buffered bytes, removed from the buffer when `consume` is set. */
  const take = (length: number, consume: boolean): Buffer => {
    const first = chunks[0];
    const joined = first && first.length >= length ? first : Buffer.concat(chunks);
    if (joined !== first) chunks = [joined];
    if (consume) {
      chunks = [joined.subarray(length), ...chunks.slice(1)].filter((chunk) => chunk.length > 0);
      buffered -= length;
    }
    return joined.subarray(0, length);
  };

  const processFrames = (): void => {
    while (!socket.destroyed) {
      if (frameLength === undefined) {
        if (buffered < HEADER_BYTES) return;
        // The header is checked before the body arrives, so a bogus 2 GB length is refused at once.
        frameLength = readHeader(take(HEADER_BYTES, false)).length;
      }
      if (buffered < frameLength) return;
      const frame = take(frameLength, true);
      frameLength = undefined;
      const reply = handle(decodeRequest(frame));
      if (reply) socket.write(reply);
    }
  };

  const close = (reason: string): void => {
    // Reasons can quote the client's bytes; keep the log line printable and short.
    log(`connection ${id} closed: ${reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 300)}`);
    chunks = [];
    buffered = 0;
    socket.destroy();
  };

  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    buffered += chunk.length;
    try {
      processFrames();
    } catch (error) {
      close(error instanceof ProtocolError ? error.message : `unexpected failure: ${(error as Error).stack ?? String(error)}`);
    }
  });
  socket.on('error', (error) => log(`connection ${id} error: ${error.message}`));
  socket.on('close', () => {
    if (buffered > 0) log(`connection ${id} closed mid-message: ${buffered} of ${frameLength ?? 'an unknown number of'} bytes received`);
  });
}
