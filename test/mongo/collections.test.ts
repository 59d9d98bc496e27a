import { MongoServerError } from 'mongodb';
import { openTestDatabase } from './helpers';
import type { TestDatabase } from './helpers';

describe('creating collections', () => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await openTestDatabase('collections');
  });

  afterAll(async () => {
    await test.dispose();
  });

  it('succeeds again for a collection that exists with the same options, as MongoDB 7 does', async () => {
    await test.db.createCollection('created_twice', { collation: { locale: 'en', strength: 2 } });

    await expect(
      test.db.createCollection('created_twice', { collation: { locale: 'en', strength: 2 } }),
    ).resolves.toBeDefined();
    expect(await test.db.listCollections({ name: 'created_twice' }).toArray()).toHaveLength(1);
  });

  it('refuses a collection that exists with different options with NamespaceExists', async () => {
    await test.db.createCollection('created_differently');

    const error: unknown = await test.db
      .createCollection('created_differently', { capped: true, size: 4096 })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 48, codeName: 'NamespaceExists' });
    expect((error as MongoServerError).errmsg).toMatch(
      new RegExp(`^namespace ${test.db.databaseName}\\.created_differently already exists, but with different options`),
    );
  });

  it('refuses a capped collection without a size', async () => {
    const error: unknown = await test.db
      .createCollection('capped_without_size', { capped: true })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({
      code: 72,
      codeName: 'InvalidOptions',
      errmsg: "the 'size' field is required when 'capped' is true",
    });
    expect(await test.db.listCollections({ name: 'capped_without_size' }).toArray()).toEqual([]);
  });

  it('refuses a size without capped', async () => {
    const error: unknown = await test.db
      .createCollection('size_without_capped', { size: 4096 })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({
      code: 72,
      codeName: 'InvalidOptions',
      errmsg: "the 'capped' field needs to be true when either the 'size' or 'max' fields are present",
    });
  });

  it('keeps only the newest documents of a capped collection with max', async () => {
    const capped = await test.db.createCollection('capped_max', { capped: true, size: 4096, max: 3 });

    await capped.insertMany([1, 2, 3, 4, 5].map((n) => ({ n })));

    expect(await capped.find({}, { projection: { _id: 0 } }).toArray()).toEqual([{ n: 3 }, { n: 4 }, { n: 5 }]);
    const [listed] = await test.db.listCollections({ name: 'capped_max' }, { nameOnly: false }).toArray();
    expect(listed?.options).toMatchObject({ capped: true, size: 4096, max: 3 });
  });
});
