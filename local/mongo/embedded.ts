/**
 * The server itself, in the process that calls this: storage, cursors, sweeps and the TCP listener.
 * `startMongo` (index.ts) runs it in a process of its own; `npm run mongo` runs it directly.
 */
import { CursorStore } from './cursors';
import type { Log } from './log';
import type { ServerSettings } from './options';
import { listen } from './server';
import { Storage } from './storage';
import { removeExpired } from './ttl';

export interface EmbeddedServer {
  port: number;
  /** Closes every connection and frees the port. */
  stop(): Promise<void>;
}

export async function startEmbedded(settings: ServerSettings, log: Log): Promise<EmbeddedServer> {
  const storage = new Storage();
  const cursors = new CursorStore();
  const server = await listen({
    host: settings.host,
    port: settings.port,
    storage,
    cursors,
    log,
    limits: { maxBufferedBytes: settings.maxBufferedBytes, partialMessageTimeoutMs: settings.partialMessageTimeoutMs },
  });

  const sweepExpired = (): void => {
    // A throw inside a timer would take the whole process down.
    try {
      removeExpired(storage, Date.now());
    } catch (error) {
      log(`TTL sweep failed: ${(error as Error).stack ?? String(error)}`);
    }
  };
  const { cursorTimeoutMs } = settings;
  const timers = [
    setInterval(sweepExpired, settings.ttlSweepMs),
    setInterval(() => cursors.closeIdle(cursorTimeoutMs), Math.min(cursorTimeoutMs, 60_000)),
  ];
  // The sweeps alone must not keep a process alive.
  for (const timer of timers) timer.unref();

  return {
    port: server.port,
    stop: async () => {
      for (const timer of timers) clearInterval(timer);
      cursors.clear();
      await server.close();
    },
  };
}
