import { Long, MongoClient, MongoServerError } from 'mongodb';
import mongoose from 'mongoose';
import { mongoUri, openTestDatabase, uniqueDatabaseName } from './helpers';
import type { TestDatabase } from './helpers';

describe('connecting', () => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await openTestDatabase('connection');
  });

  afterAll(async () => {
    await test.dispose();
  });

  it('answers ping through the driver', async () => {
    await expect(test.db.command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
  });

  it('reports a server version and wire version the driver accepts', async () => {
    const hello = await test.db.admin().command({ hello: 1 });
    const buildInfo = await test.db.admin().command({ buildInfo: 1 });

    expect(hello.maxWireVersion).toBeGreaterThanOrEqual(9);
    expect(hello.logicalSessionTimeoutMinutes).toEqual(expect.any(Number));
    expect(buildInfo.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('rejects an unknown command with CommandNotFound instead of hanging', async () => {
    const error: unknown = await test.db.command({ noSuchCommand: 1 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 59, codeName: 'CommandNotFound' });
  });

  it('returns cursor ids as 64-bit integers', async () => {
    const collection = test.db.collection('cursor_ids');
    await collection.insertMany([{ n: 1 }, { n: 2 }, { n: 3 }]);

    const reply = await test.db.command({ find: 'cursor_ids', batchSize: 1 }, { promoteLongs: false });

    expect(reply.cursor.id).toBeInstanceOf(Long);
    expect(reply.cursor.id.isZero()).toBe(false);
    await test.db.command({ killCursors: 'cursor_ids', cursors: [reply.cursor.id] });
  });

  it('lets mongoose connect, write and read', async () => {
    const connection = await mongoose
      .createConnection(mongoUri(), { dbName: uniqueDatabaseName('connection_mongoose') })
      .asPromise();
    try {
      const Note = connection.model('Note', new mongoose.Schema({ text: String }));
      const created = await Note.create({ text: 'hello' });

      const found = await Note.findById(created._id).lean();

      expect(found).toMatchObject({ text: 'hello' });
    } finally {
      await connection.dropDatabase();
      await connection.close();
    }
  });

  it('keeps databases isolated by name', async () => {
    const other = test.client.db(uniqueDatabaseName('connection_other'));
    await test.db.collection('shared_name').insertOne({ owner: 'first' });
    await other.collection('shared_name').insertOne({ owner: 'second' });

    const owners = await other
      .collection('shared_name')
      .find()
      .map((doc) => doc.owner)
      .toArray();

    expect(owners).toEqual(['second']);
    await other.dropDatabase();
  });

  it('serves several clients at once', async () => {
    const clients = await Promise.all(Array.from({ length: 5 }, () => MongoClient.connect(mongoUri())));
    try {
      const replies = await Promise.all(clients.map((client) => client.db('admin').command({ ping: 1 })));

      expect(replies.every((reply) => reply.ok === 1)).toBe(true);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  });
});
