/**
 * The embedded server's own protective limits, which mongod does not have in this form: these tests
 * start servers of their own with small limits, whatever MONGODB_URI says, and never run against MongoDB.
 */
import type { Socket } from 'node:net';
import { startMongo } from '../../local/mongo';
import type { RunningMongo } from '../../local/mongo';
import { closedWithin, openSocket, opMsg, readReply } from './raw-wire';

/** Generous: each wait ends as soon as the socket closes. */
const CLOSE_TIMEOUT_MS = 10_000;

async function expectPing(mongo: RunningMongo): Promise<void> {
  const socket = await openSocket(mongo.uri);
  try {
    socket.write(opMsg({ ping: 1, $db: 'admin' }));
    await expect(readReply(socket)).resolves.toMatchObject({ body: { ok: 1 } });
  } finally {
    socket.destroy();
  }
}

describe('incomplete messages', () => {
  it('closes a connection that leaves a message incomplete longer than partialMessageTimeoutMs, and keeps serving others', async () => {
    const mongo = await startMongo({ partialMessageTimeoutMs: 50, log: () => undefined });
    try {
      const socket = await openSocket(mongo.uri);
      const message = opMsg({ ping: 1, $db: 'admin' });

      socket.write(message.subarray(0, message.length - 5));

      await expect(closedWithin(socket, CLOSE_TIMEOUT_MS)).resolves.toBe(true);
      await expectPing(mongo);
    } finally {
      await mongo.stop();
    }
  });

  it('closes the connection whose incomplete message takes the server over maxBufferedBytes, and keeps the others', async () => {
    const mongo = await startMongo({ maxBufferedBytes: 1_000_000, log: () => undefined });
    try {
      const insert = (name: string): Buffer => opMsg({ insert: 'items', documents: [{ name, padding: 'x'.repeat(700_000) }], $db: 'limits' });
      const [first, second] = [insert('first'), insert('second')];
      const sockets = await Promise.all([openSocket(mongo.uri), openSocket(mongo.uri)]);
      const closed = sockets.map((socket) => closedWithin(socket, CLOSE_TIMEOUT_MS).then((wasClosed) => (wasClosed ? socket : undefined)));

      // 600 kB each: either fits alone, both together do not.
      sockets[0]!.write(first.subarray(0, 600_000));
      sockets[1]!.write(second.subarray(0, 600_000));
      const refused = await Promise.race(closed);
      const kept = sockets.find((socket) => socket !== refused) as Socket;
      const rest = kept === sockets[0] ? first : second;
      kept.write(rest.subarray(600_000));

      expect(refused).toBeDefined();
      await expect(readReply(kept)).resolves.toMatchObject({ body: { ok: 1, n: 1 } });
      kept.destroy();
      await expectPing(mongo);
    } finally {
      await mongo.stop();
    }
  });
});
