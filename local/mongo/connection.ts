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

export class Connection {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Length of the frame being received, known once its header has arrived. */
  private frameLength: number | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly id: number,
    private readonly handle: RequestHandler,
    private readonly log: Log,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.log(`connection ${this.id} error: ${error.message}`));
    socket.on('close', () => {
      if (this.buffered > 0) {
        this.log(`connection ${this.id} closed mid-message: ${this.buffered} of ${this.frameLength ?? 'an unknown number of'} bytes received`);
      }
    });
  }

  private receive(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    try {
      this.processFrames();
    } catch (error) {
      const reason = error instanceof ProtocolError ? error.message : `unexpected failure: ${(error as Error).stack ?? String(error)}`;
      this.close(reason);
    }
  }

  private processFrames(): void {
    while (!this.socket.destroyed) {
      if (this.frameLength === undefined) {
        if (this.buffered < HEADER_BYTES) return;
        // The header is checked before the body arrives, so a bogus 2 GB length is refused at once.
        this.frameLength = readHeader(this.take(HEADER_BYTES, false)).length;
      }
      if (this.buffered < this.frameLength) return;
      const frame = this.take(this.frameLength, true);
      this.frameLength = undefined;
      const reply = this.handle(decodeRequest(frame));
      if (reply) this.socket.write(reply);
    }
  }

  /** The first `length` buffered bytes, removed from the buffer when `consume` is set. */
  private take(length: number, consume: boolean): Buffer {
    const first = this.chunks[0];
    const joined = first && first.length >= length ? first : Buffer.concat(this.chunks);
    if (joined !== first) this.chunks = [joined];
    if (!consume) return joined.subarray(0, length);
    const rest = joined.subarray(length);
    this.chunks = [rest, ...this.chunks.slice(1)].filter((chunk) => chunk.length > 0);
    this.buffered -= length;
    return joined.subarray(0, length);
  }

  private close(reason: string): void {
    // Reasons can quote the client's bytes; keep the log line printable and short.
    this.log(`connection ${this.id} closed: ${reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 300)}`);
    this.chunks = [];
    this.buffered = 0;
    this.socket.destroy();
  }
}
