import { MongoBulkWriteError, MongoServerError, ObjectId } from 'mongodb';
import type { Collection, Document } from 'mongodb';
import { openTestDatabase } from './helpers';
import type { TestDatabase } from './helpers';

describe('writes', () => {
  let test: TestDatabase;
  let nextCollection = 0;
  /** A fresh collection per test keeps the tests independent. */
  const freshCollection = <T extends Document = Document>(): Collection<T> =>
    test.db.collection<T>(`writes_${nextCollection++}`);

  beforeAll(async () => {
    test = await openTestDatabase('writes');
  });

  afterAll(async () => {
    await test.dispose();
  });

  describe('insert', () => {
    it('generates an ObjectId _id and stores it as the first field', async () => {
      const collection = freshCollection();

      const { insertedId } = await collection.insertOne({ name: 'Ada' });
      const stored = await test.db.command({ find: collection.collectionName, filter: {} });

      expect(insertedId).toBeInstanceOf(ObjectId);
      expect(Object.keys(stored.cursor.firstBatch[0])).toEqual(['_id', 'name']);
    });

    it('moves a client-supplied _id to the front', async () => {
      const collection = freshCollection();
      await collection.insertOne({ name: 'Ada', _id: 7 } as Document);

      const [stored] = await collection.find().toArray();

      expect(Object.keys(stored ?? {})).toEqual(['_id', 'name']);
    });

    it('stops an ordered insertMany at the first duplicate and keeps the documents before it', async () => {
      const collection = freshCollection();

      const error: unknown = await collection
        .insertMany([{ _id: 1 }, { _id: 2 }, { _id: 1 }, { _id: 3 }] as Document[])
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(MongoBulkWriteError);
      expect(error).toMatchObject({ code: 11000 });
      expect(
        await collection
          .find()
          .map((doc) => doc._id)
          .toArray(),
      ).toEqual([1, 2]);
    });

    it('carries on after a duplicate in an unordered insertMany', async () => {
      const collection = freshCollection();

      const error = (await collection
        .insertMany([{ _id: 1 }, { _id: 1 }, { _id: 2 }, { _id: 2 }, { _id: 3 }] as Document[], { ordered: false })
        .catch((e: unknown) => e)) as MongoBulkWriteError;

      expect(error).toBeInstanceOf(MongoBulkWriteError);
      expect(error.writeErrors).toHaveLength(2);
      expect(
        await collection
          .find()
          .map((doc) => doc._id)
          .toArray(),
      ).toEqual([1, 2, 3]);
    });

    it('describes a duplicate key with the E11000 message, keyPattern and keyValue', async () => {
      const collection = freshCollection();
      await collection.createIndex({ email: 1 }, { unique: true });
      await collection.insertOne({ email: 'ada@example.com' });

      const error: unknown = await collection.insertOne({ email: 'ada@example.com' }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(MongoServerError);
      expect(error).toMatchObject({
        code: 11000,
        keyPattern: { email: 1 },
        keyValue: { email: 'ada@example.com' },
        message: `E11000 duplicate key error collection: ${test.db.databaseName}.${collection.collectionName} index: email_1 dup key: { email: "ada@example.com" }`,
      });
    });
  });

  describe('update', () => {
    it('applies $set, $inc, $unset, $push and $addToSet to one document', async () => {
      interface Account {
        _id: number;
        name?: string;
        logins?: number;
        temp?: boolean;
        tags?: string[];
        roles?: string[];
      }
      const collection = freshCollection<Account>();
      await collection.insertMany([
        { _id: 1, name: 'a', logins: 1, temp: true, tags: ['x'], roles: ['user'] },
        { _id: 2 },
      ]);

      const result = await collection.updateOne(
        { _id: 1 },
        {
          $set: { name: 'b' },
          $inc: { logins: 2 },
          $unset: { temp: '' },
          $push: { tags: 'y' },
          $addToSet: { roles: 'user' },
        },
      );

      expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
      expect(await collection.findOne({ _id: 1 })).toEqual({
        _id: 1,
        name: 'b',
        logins: 3,
        tags: ['x', 'y'],
        roles: ['user'],
      });
      expect(await collection.findOne({ _id: 2 })).toEqual({ _id: 2 });
    });

    it('updates every match with updateMany', async () => {
      const collection = freshCollection();
      await collection.insertMany([
        { group: 'a', n: 1 },
        { group: 'a', n: 2 },
        { group: 'b', n: 3 },
      ]);

      const result = await collection.updateMany({ group: 'a' }, { $inc: { n: 10 } });

      expect(result).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
      expect(await collection.find({}, { sort: { n: 1 }, projection: { _id: 0, n: 1 } }).toArray()).toEqual([
        { n: 3 },
        { n: 11 },
        { n: 12 },
      ]);
    });

    it('counts a $set to the current value as matched but not modified', async () => {
      const collection = freshCollection();
      await collection.insertOne({ name: 'same' });

      const result = await collection.updateOne({ name: 'same' }, { $set: { name: 'same' } });

      expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
    });

    it('upserts a document seeded from the filter, applying $setOnInsert', async () => {
      const collection = freshCollection();

      const result = await collection.updateOne(
        { email: 'new@example.com', status: { $eq: 'active' }, age: { $gt: 1 }, nickname: /^N/ },
        { $set: { name: 'New' }, $setOnInsert: { createdBy: 'upsert' } },
        { upsert: true },
      );

      expect(result.upsertedCount).toBe(1);
      expect(result.upsertedId).toBeInstanceOf(ObjectId);
      expect(await collection.findOne({}, { projection: { _id: 0 } })).toEqual({
        email: 'new@example.com',
        status: 'active',
        name: 'New',
        createdBy: 'upsert',
      });
    });

    it('ignores $setOnInsert when the upsert finds a document', async () => {
      const collection = freshCollection();
      await collection.insertOne({ email: 'old@example.com', createdBy: 'insert' });

      await collection.updateOne(
        { email: 'old@example.com' },
        { $set: { seen: true }, $setOnInsert: { createdBy: 'upsert' } },
        { upsert: true },
      );

      expect(await collection.findOne({}, { projection: { _id: 0 } })).toEqual({
        email: 'old@example.com',
        createdBy: 'insert',
        seen: true,
      });
    });

    it('replaces a whole document with replaceOne and keeps its _id', async () => {
      const collection = freshCollection();
      const { insertedId } = await collection.insertOne({ a: 1, b: 2 });

      await collection.replaceOne({ _id: insertedId }, { c: 3 });

      expect(await collection.findOne({ _id: insertedId })).toEqual({ _id: insertedId, c: 3 });
    });

    it('refuses to change _id with ImmutableField', async () => {
      const collection = freshCollection();
      await collection.insertOne({ _id: 1 } as Document);

      const error: unknown = await collection
        .updateOne({ _id: 1 } as Document, { $set: { _id: 2 } })
        .catch((e: unknown) => e);

      expect(error).toMatchObject({ code: 66 });
      expect(await collection.findOne()).toEqual({ _id: 1 });
    });

    it('accepts $set of _id to its current value and $setOnInsert of _id on upsert', async () => {
      const collection = freshCollection();
      await collection.insertOne({ _id: 1, n: 0 } as Document);

      await collection.updateOne({ _id: 1 } as Document, { $set: { _id: 1, n: 1 } });
      await collection.updateOne({ key: 'k' }, { $setOnInsert: { _id: 'chosen' } }, { upsert: true });

      expect(await collection.find().toArray()).toEqual([
        { _id: 1, n: 1 },
        { _id: 'chosen', key: 'k' },
      ]);
    });

    it('reports an update that would duplicate a unique key as a write error with code 11000', async () => {
      const collection = freshCollection();
      await collection.createIndex({ email: 1 }, { unique: true });
      await collection.insertMany([{ email: 'a@example.com' }, { email: 'b@example.com' }]);

      const error: unknown = await collection
        .updateOne({ email: 'b@example.com' }, { $set: { email: 'a@example.com' } })
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(MongoServerError);
      expect(error).toMatchObject({ code: 11000, keyValue: { email: 'a@example.com' } });
      expect(await collection.countDocuments({ email: 'b@example.com' })).toBe(1);
    });
  });

  describe('findOneAndUpdate', () => {
    it('returns the document before or after the update as asked', async () => {
      const collection = freshCollection();
      await collection.insertOne({ name: 'counter', n: 1 });

      const before = await collection.findOneAndUpdate(
        { name: 'counter' },
        { $inc: { n: 1 } },
        { returnDocument: 'before' },
      );
      const after = await collection.findOneAndUpdate(
        { name: 'counter' },
        { $inc: { n: 1 } },
        { returnDocument: 'after', projection: { _id: 0, n: 1 } },
      );

      expect(before).toMatchObject({ n: 1 });
      expect(after).toEqual({ n: 3 });
    });

    it('updates the first document in sort order', async () => {
      const collection = freshCollection();
      await collection.insertMany([{ rank: 2 }, { rank: 1 }, { rank: 3 }]);

      const updated = await collection.findOneAndUpdate(
        {},
        { $set: { picked: true } },
        { sort: { rank: -1 }, returnDocument: 'after' },
      );

      expect(updated).toMatchObject({ rank: 3, picked: true });
    });

    it('upserts and returns the new document', async () => {
      const collection = freshCollection();

      const created = await collection.findOneAndUpdate(
        { email: 'x@example.com' },
        { $setOnInsert: { plan: 'free' } },
        { upsert: true, returnDocument: 'after' },
      );

      expect(created).toMatchObject({ email: 'x@example.com', plan: 'free' });
    });

    it('returns null when nothing matches and upsert is off', async () => {
      const collection = freshCollection();

      await expect(collection.findOneAndUpdate({ missing: true }, { $set: { a: 1 } })).resolves.toBeNull();
    });

    it('fails as a whole with DuplicateKey when the update collides with a unique key', async () => {
      const collection = freshCollection();
      await collection.createIndex({ email: 1 }, { unique: true });
      await collection.insertMany([{ email: 'a@example.com' }, { email: 'b@example.com' }]);

      const error: unknown = await collection
        .findOneAndUpdate({ email: 'b@example.com' }, { $set: { email: 'a@example.com' } })
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(MongoServerError);
      expect(error).toMatchObject({ code: 11000, codeName: 'DuplicateKey' });
    });

    it('deletes and returns a document with findOneAndDelete', async () => {
      const collection = freshCollection();
      await collection.insertOne({ name: 'gone' });

      const deleted = await collection.findOneAndDelete({ name: 'gone' });

      expect(deleted).toMatchObject({ name: 'gone' });
      expect(await collection.countDocuments()).toBe(0);
    });
  });

  describe('delete', () => {
    it('removes one match with deleteOne and all matches with deleteMany', async () => {
      const collection = freshCollection();
      await collection.insertMany([{ kind: 'a' }, { kind: 'a' }, { kind: 'a' }, { kind: 'b' }]);

      const one = await collection.deleteOne({ kind: 'a' });
      const many = await collection.deleteMany({ kind: 'a' });

      expect(one.deletedCount).toBe(1);
      expect(many.deletedCount).toBe(2);
      expect(await collection.find({}, { projection: { _id: 0 } }).toArray()).toEqual([{ kind: 'b' }]);
    });

    it('frees a unique key once its document is deleted', async () => {
      const collection = freshCollection();
      await collection.createIndex({ email: 1 }, { unique: true });
      await collection.insertOne({ email: 'reuse@example.com' });

      await collection.deleteOne({ email: 'reuse@example.com' });

      await expect(collection.insertOne({ email: 'reuse@example.com' })).resolves.toMatchObject({ acknowledged: true });
    });
  });
});
