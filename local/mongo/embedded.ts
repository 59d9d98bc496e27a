/**
 * The server itself, in the process that calls this: storage, cursors, sweeps and the TCP listener.
 * `startMongo` (index.ts) runs it in a process of its own; `npm run mongo` runs it directly.
 */
import { CursorStore } from './cursors';
import type { Log } from './log';
import type { ServerSettings } from './options';
import { listen } from './server';
import { Storage } from './storage';
import { TtlMonitor } from './ttl';

export interface EmbeddedServer {
  port: number;
  /** Closes every connection and frees the port. */
  stop(): Promise<void>;
}

export async function startEmbedded(settings: ServerSettings, log: Log): Promise<EmbeddedServer> {
  const storage = new Storage();
  const cursors = new CursorStore();
  const ttl = new TtlMonitor(storage, settings.ttlSweepMs, log);
  const server = await listen({
    host: settings.host,
    port: settings.port,
    storage,
    cursors,
    ttl,
    log,
    limits: { maxBufferedBytes: settings.maxBufferedBytes, partialMessageTimeoutMs: settings.partialMessageTimeoutMs },
  });

  ttl.start();
  const { cursorTimeoutMs } = settings;
  const timers = [setInterval(() => cursors.closeIdle(cursorTimeoutMs), Math.min(cursorTimeoutMs, 60_000))];
  // The cursor sweep alone must not keep a process alive (the TTL monitor unrefs its own timer).
  for (const timer of timers) timer.unref();

  return {
    port: server.port,
    stop: async () => {
      for (const timer of timers) clearInterval(timer);
      ttl.stop();
      cursors.clear();
      await server.close();
    },
  };
}
