import { MongoServerError } from 'mongodb';
import { openTestDatabase } from './helpers';
import type { TestDatabase } from './helpers';

describe('transactions', () => {
  let test: TestDatabase;
  let isReplicaSet = false;

  beforeAll(async () => {
    test = await openTestDatabase('transactions');
    const hello = await test.db.admin().command({ hello: 1 });
    isReplicaSet = typeof hello.setName === 'string' || hello.msg === 'isdbgrid';
  });

  afterAll(async () => {
    await test.dispose();
  });

  it('rejects a transaction as a standalone MongoDB does and writes nothing', async () => {
    if (isReplicaSet) {
      console.warn('skipped: MONGODB_URI points at a replica set or mongos, where transactions are supported');
      return;
    }
    const accounts = test.db.collection('accounts');
    const session = test.client.startSession();

    const error: unknown = await session
      .withTransaction(async () => {
        await accounts.insertOne({ owner: 'a', balance: 10 }, { session });
        await accounts.insertOne({ owner: 'b', balance: 20 }, { session });
      })
      .catch((e: unknown) => e)
      .finally(() => session.endSession());

    expect(error).toBeInstanceOf(MongoServerError);
    // The driver rewrites the server's IllegalOperation into advice about retryable writes, keeping the original.
    const original = (error as MongoServerError & { originalError?: MongoServerError }).originalError ?? error;
    expect(original).toMatchObject({ code: 20, codeName: 'IllegalOperation' });
    expect(await accounts.countDocuments()).toBe(0);
  });
});
