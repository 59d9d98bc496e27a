import { eventually, isEmbedded, openTestDatabase } from './helpers';
import type { TestDatabase } from './helpers';

// mongod's TTL monitor runs every 60 s; only the embedded server (sweeping every 200 ms in tests) expires documents within a test's time.
const describeWithFastTtl = isEmbedded ? describe : describe.skip;

describeWithFastTtl('TTL indexes', () => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await openTestDatabase('ttl');
  });

  afterAll(async () => {
    await test.dispose();
  });

  it('removes documents whose date is older than expireAfterSeconds and keeps the others', async () => {
    const sessions = test.db.collection('sessions');
    await sessions.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    await sessions.insertMany([
      { token: 'expired', expiresAt: new Date(Date.now() - 1000) },
      { token: 'alive', expiresAt: new Date(Date.now() + 3_600_000) },
      { token: 'no date', expiresAt: 'not a date' },
    ]);

    const expired = await eventually(async () => (await sessions.countDocuments({ token: 'expired' })) === 0, 5000);

    expect(expired).toBe(true);
    expect(await sessions.find({}, { projection: { _id: 0, token: 1 } }).toArray()).toEqual([
      { token: 'alive' },
      { token: 'no date' },
    ]);
  });
});
