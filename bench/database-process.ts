/**
 * The embedded MongoDB-compatible server in a process of its own, as a database would be: its work
 * never shares an event loop with the load generator or the functions. Tells its parent the URI over
 * IPC and stops on SIGTERM or when the parent goes away.
 */
import { startMongo } from '../local/mongo';
import { stopOnSignal } from '../local/process';

async function main(): Promise<void> {
  // Function instances are killed, not closed, when a measurement ends: their resets are expected.
  const mongo = await startMongo({ log: (line) => (line.includes('ECONNRESET') ? undefined : process.stderr.write(`embedded mongo: ${line}\n`)) });
  stopOnSignal(() => mongo.stop(), ['SIGTERM', 'disconnect']);
  process.send?.({ type: 'ready', uri: mongo.uri });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
