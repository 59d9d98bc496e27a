/**
 * The embedded server's own process, started by `startMongo`: however long a command runs here, the
 * caller's event loop (the local gateway, a test) stays free. Settings arrive as JSON in argv; the port,
 * a start-up failure and log lines go back over IPC. The process ends when its parent goes away.
 */
import { startEmbedded } from './embedded';
import type { ServerSettings } from './options';

export type ServerMessage =
  | { type: 'ready'; port: number }
  | { type: 'failed'; message: string; code?: string }
  | { type: 'log'; message: string };

function send(message: ServerMessage, then?: () => void): void {
  if (process.connected) process.send?.(message, undefined, {}, () => then?.());
  else then?.();
}

function main(): void {
  if (!process.send) {
    process.stderr.write(
      'local/mongo/server-process.ts is started by startMongo(); use `npm run mongo` to run the server on its own\n',
    );
    process.exit(1);
  }
  // The IPC channel closes when the parent exits, however it exits (Ctrl-C, a crash, SIGKILL): no orphans.
  process.on('disconnect', () => process.exit(0));
  // Ctrl-C reaches the whole process group; the parent decides when the database stops, after what depends on it.
  process.on('SIGINT', () => undefined);
  // SIGTERM keeps its default action: stop() ends the process at once, even in the middle of a long command.

  const settings = JSON.parse(process.argv[2] ?? '{}') as ServerSettings;
  startEmbedded(settings, (message) => send({ type: 'log', message })).then(
    (server) => send({ type: 'ready', port: server.port }),
    (error: unknown) => {
      const { message, code } = error as NodeJS.ErrnoException;
      send({ type: 'failed', message: message ?? String(error), ...(code ? { code } : {}) }, () => process.exit(1));
    },
  );
}

main();
