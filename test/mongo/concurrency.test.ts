import mongoose from 'mongoose';
import type { Connection, Model } from 'mongoose';
import { mongoUri, uniqueDatabaseName } from './helpers';

interface User {
  email: string;
  name: string;
}

describe('concurrent creates through mongoose', () => {
  let connection: Connection;
  let Users: Model<User>;

  beforeAll(async () => {
    connection = await mongoose.createConnection(mongoUri(), { dbName: uniqueDatabaseName('concurrency') }).asPromise();
    Users = connection.model<User>(
      'User',
      new mongoose.Schema<User>({ email: { type: String, required: true, unique: true }, name: String }),
    );
    // The unique index must exist before the race, exactly as against a real MongoDB.
    await Users.init();
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('lets exactly one of 50 concurrent creates of the same email succeed and rejects the rest with code 11000', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => Users.create({ email: 'race@example.com', name: `racer ${i}` })),
    );

    const rejected = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    expect(rejected).toHaveLength(49);
    for (const { reason } of rejected) {
      expect(reason).toBeInstanceOf(mongoose.mongo.MongoServerError);
      expect(reason).toMatchObject({ code: 11000, keyValue: { email: 'race@example.com' } });
    }
    expect(await Users.countDocuments({ email: 'race@example.com' })).toBe(1);
  });

  it('accepts 50 concurrent creates of distinct emails', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => Users.create({ email: `user${i}@example.com`, name: `user ${i}` })),
    );

    expect(outcomes.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    expect(await Users.countDocuments({ email: /^user\d+@example\.com$/ })).toBe(50);
  });
});
