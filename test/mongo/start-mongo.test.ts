import { createServer } from 'node:net';
import { MongoClient, MongoServerError } from 'mongodb';
import { startMongo } from '../../local/mongo';

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

function canListenOn(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('startMongo', () => {
  it('listens on the port it is given and reports it in the URI', async () => {
    const port = await freePort();

    const mongo = await startMongo({ port, log: () => undefined });
    try {
      expect(mongo.port).toBe(port);
      expect(mongo.uri).toBe(`mongodb://127.0.0.1:${port}/`);
      const client = await MongoClient.connect(mongo.uri);
      await expect(client.db('admin').command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
      await client.close();
    } finally {
      await mongo.stop();
    }
  });

  it('frees its port on stop, even with clients still connected', async () => {
    const mongo = await startMongo({ log: () => undefined });
    const client = await MongoClient.connect(mongo.uri);
    await client.db('admin').command({ ping: 1 });

    await mongo.stop();

    await expect(canListenOn(mongo.port)).resolves.toBe(true);
    await client.close(true);
  });

  it('fails to start on a port that is already taken', async () => {
    const mongo = await startMongo({ log: () => undefined });
    try {
      await expect(startMongo({ port: mongo.port, log: () => undefined })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await mongo.stop();
    }
  });

  it('closes cursors left idle longer than cursorTimeoutMs', async () => {
    const timeoutMs = 100;
    const mongo = await startMongo({ cursorTimeoutMs: timeoutMs, log: () => undefined });
    const client = await MongoClient.connect(mongo.uri);
    try {
      const db = client.db('cursors');
      await db.collection('items').insertMany(Array.from({ length: 10 }, (_, n) => ({ n })));
      const { cursor } = await db.command({ find: 'items', batchSize: 1 });
      const live = await db.command({ getMore: cursor.id, collection: 'items', batchSize: 1 });

      // Idle for the timeout plus one sweep (which runs every timeoutMs), with margin.
      await new Promise((resolve) => setTimeout(resolve, timeoutMs * 4));
      const error: unknown = await db
        .command({ getMore: cursor.id, collection: 'items', batchSize: 1 })
        .catch((e: unknown) => e);

      expect(live.cursor.nextBatch).toHaveLength(1);
      expect(error).toBeInstanceOf(MongoServerError);
      expect(error).toMatchObject({ code: 43 });
    } finally {
      await client.close();
      await mongo.stop();
    }
  });

  it("keeps each server's data to itself", async () => {
    const [first, second] = await Promise.all([
      startMongo({ log: () => undefined }),
      startMongo({ log: () => undefined }),
    ]);
    const [a, b] = await Promise.all([MongoClient.connect(first.uri), MongoClient.connect(second.uri)]);
    try {
      await a.db('shared').collection('items').insertOne({ from: 'first' });

      await expect(b.db('shared').collection('items').countDocuments()).resolves.toBe(0);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await Promise.all([first.stop(), second.stop()]);
    }
  });
});
