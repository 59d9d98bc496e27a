/**
 * An in-memory server speaking the MongoDB wire protocol, for local runs and tests only:
 * production uses MongoDB. The `mongodb` driver and mongoose talk to it unmodified.
 *
 * It runs in a child process, as a database would: a slow command never holds up the caller's
 * event loop (the local gateway and its function timeouts, a test), and the child ends with its parent.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stderrLog } from './log';
import { connectionString, resolveOptions } from './options';
import type { MongoOptions } from './options';
import type { ServerMessage } from './server-process';

export type { Log } from './log';
export type { MongoOptions } from './options';

export interface RunningMongo {
  /** A `mongodb://` connection string for this server. */
  uri: string;
  port: number;
  /** The server's process. */
  pid: number;
  /** Ends the server's process, closing every connection and freeing the port, even in the middle of a command. */
  stop(): Promise<void>;
}

const SERVER_ENTRY = join(__dirname, 'server-process.ts');
/** The child runs the TypeScript sources, as `make dev` and jest do, through tsx's loader. */
const TYPESCRIPT_LOADER = pathToFileURL(require.resolve('tsx')).href;

export async function startMongo(options: MongoOptions = {}): Promise<RunningMongo> {
  const settings = resolveOptions(options);
  const log = options.log ?? stderrLog;
  const child = fork(SERVER_ENTRY, [JSON.stringify(settings)], {
    execArgv: ['--import', TYPESCRIPT_LOADER],
    // stdout and stderr are the caller's, so that a crash of the server shows its stack.
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let ready = false;
  let stopping = false;

  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (message: ServerMessage) => {
      if (message.type === 'log') log(message.message);
      else if (message.type === 'ready') resolve(message.port);
      else reject(Object.assign(new Error(message.message), message.code ? { code: message.code } : {}));
    });
    // Kept for the child's whole life: an 'error' event without a listener would crash the caller.
    child.on('error', (error) => {
      reject(error);
      if (ready) log(`the embedded MongoDB process: ${error.message}`);
    });
    child.once('exit', (code, signal) => {
      const how = signal ? `signal ${signal}` : `code ${code}`;
      reject(new Error(`the embedded MongoDB process exited with ${how} before it was ready`));
      if (ready && !stopping) log(`the embedded MongoDB process exited with ${how}`);
    });
  });
  ready = true;

  return {
    uri: connectionString(settings.host, port),
    port,
    pid: child.pid as number,
    stop: async () => {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
