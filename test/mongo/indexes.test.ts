import { MongoServerError } from 'mongodb';
import { openTestDatabase } from './helpers';
import type { TestDatabase } from './helpers';

describe('indexes', () => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await openTestDatabase('indexes');
  });

  afterAll(async () => {
    await test.dispose();
  });

  it('lists the _id index and the indexes it created, with their options', async () => {
    const users = test.db.collection('list_users');
    await users.createIndex({ email: 1 }, { unique: true });
    await users.createIndex({ lastName: 1, firstName: -1 }, { name: 'by_name' });

    const indexes = await users.listIndexes().toArray();

    expect(indexes.map(({ name, key, unique }) => ({ name, key, unique }))).toEqual([
      { name: '_id_', key: { _id: 1 }, unique: undefined },
      { name: 'email_1', key: { email: 1 }, unique: true },
      { name: 'by_name', key: { lastName: 1, firstName: -1 }, unique: undefined },
    ]);
  });

  it('treats creating an identical index again as a no-op', async () => {
    const collection = test.db.collection('idempotent');
    await collection.createIndex({ email: 1 }, { unique: true });

    await expect(collection.createIndex({ email: 1 }, { unique: true })).resolves.toBe('email_1');
    expect(await collection.listIndexes().toArray()).toHaveLength(2);
  });

  it('refuses an index whose name is taken by a different key', async () => {
    const collection = test.db.collection('name_clash');
    await collection.createIndex({ a: 1 }, { name: 'taken' });

    const error: unknown = await collection.createIndex({ b: 1 }, { name: 'taken' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 86, codeName: 'IndexKeySpecsConflict' });
  });

  it('fails to build a unique index over existing duplicates with DuplicateKey', async () => {
    const collection = test.db.collection('existing_duplicates');
    await collection.insertMany([{ email: 'same@example.com' }, { email: 'same@example.com' }]);

    const error: unknown = await collection.createIndex({ email: 1 }, { unique: true }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 11000, codeName: 'DuplicateKey' });
    expect(await collection.listIndexes().toArray()).toHaveLength(1);
  });

  it('drops an index by name and refuses to drop _id_', async () => {
    const collection = test.db.collection('drop_index');
    await collection.createIndex({ a: 1 });

    await collection.dropIndex('a_1');
    const error: unknown = await collection.dropIndex('_id_').catch((e: unknown) => e);

    expect((await collection.listIndexes().toArray()).map((index) => index.name)).toEqual(['_id_']);
    expect(error).toMatchObject({ code: 72, codeName: 'InvalidOptions' });
  });

  it('reports listIndexes on a missing collection as NamespaceNotFound', async () => {
    const error: unknown = await test.db
      .collection('never_created')
      .listIndexes()
      .toArray()
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 26, codeName: 'NamespaceNotFound' });
  });

  it('lists collections by name and drops them', async () => {
    await test.db.createCollection('listed');

    const before = await test.db.listCollections({ name: 'listed' }).toArray();
    await test.db.collection('listed').drop();
    const after = await test.db.listCollections({ name: 'listed' }).toArray();

    expect(before).toEqual([expect.objectContaining({ name: 'listed', type: 'collection' })]);
    expect(after).toEqual([]);
  });
});
