/** The TCP listener: every socket is served on its own, all sharing one Storage. */
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { oversizedBatchReply, runCommand } from './commands';
import { BufferBudget, serveConnection } from './connection';
import type { CursorStore } from './cursors';
import type { Log } from './log';
import { ServerStats } from './stats';
import type { Storage } from './storage';
import type { TtlMonitor } from './ttl';
import { encodeMsgReply, encodeQueryReply, OpCode } from './wire';
import type { CommandRequest } from './wire';

export interface WireServerOptions {
  host: string;
  port: number;
  storage: Storage;
  cursors: CursorStore;
  ttl: TtlMonitor;
  log: Log;
  limits: {
    /** Bytes of incomplete messages all connections together may hold. */
    maxBufferedBytes: number;
    partialMessageTimeoutMs: number;
  };
}

export interface WireServer {
  port: number;
  close(): Promise<void>;
}

export async function listen({
  host,
  port,
  storage,
  cursors,
  ttl,
  log,
  limits,
}: WireServerOptions): Promise<WireServer> {
  const sockets = new Set<Socket>();
  const stats = new ServerStats();
  const budget = new BufferBudget(limits.maxBufferedBytes);
  let nextConnectionId = 1;

  const server = createServer((socket) => {
    const connectionId = nextConnectionId++;
    sockets.add(socket);
    stats.opened();
    socket.on('close', () => {
      sockets.delete(socket);
      stats.closed();
    });
    socket.setNoDelay(true);
    const respond = (request: CommandRequest): Buffer | undefined => {
      const reply =
        request.oversizedBatch === undefined
          ? runCommand(request.command, { storage, cursors, connectionId, stats, ttl }, (error) =>
              log(`connection ${connectionId} command failed unexpectedly: ${(error as Error).stack ?? String(error)}`),
            )
          : oversizedBatchReply(request.oversizedBatch);
      if (!request.expectsReply) return undefined;
      return request.opCode === OpCode.Query
        ? encodeQueryReply(request.requestId, reply)
        : encodeMsgReply(request.requestId, reply);
    };
    serveConnection(socket, connectionId, respond, log, {
      budget,
      partialMessageTimeoutMs: limits.partialMessageTimeoutMs,
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => log(`server error: ${error.message}`));

  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server is not listening on a TCP port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
