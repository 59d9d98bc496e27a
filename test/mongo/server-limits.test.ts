/**
 * The embedded server's own protective limits, which mongod does not have in this form: these tests
 * start servers of their own with small limits, whatever MONGODB_URI says, and never run against MongoDB.
 * Regular expressions too: mongod's PCRE backtracks (bounded by its match limit) and accepts backreferences
 * and lookaround, which the embedded server's linear-time engine refuses.
 */
import type { Socket } from 'node:net';
import { MongoClient, MongoServerError } from 'mongodb';
import type { Collection } from 'mongodb';
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
      const insert = (name: string): Buffer =>
        opMsg({ insert: 'items', documents: [{ name, padding: 'x'.repeat(700_000) }], $db: 'limits' });
      const [first, second] = [insert('first'), insert('second')];
      const sockets = await Promise.all([openSocket(mongo.uri), openSocket(mongo.uri)]);
      const closed = sockets.map((socket) =>
        closedWithin(socket, CLOSE_TIMEOUT_MS).then((wasClosed) => (wasClosed ? socket : undefined)),
      );

      // 600 kB each: either fits alone, both together do not.
      sockets[0].write(first.subarray(0, 600_000));
      sockets[1].write(second.subarray(0, 600_000));
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

describe('regular expressions', () => {
  let mongo: RunningMongo;
  let client: MongoClient;
  let texts: Collection<{ s: string; list: string[] }>;
  /** With a backtracking engine, `^(a+)+$` against 40 a's and a mismatch tries about 2^40 ways: hours. */
  const catastrophic = '^(a+)+$';

  beforeAll(async () => {
    mongo = await startMongo({ log: () => undefined });
    client = await MongoClient.connect(mongo.uri);
    texts = client.db('regex').collection('texts');
    await texts.insertOne({ s: `${'a'.repeat(40)}!`, list: [`${'a'.repeat(40)}!`] });
  });

  afterAll(async () => {
    await client.close();
    await mongo.stop();
  });

  it.each<[string, object]>([
    ['a RegExp value', { s: new RegExp(catastrophic) }],
    ['$regex with $options', { s: { $regex: catastrophic, $options: 'i' } }],
    ['a pattern in $in', { list: { $in: [new RegExp(catastrophic)] } }],
    ['$not', { s: { $not: { $regex: catastrophic } } }],
  ])('evaluates a catastrophic pattern given as %s in linear time', async (_label, filter) => {
    const matched = await texts.countDocuments(filter);

    expect(matched).toBe('$not' in (Object.values(filter)[0] as object) ? 1 : 0);
  });

  it.each<[string, object]>([
    ['$all', { list: { $all: [new RegExp(catastrophic)] } }],
    ['$elemMatch', { list: { $elemMatch: { $regex: catastrophic } } }],
    ['$regexMatch inside $expr', { $expr: { $regexMatch: { input: '$s', regex: catastrophic } } }],
  ])('evaluates a catastrophic pattern in %s in linear time', async (_label, filter) => {
    await expect(texts.countDocuments(filter)).resolves.toBe(0);
  });

  it('evaluates catastrophic $pull conditions and array filters in linear time', async () => {
    const long = `${'a'.repeat(40)}!`;
    const updates = client.db('regex').collection<{ pulled: string[]; filtered: string[] }>('updates');
    const { insertedId } = await updates.insertOne({ pulled: [long, 'aaa'], filtered: [long, 'aa'] });

    await updates.updateOne({ _id: insertedId }, { $pull: { pulled: new RegExp(catastrophic) } });
    await updates.updateOne(
      { _id: insertedId },
      { $set: { 'filtered.$[e]': 'matched' } },
      { arrayFilters: [{ e: { $regex: catastrophic } }] },
    );

    await expect(updates.findOne({ _id: insertedId }, { projection: { _id: 0 } })).resolves.toEqual({
      pulled: [long],
      filtered: [long, 'matched'],
    });
  });

  it('evaluates a catastrophic pattern in $regexFind and $regexFindAll in linear time', async () => {
    const [result] = await texts
      .aggregate([
        {
          $project: {
            _id: 0,
            first: { $regexFind: { input: '$s', regex: catastrophic } },
            all: { $regexFindAll: { input: '$s', regex: catastrophic } },
          },
        },
      ])
      .toArray();

    expect(result).toEqual({ first: null, all: [] });
  });

  it('evaluates a catastrophic pattern in $graphLookup restrictSearchWithMatch in linear time', async () => {
    const [result] = await texts
      .aggregate([
        {
          $graphLookup: {
            from: 'texts',
            startWith: '$s',
            connectFromField: 's',
            connectToField: 's',
            as: 'found',
            restrictSearchWithMatch: { s: new RegExp(catastrophic) },
          },
        },
        { $project: { _id: 0, found: 1 } },
      ])
      .toArray();

    expect(result).toEqual({ found: [] });
  });

  it('evaluates a catastrophic pattern in $regexMatch in linear time', async () => {
    const [result] = await texts
      .aggregate([{ $project: { _id: 0, m: { $regexMatch: { input: '$s', regex: catastrophic } } } }])
      .toArray();

    expect(result).toEqual({ m: false });
  });

  it.each([
    ['a backreference', '(a)\\1'],
    ['a lookahead', 'a(?=!)'],
  ])('refuses a pattern with %s, which needs a backtracking engine, with BadValue', async (_label, pattern) => {
    const error: unknown = await texts.findOne({ s: { $regex: pattern } }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({
      code: 2,
      codeName: 'BadValue',
      message: expect.stringContaining('not supported by the embedded server'),
    });
  });
});
