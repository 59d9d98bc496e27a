/**
 * The embedded server runs in a process of its own (startMongo forks it): a long command keeps the
 * database busy but never the caller's event loop, so a local gateway in the same process as startMongo
 * still answers and still enforces function timeouts. These tests start their own servers, whatever
 * MONGODB_URI says: they are about the embedded server's process, not MongoDB's behaviour.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { startMongo } from '../../local/mongo';
import type { RunningMongo } from '../../local/mongo';
import { ROOT } from '../../scripts/paths';
import { startFixtureGateway } from '../gateway/support';
import type { FixtureGateway } from '../gateway/support';
import { eventually } from './helpers';
import { openSocket, opMsg, replyReader } from './raw-wire';

const FIXTURES = join(__dirname, 'fixtures');

/** False once the process is gone, or is a zombie nobody has reaped yet (its parent was killed). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (name) state ..."; Z is a zombie.
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/**
 * Starts a command that keeps the server busy for far longer than the test needs (tens of seconds here;
 * the server is stopped mid-command at the end). A ping sent just before it on the same connection
 * answers once the server has moved on to the long command, since a connection's commands run in order:
 * from then on, the server is busy.
 */
async function occupy(mongo: RunningMongo, database: string): Promise<{ finished: () => boolean }> {
  const socket = await openSocket(mongo.uri);
  const nextReply = replyReader(socket);
  const everyDocumentBuildsABigArray = { $expr: { $gt: [{ $size: { $range: [0, 150_000] } }, 0] } };
  socket.write(
    Buffer.concat([
      opMsg({ ping: 1, $db: database }),
      opMsg({ find: 'items', filter: everyDocumentBuildsABigArray, $db: database }),
    ]),
  );
  await nextReply();
  let finished = false;
  // The reply comes only if the server finishes before the test stops it.
  nextReply().then(
    () => (finished = true),
    () => undefined,
  );
  return { finished: () => finished };
}

describe('the embedded server in its own process', () => {
  let mongo: RunningMongo;
  let f: FixtureGateway;

  beforeAll(async () => {
    mongo = await startMongo({ log: () => undefined });
    const client = await MongoClient.connect(mongo.uri);
    await client
      .db('busy')
      .collection('items')
      .insertMany(Array.from({ length: 10_000 }, (_, n) => ({ n })));
    await client.close();
    f = await startFixtureGateway(
      {},
      {
        resolveFunction: (key) => ({
          key,
          entry: join(FIXTURES, 'ping-database.js'),
          timeoutMs: 1000,
          environment: { MONGODB_URI: mongo.uri },
        }),
      },
    );
  });

  afterAll(async () => {
    await f.gateway.close();
    await mongo.stop();
  });

  it('leaves the gateway answering and function timeouts honoured while the database is busy', async () => {
    const busy = await occupy(mongo, 'busy');

    const docs = await f.call('/docs');
    const docsAnsweredDuringTheCommand = !busy.finished();
    const timedOut = await f.call('/slow');
    const timeoutAnsweredDuringTheCommand = !busy.finished();

    expect(docs.status).toBe(200);
    expect(docsAnsweredDuringTheCommand).toBe(true);
    expect(timedOut.status).toBe(502);
    expect(f.lastRecord('/slow').gatewayError?.reason).toBe('Sandbox.Timedout: Task timed out after 1.00 seconds');
    expect(timeoutAnsweredDuringTheCommand).toBe(true);
  });

  it('stops at once, even in the middle of a command', async () => {
    const other = await startMongo({ log: () => undefined });
    const client = await MongoClient.connect(other.uri);
    await client
      .db('busy')
      .collection('items')
      .insertMany(Array.from({ length: 10_000 }, (_, n) => ({ n })));
    await client.close();
    await occupy(other, 'busy');

    await other.stop();

    expect(alive(other.pid)).toBe(false);
  });

  it('reports through log when its process dies on its own', async () => {
    const lines: string[] = [];
    let reported: () => void = () => undefined;
    const logged = new Promise<void>((resolve) => (reported = resolve));
    const other = await startMongo({
      log: (line) => {
        lines.push(line);
        reported();
      },
    });

    process.kill(other.pid, 'SIGKILL');
    await logged;

    expect(lines).toEqual(['the embedded MongoDB process exited with signal SIGKILL']);
    await other.stop();
  });

  it('ends with the process that started it, even when that process is killed', async () => {
    const parent = spawn(process.execPath, ['--import', 'tsx', join(FIXTURES, 'server-parent.ts')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(parent.stdout.setEncoding('utf8'), 'data')) as [string];
    const { pid } = JSON.parse(line) as { pid: number };
    expect(alive(pid)).toBe(true);

    parent.kill('SIGKILL');

    // The server notices when its IPC channel closes; the bound is generous, the wait ends as soon as it is gone.
    await expect(eventually(async () => !alive(pid), 10_000)).resolves.toBe(true);
  });
});
