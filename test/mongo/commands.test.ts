import type { Document } from 'mongodb';
import { eventually, isEmbedded, openTestDatabase } from './helpers';
import type { TestDatabase } from './helpers';

/** The stage objects of an explain output, at any depth (mongod nests them differently by engine and command). */
function stagesOf(plan: unknown): Document[] {
  if (Array.isArray(plan)) return plan.flatMap(stagesOf);
  if (plan === null || typeof plan !== 'object') return [];
  const node = plan as Document;
  return [...(typeof node.stage === 'string' ? [node] : []), ...Object.values(node).flatMap(stagesOf)];
}

const usesIndex = (plan: unknown, indexName: string): boolean =>
  stagesOf(plan).some(
    (stage) => ['IXSCAN', 'COUNT_SCAN'].includes(stage.stage as string) && stage.indexName === indexName,
  );

const scansCollection = (plan: unknown): boolean => stagesOf(plan).some((stage) => stage.stage === 'COLLSCAN');

describe('commands drivers and tools send', () => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await openTestDatabase('commands');
    const users = test.db.collection('users');
    await users.createIndex({ email: 1 }, { unique: true });
    await users.insertMany(
      Array.from({ length: 20 }, (_, i) => ({ email: `user${i}@example.com`, team: i % 2 === 0 ? 'red' : 'blue' })),
    );
  });

  afterAll(async () => {
    await test.dispose();
  });

  it('answers serverStatus with version, process, uptime, connections and memory', async () => {
    const status = await test.db.admin().command({ serverStatus: 1 });

    expect(status).toMatchObject({
      ok: 1,
      process: expect.stringMatching(/^mongod/) as unknown,
      version: expect.stringMatching(/^\d+\.\d+\.\d+/) as unknown,
    });
    expect(status.uptime).toBeGreaterThanOrEqual(0);
    expect(status.connections.current).toBeGreaterThanOrEqual(1);
    expect(status.connections.totalCreated).toBeGreaterThanOrEqual(status.connections.current);
    expect(status.connections.available).toEqual(expect.any(Number));
    expect(status.mem).toMatchObject({ bits: 64, resident: expect.any(Number) as unknown });
  });

  it('explains a find truthfully: the unique index for an email, a collection scan for a team', async () => {
    const users = test.db.collection('users');

    const byEmail = await users.find({ email: 'user3@example.com' }).explain('executionStats');
    const byTeam = await users.find({ team: 'red' }).explain('executionStats');

    expect(usesIndex(byEmail, 'email_1')).toBe(true);
    expect(byEmail.executionStats).toMatchObject({ nReturned: 1, totalDocsExamined: 1 });
    expect(scansCollection(byTeam)).toBe(true);
    expect(byTeam.executionStats).toMatchObject({ nReturned: 10, totalDocsExamined: 20 });
  });

  it('explains count and aggregate with the plan they run', async () => {
    const count = await test.db.command({
      explain: { count: 'users', query: { email: 'user4@example.com' } },
      verbosity: 'queryPlanner',
    });
    const aggregate = await test.db
      .collection('users')
      .aggregate([{ $match: { email: 'user4@example.com' } }, { $project: { team: 1 } }])
      .explain('queryPlanner');

    expect(usesIndex(count, 'email_1')).toBe(true);
    expect(usesIndex(aggregate, 'email_1')).toBe(true);
  });

  it('refuses a hint that names no index, in reads and writes', async () => {
    const users = test.db.collection('users');

    const find: unknown = await users
      .find({}, { hint: 'no_such_index' })
      .toArray()
      .catch((e: unknown) => e);
    const update: unknown = await users
      .updateOne({}, { $set: { seen: true } }, { hint: { no_such_field: 1 } })
      .catch((e: unknown) => e);

    expect(find).toMatchObject({ code: 2 });
    expect((find as { errmsg: string }).errmsg).toContain('hint provided does not correspond to an existing index');
    expect(update).toMatchObject({ code: 2 });
    expect(await users.countDocuments({ seen: true })).toBe(0);
  });

  it('runs a database-level aggregate starting with $documents', async () => {
    const results = await test.db
      .aggregate([
        { $documents: [{ n: 1 }, { n: 2 }, { n: 3 }] },
        { $match: { n: { $gte: 2 } } },
        { $project: { _id: 0, double: { $multiply: ['$n', 2] } } },
      ])
      .toArray();

    expect(results).toEqual([{ double: 4 }, { double: 6 }]);
  });

  it('refuses a database-level aggregate whose first stage needs a collection', async () => {
    const error: unknown = await test.db
      .aggregate([{ $match: {} }])
      .toArray()
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 73, codeName: 'InvalidNamespace' });
  });

  it('hides an index with collMod: still unique, no longer used by queries', async () => {
    const accounts = test.db.collection('accounts');
    await accounts.createIndex({ email: 1 }, { unique: true });
    await accounts.insertOne({ email: 'a@example.com' });

    const hidden = await test.db.command({ collMod: 'accounts', index: { name: 'email_1', hidden: true } });
    const listed = await accounts.listIndexes().toArray();
    const planWhileHidden = await accounts.find({ email: 'a@example.com' }).explain('queryPlanner');
    const duplicate: unknown = await accounts.insertOne({ email: 'a@example.com' }).catch((e: unknown) => e);
    await test.db.command({ collMod: 'accounts', index: { keyPattern: { email: 1 }, hidden: false } });
    const planWhenVisible = await accounts.find({ email: 'a@example.com' }).explain('queryPlanner');

    expect(hidden).toMatchObject({ hidden_old: false, hidden_new: true });
    expect(listed.find((index) => index.name === 'email_1')).toMatchObject({ hidden: true });
    expect(scansCollection(planWhileHidden)).toBe(true);
    expect(duplicate).toMatchObject({ code: 11000 });
    expect(usesIndex(planWhenVisible, 'email_1')).toBe(true);
  });

  it('refuses collMod of an index that does not exist with IndexNotFound', async () => {
    const error: unknown = await test.db
      .command({ collMod: 'users', index: { name: 'no_such_index', hidden: true } })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 27, codeName: 'IndexNotFound' });
  });

  it('sets and reads ttlMonitorSleepSecs, answering the previous value', async () => {
    const admin = test.db.admin();
    const { ttlMonitorSleepSecs: before } = await admin.command({ getParameter: 1, ttlMonitorSleepSecs: 1 });

    const set = await admin.command({ setParameter: 1, ttlMonitorSleepSecs: 1 });
    const after = await admin.command({ getParameter: 1, ttlMonitorSleepSecs: 1 });

    // Leave a real server as it was; the embedded one was started with a sub-second sweep no integer restores.
    if (Number.isInteger(before) && before > 0) await admin.command({ setParameter: 1, ttlMonitorSleepSecs: before });

    expect(set).toMatchObject({ ok: 1, was: before });
    expect(after).toMatchObject({ ttlMonitorSleepSecs: 1 });
  });

  it('refuses setParameter outside admin, for unknown parameters and for invalid values', async () => {
    const notAdmin: unknown = await test.db
      .command({ setParameter: 1, ttlMonitorSleepSecs: 1 })
      .catch((e: unknown) => e);
    const unknown: unknown = await test.db
      .admin()
      .command({ setParameter: 1, noSuchParameter: 1 })
      .catch((e: unknown) => e);
    const invalid: unknown = await test.db
      .admin()
      .command({ setParameter: 1, ttlMonitorSleepSecs: 0 })
      .catch((e: unknown) => e);

    expect(notAdmin).toMatchObject({ code: 13, errmsg: 'setParameter may only be run against the admin database.' });
    expect(unknown).toMatchObject({
      code: 72,
      errmsg: 'attempted to set unrecognized parameter [noSuchParameter], use help:true to see options ',
    });
    expect(invalid).toMatchObject({ code: 2 });
  });
});

// mongod applies a new ttlMonitorSleepSecs after its current sleep (up to 60 s); the embedded server applies it at once.
const describeWithImmediateTtlChanges = isEmbedded ? describe : describe.skip;

describeWithImmediateTtlChanges('the TTL monitor after setParameter', () => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await openTestDatabase('commands_ttl');
  });

  afterAll(async () => {
    await test.dispose();
  });

  it('removes expired documents on the interval ttlMonitorSleepSecs sets', async () => {
    await test.db.admin().command({ setParameter: 1, ttlMonitorSleepSecs: 1 });
    const sessions = test.db.collection('sessions');
    await sessions.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    await sessions.insertOne({ expiresAt: new Date(Date.now() - 1000) });

    await expect(eventually(async () => (await sessions.countDocuments()) === 0, 5000)).resolves.toBe(true);
  });
});
