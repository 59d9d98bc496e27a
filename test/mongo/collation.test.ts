import mongoose from 'mongoose';
import type { CollationOptions, Document } from 'mongodb';
import { mongoUri, openTestDatabase, uniqueDatabaseName } from './helpers';
import type { TestDatabase } from './helpers';

const caseInsensitive = { locale: 'en', strength: 2 };

/** The stage objects of an explain plan, at any depth (mongod nests them differently by engine). */
function stagesOf(plan: unknown): Document[] {
  if (Array.isArray(plan)) return plan.flatMap(stagesOf);
  if (plan === null || typeof plan !== 'object') return [];
  const node = plan as Document;
  return [...(typeof node.stage === 'string' ? [node] : []), ...Object.values(node).flatMap(stagesOf)];
}

describe('collations', () => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await openTestDatabase('collation');
  });

  afterAll(async () => {
    await test.dispose();
  });

  it('enforces a case-insensitive unique index: Q@x.io is a duplicate of q@x.io', async () => {
    const users = test.db.collection('unique_ci');
    await users.createIndex({ email: 1 }, { unique: true, collation: caseInsensitive });
    await users.insertOne({ email: 'q@x.io' });

    const error: unknown = await users.insertOne({ email: 'Q@x.io' }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 11000 });
    expect(await users.countDocuments()).toBe(1);
  });

  it('tells accents apart at strength 2 but not at strength 1', async () => {
    const strength2 = test.db.collection('accents_2');
    const strength1 = test.db.collection('accents_1');
    await strength2.createIndex({ word: 1 }, { unique: true, collation: { locale: 'fr', strength: 2 } });
    await strength1.createIndex({ word: 1 }, { unique: true, collation: { locale: 'fr', strength: 1 } });

    await strength2.insertMany([{ word: 'cafe' }, { word: 'café' }]);
    await strength1.insertOne({ word: 'cafe' });
    const error: unknown = await strength1.insertOne({ word: 'CAFÉ' }).catch((e: unknown) => e);

    expect(await strength2.countDocuments()).toBe(2);
    expect(error).toMatchObject({ code: 11000 });
  });

  it('matches equality, $in and ranges under a query collation, and only then', async () => {
    const people = test.db.collection('people');
    await people.insertMany([{ name: 'ada' }, { name: 'Bob' }, { name: 'cy' }]);

    const options = { collation: caseInsensitive };
    const names = async (filter: Document, withCollation = true): Promise<string[]> =>
      (
        await people
          .find(filter, withCollation ? options : {})
          .sort({ name: 1 })
          .toArray()
      ).map((doc) => doc.name as string);

    expect(await names({ name: 'ADA' })).toEqual(['ada']);
    expect(await names({ name: 'ADA' }, false)).toEqual([]);
    expect(await names({ name: { $in: ['BOB', 'CY'] } })).toEqual(['Bob', 'cy']);
    expect(await names({ name: { $gte: 'B' } })).toEqual(['Bob', 'cy']);
    expect(await people.countDocuments({ name: 'CY' }, options)).toBe(1);
    expect(await people.distinct('name', { name: { $ne: 'BOB' } }, options)).toEqual(['ada', 'cy']);
  });

  it('sorts by locale rules: en_US puts lower case first and numericOrdering compares digits as numbers', async () => {
    const words = test.db.collection('sorting');
    await words.insertMany(['b', 'A', 'a', 'B', '10', '9'].map((word) => ({ word })));

    const sorted = async (collation?: CollationOptions): Promise<string[]> =>
      (
        await words
          .find({}, collation ? { collation } : {})
          .sort({ word: 1 })
          .toArray()
      ).map((doc) => doc.word as string);

    expect(await sorted()).toEqual(['10', '9', 'A', 'B', 'a', 'b']);
    expect(await sorted({ locale: 'en_US' })).toEqual(['10', '9', 'a', 'A', 'b', 'B']);
    expect(await sorted({ locale: 'en_US', numericOrdering: true })).toEqual(['9', '10', 'a', 'A', 'b', 'B']);
  });

  it("applies a collection's default collation to queries, updates, deletes and its indexes", async () => {
    const tags = await test.db.createCollection('default_collation', { collation: caseInsensitive });
    await tags.createIndex({ label: 1 }, { unique: true });
    await tags.insertMany([{ label: 'red' }, { label: 'Green' }]);

    const duplicate: unknown = await tags.insertOne({ label: 'RED' }).catch((e: unknown) => e);
    const found = await tags.findOne({ label: 'GREEN' });
    const updated = await tags.updateOne({ label: 'GREEN' }, { $set: { seen: true } });
    const deleted = await tags.deleteOne({ label: 'RED' });
    const [, labelIndex] = await tags.listIndexes().toArray();

    expect(duplicate).toMatchObject({ code: 11000 });
    expect(found).toMatchObject({ label: 'Green' });
    expect(updated.modifiedCount).toBe(1);
    expect(deleted.deletedCount).toBe(1);
    expect(labelIndex?.collation).toMatchObject({ locale: 'en', strength: 2 });
  });

  it('answers through an index only under the index collation', async () => {
    const accounts = test.db.collection('planned');
    await accounts.createIndex({ email: 1 }, { collation: caseInsensitive });
    await accounts.insertOne({ email: 'ada@example.com' });

    const withCollation = stagesOf(
      await accounts.find({ email: 'ADA@example.com' }, { collation: caseInsensitive }).explain('queryPlanner'),
    );
    const withoutCollation = stagesOf(await accounts.find({ email: 'ada@example.com' }).explain('queryPlanner'));

    expect(withCollation).toContainEqual(expect.objectContaining({ stage: 'IXSCAN', indexName: 'email_1' }));
    expect(withoutCollation).toContainEqual(expect.objectContaining({ stage: 'COLLSCAN' }));
  });

  it('refuses an unknown locale and an out-of-range strength with mongod codes', async () => {
    const collection = test.db.collection('people');

    const locale: unknown = await collection
      .find({}, { collation: { locale: 'xx' } })
      .toArray()
      .catch((e: unknown) => e);
    const strength: unknown = await collection
      .find({}, { collation: { locale: 'en', strength: 6 } })
      .toArray()
      .catch((e: unknown) => e);

    expect(locale).toMatchObject({ code: 2, errmsg: 'Field \'locale\' is invalid in: { locale: "xx" }' });
    expect(strength).toMatchObject({ code: 51024 });
  });
});

describe('collations through mongoose', () => {
  it('makes a schema-level case-insensitive collation reject an email differing only in case', async () => {
    const connection = await mongoose
      .createConnection(mongoUri(), { dbName: uniqueDatabaseName('collation_mongoose') })
      .asPromise();
    try {
      const schema = new mongoose.Schema(
        { email: { type: String, unique: true } },
        { collation: caseInsensitive, autoCreate: true },
      );
      const Account = connection.model('Account', schema);
      await Account.init();
      await Account.create({ email: 'q@x.io' });

      const error: unknown = await Account.create({ email: 'Q@x.io' }).catch((e: unknown) => e);

      expect(error).toMatchObject({ code: 11000 });
      await expect(Account.findOne({ email: 'Q@X.IO' }).lean()).resolves.toMatchObject({ email: 'q@x.io' });
    } finally {
      await connection.dropDatabase();
      await connection.close();
    }
  });
});
