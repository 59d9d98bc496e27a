import { MongoServerError } from 'mongodb';
import type { Document } from 'mongodb';
import { openTestDatabase } from './helpers';
import type { TestDatabase } from './helpers';

describe('malformed commands', () => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await openTestDatabase('command_errors');
    await test.db.collection('items').insertOne({ a: 1 });
  });

  afterAll(async () => {
    await test.dispose();
  });

  const malformed: Array<[string, Document]> = [
    ['a find on a non-string collection', { find: 5 }],
    ['a filter with an unknown operator', { find: 'items', filter: { a: { $noSuchOperator: 1 } } }],
    ['a pipeline with an unknown stage', { aggregate: 'items', pipeline: [{ $noSuchStage: {} }], cursor: {} }],
    ['an aggregate without a cursor', { aggregate: 'items', pipeline: [] }],
    ['an index without keys', { createIndexes: 'items', indexes: [{ key: {}, name: 'empty' }] }],
    ['a getMore with a string cursor id', { getMore: 'abc', collection: 'items' }],
    ['a findAndModify with neither update nor remove', { findAndModify: 'items', query: {} }],
    ['a distinct without a key', { distinct: 'items' }],
    ['an insert whose documents are not an array', { insert: 'items', documents: 'nope' }],
  ];

  it.each(malformed)('answers %s with an error code and keeps the connection', async (_label, command) => {
    const error: unknown = await test.db.command(command).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toEqual(expect.any(Number));
    await expect(test.db.command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
  });

  it('reports an unknown update operator as a write error', async () => {
    const error: unknown = await test.db
      .collection('items')
      .updateOne({ a: 1 }, { $noSuchModifier: { a: 2 } })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MongoServerError);
    expect(await test.db.collection('items').findOne({}, { projection: { _id: 0 } })).toEqual({ a: 1 });
  });
});
