import { Long, MongoServerError } from 'mongodb';
import type { Collection, Document } from 'mongodb';
import { openTestDatabase } from './helpers';
import type { TestDatabase } from './helpers';

/** The error a promise rejects with, or a failure when it resolves. */
async function errorOf(promise: Promise<unknown>): Promise<MongoServerError> {
  const outcome: unknown = await promise.then(
    (value) => new Error(`expected an error, got ${JSON.stringify(value)}`),
    (error: unknown) => error,
  );
  if (!(outcome instanceof MongoServerError)) throw outcome;
  return outcome;
}

describe('updates mongod refuses', () => {
  let test: TestDatabase;
  let nextCollection = 0;
  const original = { _id: 1, n: 5, s: 'text', scalars: [1, 2, 3], docs: [{ a: 1 }], big: Long.MAX_VALUE };

  /** A fresh collection holding `original`, so every test starts from the same document. */
  async function seeded(): Promise<Collection> {
    const collection = test.db.collection(`update_errors_${nextCollection++}`);
    await collection.insertOne({ ...original } as Document);
    return collection;
  }

  beforeAll(async () => {
    test = await openTestDatabase('update_errors');
  });

  afterAll(async () => {
    await test.dispose();
  });

  // Write errors carry a code and a message (no codeName), as mongod reports them per statement.
  const refused: Array<[string, Document, { code: number; errmsg: string }]> = [
    [
      '$push onto a number',
      { $push: { n: 1 } },
      { code: 2, errmsg: "The field 'n' must be an array but is of type int in document {_id: 1}" },
    ],
    [
      '$inc on a string',
      { $inc: { s: 1 } },
      {
        code: 14,
        errmsg:
          "Cannot apply $inc to a value of non-numeric type. {_id: 1} has the field 's' of non-numeric type string",
      },
    ],
    [
      '$inc by a string',
      { $inc: { n: 'one' } },
      { code: 14, errmsg: 'Cannot increment with non-numeric argument: {n: "one"}' },
    ],
    [
      '$mul on a string',
      { $mul: { s: 2 } },
      {
        code: 14,
        errmsg:
          "Cannot apply $mul to a value of non-numeric type. {_id: 1} has the field 's' of non-numeric type string",
      },
    ],
    [
      '$set of a field inside an array of scalars',
      { $set: { 'scalars.field': 1 } },
      { code: 28, errmsg: "Cannot create field 'field' in element {scalars: [ 1, 2, 3 ]}" },
    ],
    [
      '$set of a field inside an array of documents without a position',
      { $set: { 'docs.b': 1 } },
      { code: 28, errmsg: "Cannot create field 'b' in element {docs: [ { a: 1 } ]}" },
    ],
    [
      '$addToSet onto a string',
      { $addToSet: { s: 'x' } },
      { code: 2, errmsg: "Cannot apply $addToSet to non-array field. Field named 's' has non-array type string" },
    ],
    ['$pull from a number', { $pull: { n: 1 } }, { code: 2, errmsg: 'Cannot apply $pull to a non-array value' }],
    [
      '$pop from a string',
      { $pop: { s: 1 } },
      { code: 14, errmsg: "Path 's' contains an element of non-array type 'string'" },
    ],
    [
      '$inc past the largest int64',
      { $inc: { big: 1 } },
      {
        code: 2,
        errmsg:
          'Failed to apply $inc operations to current value ((NumberLong)9223372036854775807) for document {_id: 1}',
      },
    ],
    [
      'two operators on a path and its parent',
      { $set: { docs: [] }, $unset: { 'docs.0': '' } },
      { code: 40, errmsg: "Updating the path 'docs.0' would create a conflict at 'docs'" },
    ],
    [
      '$rename of a field inside an array of documents',
      { $rename: { 'docs.a': 'moved' } },
      { code: 28, errmsg: 'cannot use the part (docs of docs.a) to traverse the element ({docs: [ { a: 1 } ]})' },
    ],
    [
      '$rename of an array element',
      { $rename: { 'docs.0': 'moved' } },
      {
        code: 2,
        errmsg:
          "The source field cannot be an array element, 'docs.0' in doc with _id: 1 has an array field called 'docs'",
      },
    ],
    [
      'the positional operator when the query matched no array',
      { $set: { 'docs.$.a': 2 } },
      { code: 2, errmsg: 'The positional operator did not find the match needed from the query.' },
    ],
  ];

  it.each(refused)('refuses %s with mongod code and message, changing nothing', async (_label, update, expected) => {
    const collection = await seeded();

    const error = await errorOf(collection.updateOne({ _id: 1 } as Document, update));

    expect({ code: error.code, errmsg: error.errmsg }).toEqual(expected);
    expect(await collection.findOne({ _id: 1 } as Document)).toEqual(original);
  });

  it('fails findAndModify as a whole, with the executor prefix mongod adds', async () => {
    const collection = await seeded();

    const error = await errorOf(collection.findOneAndUpdate({ _id: 1 } as Document, { $inc: { s: 1 } }));

    expect(error).toMatchObject({ code: 14, codeName: 'TypeMismatch' });
    expect(error.errmsg).toBe(
      "Plan executor error during findAndModify :: caused by :: Cannot apply $inc to a value of non-numeric type. {_id: 1} has the field 's' of non-numeric type string",
    );
  });

  it('refuses an unknown or misshapen modifier before touching any document', async () => {
    const collection = await seeded();

    const unknown = await errorOf(collection.updateOne({ _id: 1 } as Document, { $rename: { n: 5 } } as Document));
    const notADocument = await errorOf(collection.updateOne({ _id: 1 } as Document, { $set: 5 } as Document));

    expect(unknown).toMatchObject({ code: 2, errmsg: "The 'to' field for $rename must be a string: n: 5" });
    expect(notADocument).toMatchObject({
      code: 9,
      errmsg:
        'Modifiers operate on fields but we found type int instead. For example: {$mod: {<field>: ...}} not {$set: 5}',
    });
  });

  it('stops an ordered updateMany batch at the refused statement and keeps the earlier ones', async () => {
    const collection = await seeded();
    await collection.insertOne({ _id: 2, n: 1 } as Document);

    const error: unknown = await collection
      .bulkWrite([
        { updateOne: { filter: { _id: 2 }, update: { $inc: { n: 1 } } } },
        { updateOne: { filter: { _id: 1 }, update: { $push: { n: 1 } } } },
        { updateOne: { filter: { _id: 2 }, update: { $inc: { n: 1 } } } },
      ] as never)
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 2 });
    expect(await collection.findOne({ _id: 2 } as Document)).toEqual({ _id: 2, n: 2 });
  });
});

describe('numeric results of arithmetic updates', () => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await openTestDatabase('update_numbers');
  });

  afterAll(async () => {
    await test.dispose();
  });

  it('widens an int32 that overflows to int64 and keeps int64 and double types', async () => {
    const collection = test.db.collection('widening');
    await collection.insertOne({ _id: 1, int: 2147483647, long: Long.fromNumber(1), ratio: 1.5 } as Document);

    await collection.updateOne({ _id: 1 } as Document, { $inc: { int: 1, long: 1, ratio: 1 } });
    const stored = await collection.findOne({ _id: 1 } as Document, { promoteLongs: false });
    const typed = await collection.countDocuments({
      int: { $type: 'long' },
      long: { $type: 'long' },
      ratio: { $type: 'double' },
    });

    expect(stored?.int).toEqual(Long.fromNumber(2147483648));
    expect(stored?.long).toEqual(Long.fromNumber(2));
    expect(stored?.ratio).toBe(2.5);
    expect(typed).toBe(1);
  });
});
