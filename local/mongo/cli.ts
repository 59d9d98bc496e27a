/** `npm run mongo -- [--port 27017] [--host 127.0.0.1]`: runs the embedded server in this process until Ctrl-C. */
import { parseArgs } from 'node:util';
import { stopOnSignal } from '../process';
import { startEmbedded } from './embedded';
import { stderrLog } from './log';
import { connectionString, resolveOptions } from './options';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, host: { type: 'string' } },
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be a port number, got '${values.port}'`);

  const settings = resolveOptions({ port, ...(values.host ? { host: values.host } : {}) });
  const server = await startEmbedded(settings, stderrLog);
  console.log(connectionString(settings.host, server.port));
  console.error('In-memory MongoDB-compatible server for local use; data is lost on exit. Ctrl-C to stop.');
  stopOnSignal(() => server.stop(), ['SIGINT', 'SIGTERM']);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
