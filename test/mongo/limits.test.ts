/**
 * The limits a server advertises or accepts from its clients, answered with mongod's errors: the write
 * batch size from hello, and maxTimeMS. Conformance tests: they pass against MongoDB too.
 */
import { MongoServerError } from 'mongodb';
import type { Collection, Db } from 'mongodb';
import { openTestDatabase } from './helpers';
import type { TestDatabase } from './helpers';
import { openSocket, opMsg, replyReader } from './raw-wire';

let database: TestDatabase;
let db: Db;
let maxWriteBatchSize: number;

beforeAll(async () => {
  database = await openTestDatabase('limits');
  db = database.db;
  maxWriteBatchSize = ((await db.admin().command({ hello: 1 })) as { maxWriteBatchSize: number }).maxWriteBatchSize;
});

afterAll(() => database.dispose());

async function refusal(promise: Promise<unknown>): Promise<MongoServerError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MongoServerError);
  return error as MongoServerError;
}

describe('write batch size', () => {
  it('refuses a write of more statements than hello advertises with InvalidLength, applying none', async () => {
    const documents = Array.from({ length: maxWriteBatchSize + 1 }, () => ({}));

    const error = await refusal(db.command({ insert: 'oversized', documents }));

    expect(error).toMatchObject({ code: 16, codeName: 'InvalidLength' });
    expect(error.message).toBe(
      `Write batch sizes must be between 1 and ${maxWriteBatchSize}. Got ${maxWriteBatchSize + 1} operations.`,
    );
    await expect(db.collection('oversized').countDocuments()).resolves.toBe(0);
  });

  it.each([
    ['insert', 'documents'],
    ['update', 'updates'],
    ['delete', 'deletes'],
  ])('refuses an empty %s with InvalidLength', async (command, field) => {
    const error = await refusal(db.command({ [command]: 'empty', [field]: [] }));

    expect(error).toMatchObject({ code: 16, codeName: 'InvalidLength' });
    expect(error.message).toBe(`Write batch sizes must be between 1 and ${maxWriteBatchSize}. Got 0 operations.`);
  });

  it('refuses a document sequence of 1,100,000 statements with InvalidLength and keeps the connection', async () => {
    const count = 1_100_000;
    // Each `{}` is five bytes of BSON: a 5.5 MB message, well within the 48 MB message limit.
    const emptyDocuments = Buffer.alloc(count * 5);
    for (let i = 0; i < count; i++) emptyDocuments[i * 5] = 5;
    const socket = await openSocket();
    const nextReply = replyReader(socket);
    try {
      socket.write(opMsg({ insert: 'sequence', $db: db.databaseName }, { sequences: { documents: emptyDocuments } }));
      const refused = await nextReply();
      socket.write(opMsg({ ping: 1, $db: 'admin' }));
      const ping = await nextReply();

      expect(refused.body).toMatchObject({
        ok: 0,
        code: 16,
        codeName: 'InvalidLength',
        errmsg: `Write batch sizes must be between 1 and ${maxWriteBatchSize}. Got ${count} operations.`,
      });
      expect(ping.body).toMatchObject({ ok: 1 });
      await expect(db.collection('sequence').countDocuments()).resolves.toBe(0);
    } finally {
      socket.destroy();
    }
  });
});

describe('maxTimeMS', () => {
  let items: Collection;
  /** Builds a 10,000-element array per document: far more than a millisecond of work over 2,000 documents, on any server. */
  const slowFilter = { $expr: { $gt: [{ $size: { $range: [0, 10_000] } }, 0] } };

  beforeAll(async () => {
    items = db.collection('timed');
    await items.insertMany(Array.from({ length: 2_000 }, (_, n) => ({ n })));
  });

  it('answers MaxTimeMSExpired when a find runs past maxTimeMS', async () => {
    const error = await refusal(items.find(slowFilter).maxTimeMS(1).toArray());

    expect(error).toMatchObject({ code: 50, codeName: 'MaxTimeMSExpired' });
  });

  it('answers MaxTimeMSExpired when an aggregation runs past maxTimeMS', async () => {
    const pipeline = [
      { $project: { size: { $size: { $range: [0, 10_000] } } } },
      { $group: { _id: null, total: { $sum: '$size' } } },
    ];

    const error = await refusal(items.aggregate(pipeline, { maxTimeMS: 1 }).toArray());

    expect(error).toMatchObject({ code: 50, codeName: 'MaxTimeMSExpired' });
  });

  it('answers MaxTimeMSExpired when a count runs past maxTimeMS', async () => {
    const error = await refusal(items.countDocuments(slowFilter, { maxTimeMS: 1 }));

    expect(error).toMatchObject({ code: 50, codeName: 'MaxTimeMSExpired' });
  });

  it('runs to the end within a budget it does not use up', async () => {
    await expect(
      items
        .find({ n: { $lt: 3 } })
        .maxTimeMS(60_000)
        .toArray(),
    ).resolves.toHaveLength(3);
  });

  it.each([
    [-1, 51024, "BSON field 'maxTimeMS' value must be >= 0, actual value '-1'"],
    [1000.5, 2, 'maxTimeMS has non-integral value'],
    [2 ** 31, 2, '2147483648 value for maxTimeMS is out of range'],
    [null, 2, 'maxTimeMS must be a number'],
  ])('refuses maxTimeMS %p as mongod does', async (maxTimeMS, code, message) => {
    const error = await refusal(db.command({ aggregate: 'timed', pipeline: [], cursor: {}, maxTimeMS }));

    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
  });

  it('refuses a maxTimeMS that is not a number with TypeMismatch', async () => {
    const error = await refusal(db.command({ aggregate: 'timed', pipeline: [], cursor: {}, maxTimeMS: 'soon' }));

    expect(error).toMatchObject({ code: 14, codeName: 'TypeMismatch' });
  });
});
