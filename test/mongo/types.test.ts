import mongoose from 'mongoose';
import { Binary, Decimal128, Double, Int32, Long, ObjectId } from 'mongodb';
import type { Collection, Document } from 'mongodb';
import { mongoUri, openTestDatabase, uniqueDatabaseName } from './helpers';
import type { TestDatabase } from './helpers';

describe('numbers and binary data keep their BSON types', () => {
  let test: TestDatabase;
  let values: Collection;

  beforeAll(async () => {
    test = await openTestDatabase('types');
    values = test.db.collection('values');
    await values.insertMany([
      { _id: 'int', v: 5 },
      { _id: 'long', v: Long.fromNumber(5) },
      { _id: 'double', v: 5.5 },
      { _id: 'integral double', v: new Double(5) },
      { _id: 'objectId', v: new ObjectId() },
      { _id: 'binData', v: new Binary(Buffer.from('abc')) },
      { _id: 'string', v: '5' },
    ] as Document[]);
  });

  afterAll(async () => {
    await test.dispose();
  });

  const idsOfType = async (type: unknown): Promise<string[]> =>
    (await values.find({ v: { $type: type } } as Document, { sort: { _id: 1 } }).toArray()).map((doc) =>
      String(doc._id),
    );

  it('tells int, long, double, objectId and binData apart with $type, by alias and by number', async () => {
    expect(await idsOfType('int')).toEqual(['int']);
    expect(await idsOfType('long')).toEqual(['long']);
    expect(await idsOfType('double')).toEqual(['double', 'integral double']);
    expect(await idsOfType('objectId')).toEqual(['objectId']);
    expect(await idsOfType('binData')).toEqual(['binData']);
    expect(await idsOfType('number')).toEqual(['double', 'int', 'integral double', 'long']);
    expect(await idsOfType([16, 18])).toEqual(['int', 'long']);
  });

  it('returns an int64 that fits in a double as an int64, and an integral double as a double', async () => {
    const long = await values.findOne({ _id: 'long' } as Document, { promoteLongs: false });
    const asBigInt = await values.findOne({ _id: 'long' } as Document, { useBigInt64: true });
    const integralDouble = await values.findOne({ _id: 'integral double' } as Document, { promoteValues: false });
    const int = await values.findOne({ _id: 'int' } as Document, { promoteValues: false });

    expect(long?.v).toEqual(Long.fromNumber(5));
    expect(asBigInt?.v).toBe(5n);
    expect(integralDouble?.v).toEqual(new Double(5));
    expect(int?.v).toEqual(new Int32(5));
  });

  it('compares numbers of every type by value', async () => {
    const equalToFive = await values.find({ v: Long.fromNumber(5) } as Document, { sort: { _id: 1 } }).toArray();

    expect(equalToFive.map((doc) => doc._id)).toEqual(['int', 'integral double', 'long']);
  });

  it('treats numbers of every type with the same value as one unique key', async () => {
    const keys = test.db.collection('numeric_keys');
    await keys.createIndex({ k: 1 }, { unique: true });
    await keys.insertOne({ k: 5 });

    for (const same of [Long.fromNumber(5), new Double(5), Decimal128.fromString('5.0')]) {
      await expect(keys.insertOne({ k: same })).rejects.toMatchObject({ code: 11000 });
    }
    expect(await keys.countDocuments()).toBe(1);
  });

  it('sorts binary data by length, then subtype, then bytes', async () => {
    const binaries = test.db.collection('binaries');
    await binaries.insertMany([
      { _id: 'long', v: new Binary(Buffer.from([0, 0, 0])) },
      { _id: 'short subtype 5', v: new Binary(Buffer.from([1]), 5) },
      { _id: 'short subtype 0, byte 2', v: new Binary(Buffer.from([2])) },
      { _id: 'short subtype 0, byte 1', v: new Binary(Buffer.from([1])) },
      { _id: 'middle', v: new Binary(Buffer.from([9, 9])) },
    ] as Document[]);

    const sorted = await binaries.find({}, { sort: { v: 1 } }).toArray();

    expect(sorted.map((doc) => doc._id)).toEqual([
      'short subtype 0, byte 1',
      'short subtype 0, byte 2',
      'short subtype 5',
      'middle',
      'long',
    ]);
  });

  it('changes a binary whose subtype alone changes, and matches binaries by subtype too', async () => {
    const blobs = test.db.collection('blobs');
    await blobs.insertOne({ _id: 1, v: new Binary(Buffer.from('ab'), 0) } as Document);

    const result = await blobs.updateOne({ _id: 1 } as Document, { $set: { v: new Binary(Buffer.from('ab'), 4) } });
    const stored = await blobs.findOne({ _id: 1 } as Document);

    expect(result.modifiedCount).toBe(1);
    expect((stored?.v as Binary).sub_type).toBe(4);
    expect(await blobs.countDocuments({ v: new Binary(Buffer.from('ab'), 0) })).toBe(0);
    expect(await blobs.countDocuments({ v: new Binary(Buffer.from('ab'), 4) })).toBe(1);
  });
});

describe('number types through mongoose', () => {
  it('stores BigInt paths as int64 and Double paths as doubles, whatever their value', async () => {
    const connection = await mongoose
      .createConnection(mongoUri(), { dbName: uniqueDatabaseName('types_mongoose') })
      .asPromise();
    try {
      const Counter = connection.model(
        'Counter',
        new mongoose.Schema({ hits: BigInt, ratio: mongoose.Schema.Types.Double }),
      );
      await Counter.create({ hits: 7n, ratio: 2 });

      const typed = await Counter.countDocuments({ hits: { $type: 'long' }, ratio: { $type: 'double' } });
      const retyped = await Counter.countDocuments({ $or: [{ hits: { $type: 'int' } }, { ratio: { $type: 'int' } }] });
      const counter = await Counter.findOne().orFail();

      expect(typed).toBe(1);
      expect(retyped).toBe(0);
      expect(counter.hits).toBe(7n);
    } finally {
      await connection.dropDatabase();
      await connection.close();
    }
  });
});
