import mongoose from 'mongoose';
import type { Connection } from 'mongoose';
import type { Collection, Document } from 'mongodb';
import { mongoUri, openTestDatabase, uniqueDatabaseName } from './helpers';
import type { TestDatabase } from './helpers';

describe('array updates through mongoose', () => {
  let connection: Connection;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(mongoUri(), { dbName: uniqueDatabaseName('update_arrays_mongoose') })
      .asPromise();
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('pulls a subdocument without _id, which mongoose sends as $pull with $or', async () => {
    const Order = connection.model(
      'Order',
      new mongoose.Schema({ items: [new mongoose.Schema({ sku: String, qty: Number }, { _id: false })] }),
    );
    const order = await Order.create({
      items: [
        { sku: 'a', qty: 1 },
        { sku: 'b', qty: 2 },
      ],
    });

    order.items.pull(order.items[0]);
    await order.save();

    expect((await Order.findById(order._id).lean())?.items).toEqual([{ sku: 'b', qty: 2 }]);
  });

  it('updates a child with timestamps through $, $[] and $[<id>], which mongoose sends as two paths into one array', async () => {
    const Parent = connection.model(
      'Parent',
      new mongoose.Schema({ children: [new mongoose.Schema({ name: String }, { timestamps: true })] }),
    );
    const parent = await Parent.create({ children: [{ name: 'a' }, { name: 'b' }] });
    const [first, second] = parent.children;
    const created = first?.get('updatedAt') as Date;

    await Parent.updateOne({ 'children._id': second?._id }, { $set: { 'children.$.name': 'by position' } });
    const afterPositional = await Parent.findById(parent._id).lean();
    await Parent.updateOne({ _id: parent._id }, { $set: { 'children.$[].name': 'all' } });
    await Parent.updateOne(
      { _id: parent._id },
      { $set: { 'children.$[child].name': 'filtered' } },
      { arrayFilters: [{ 'child._id': first?._id }] },
    );
    const children = (await Parent.findById(parent._id).lean())?.children ?? [];

    expect(afterPositional?.children.map((child) => child.name)).toEqual(['a', 'by position']);
    expect(children.map((child) => child.name)).toEqual(['filtered', 'all']);
    for (const child of children)
      expect((child as unknown as { updatedAt: Date }).updatedAt.getTime()).toBeGreaterThanOrEqual(created.getTime());
  });
});

describe('array updates through the driver', () => {
  let test: TestDatabase;
  let nextCollection = 0;

  async function holding(doc: Document): Promise<Collection> {
    const collection = test.db.collection(`update_arrays_${nextCollection++}`);
    await collection.insertOne(doc);
    return collection;
  }

  beforeAll(async () => {
    test = await openTestDatabase('update_arrays');
  });

  afterAll(async () => {
    await test.dispose();
  });

  it('pulls documents matching a condition with $or and operators', async () => {
    const collection = await holding({ _id: 1, items: [{ k: 1, v: 'a' }, { k: 2, v: 'b' }, { k: 3, v: 'c' }, 4] });

    await collection.updateOne(
      { _id: 1 } as Document,
      { $pull: { items: { $or: [{ k: 1 }, { v: { $in: ['c'] } }] } } } as Document,
    );

    expect(await collection.findOne({ _id: 1 } as Document)).toEqual({ _id: 1, items: [{ k: 2, v: 'b' }, 4] });
  });

  it('pulls values by operator, by regex and by equality', async () => {
    const collection = await holding({
      _id: 1,
      numbers: [1, 5, 10, 15],
      words: ['apple', 'banana', 'avocado'],
      pairs: [[1, 2], [3]],
    });

    await collection.updateOne(
      { _id: 1 } as Document,
      { $pull: { numbers: { $gte: 10 }, words: /^a/, pairs: [1, 2] } } as Document,
    );

    expect(await collection.findOne({ _id: 1 } as Document)).toEqual({
      _id: 1,
      numbers: [1, 5],
      words: ['banana'],
      pairs: [[3]],
    });
  });

  it('applies $[] and $[<id>] to the same element when their paths differ', async () => {
    const collection = await holding({ _id: 1, grades: [{ score: 50 }, { score: 90 }] });

    await collection.updateOne(
      { _id: 1 } as Document,
      { $set: { 'grades.$[].checked': true, 'grades.$[high].honours': true } },
      { arrayFilters: [{ 'high.score': { $gte: 80 } }] },
    );

    expect(await collection.findOne({ _id: 1 } as Document)).toEqual({
      _id: 1,
      grades: [
        { score: 50, checked: true },
        { score: 90, checked: true, honours: true },
      ],
    });
  });

  it('refuses $[] and $[<id>] writing the same field of one element', async () => {
    const collection = await holding({ _id: 1, grades: [{ score: 50 }, { score: 90 }] });

    const error: unknown = await collection
      .updateOne(
        { _id: 1 } as Document,
        { $set: { 'grades.$[].score': 0, 'grades.$[high].score': 100 } },
        { arrayFilters: [{ 'high.score': 90 }] },
      )
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 40, errmsg: "Update created a conflict at 'grades.1.score'" });
  });

  it('creates new fields in field-name order, whatever the order of the update', async () => {
    const collection = await holding({ _id: 1 });

    await collection.updateOne({ _id: 1 } as Document, { $set: { zeta: 1, alpha: 2, 'nested.b': 3, 'nested.a': 4 } });
    const stored = await collection.findOne({ _id: 1 } as Document);

    expect(Object.keys(stored ?? {})).toEqual(['_id', 'alpha', 'nested', 'zeta']);
    expect(Object.keys((stored?.nested as Document | undefined) ?? {})).toEqual(['a', 'b']);
  });

  it('renames a nested field into a path it creates, and does nothing for a missing source', async () => {
    const collection = await holding({ _id: 1, profile: { nick: 'ada', city: 'London' } });

    await collection.updateOne({ _id: 1 } as Document, {
      $rename: { 'profile.nick': 'names.short', missing: 'elsewhere' },
    });

    expect(await collection.findOne({ _id: 1 } as Document)).toEqual({
      _id: 1,
      profile: { city: 'London' },
      names: { short: 'ada' },
    });
  });

  it('pushes with $each, $position, $sort and $slice', async () => {
    const collection = await holding({ _id: 1, scores: [{ s: 5 }, { s: 1 }] });

    await collection.updateOne(
      { _id: 1 } as Document,
      { $push: { scores: { $each: [{ s: 3 }, { s: 9 }], $sort: { s: -1 }, $slice: 3 } } } as Document,
    );

    expect(await collection.findOne({ _id: 1 } as Document)).toEqual({
      _id: 1,
      scores: [{ s: 9 }, { s: 5 }, { s: 3 }],
    });
  });
});
