import { MongoClient, ObjectId } from 'mongodb';
import type { CommandStartedEvent, Db } from 'mongodb';
import { mongoUri, uniqueDatabaseName } from './helpers';

describe('reads', () => {
  let client: MongoClient;
  let db: Db;
  const started: CommandStartedEvent[] = [];

  const people = Array.from({ length: 95 }, (_, i) => ({
    name: `person${String(i).padStart(2, '0')}`,
    age: 20 + (i % 30),
    team: ['red', 'green', 'blue'][i % 3],
    joined: new Date(Date.UTC(2024, 0, 1 + i)),
  }));

  beforeAll(async () => {
    client = await MongoClient.connect(mongoUri(), { monitorCommands: true });
    client.on('commandStarted', (event) => started.push(event));
    db = client.db(uniqueDatabaseName('reads'));
    await db.collection('people').insertMany(people.map((person) => ({ ...person })));
  });

  afterAll(async () => {
    await db.dropDatabase();
    await client.close();
  });

  const commandsNamed = (name: string): CommandStartedEvent[] => started.filter((event) => event.commandName === name);

  it('filters, sorts, skips, limits and projects', async () => {
    const found = await db
      .collection('people')
      .find({ team: 'red', age: { $gte: 30 } }, { projection: { _id: 0, name: 1, age: 1 } })
      .sort({ age: -1, name: 1 })
      .skip(1)
      .limit(3)
      .toArray();

    const expected = people
      .filter((p) => p.team === 'red' && p.age >= 30)
      .sort((a, b) => b.age - a.age || a.name.localeCompare(b.name))
      .slice(1, 4)
      .map(({ name, age }) => ({ name, age }));
    expect(found).toEqual(expected);
  });

  it('returns documents in reverse insertion order for a $natural: -1 sort', async () => {
    const names = await db
      .collection('people')
      .find({}, { sort: { $natural: -1 }, limit: 3, projection: { _id: 0, name: 1 } })
      .toArray();

    expect(names).toEqual(
      people
        .slice(-3)
        .reverse()
        .map(({ name }) => ({ name })),
    );
  });

  it('returns _id first when a projection includes it', async () => {
    const [found] = await db
      .collection('people')
      .find({}, { projection: { name: 1, _id: 1 } })
      .limit(1)
      .toArray();

    expect(Object.keys(found ?? {})).toEqual(['_id', 'name']);
  });

  it('returns projected fields in stored order whatever the projection order', async () => {
    const [found] = await db
      .collection('people')
      .find({}, { projection: { joined: 1, name: 1 } })
      .limit(1)
      .toArray();

    expect(Object.keys(found ?? {})).toEqual(['_id', 'name', 'joined']);
  });

  it('keeps ObjectIds and Dates as BSON types through an aggregation', async () => {
    const [found] = await db
      .collection('people')
      .aggregate([{ $match: { name: 'person01' } }, { $addFields: { seen: true } }])
      .toArray();

    expect(found?._id).toBeInstanceOf(ObjectId);
    expect(found?.joined).toEqual(people[1]?.joined);
    expect(found?.seen).toBe(true);
  });

  it('matches ObjectIds and Dates by value', async () => {
    const first = await db.collection('people').findOne({ name: 'person00' });
    const byId = await db.collection('people').findOne({ _id: new ObjectId(first?._id.toHexString()) });
    const joinedEarly = await db
      .collection('people')
      .countDocuments({ joined: { $lt: new Date(Date.UTC(2024, 0, 11)) } });

    expect(byId?.name).toBe('person00');
    expect(joinedEarly).toBe(10);
  });

  it('streams a large result through getMore in batches', async () => {
    const before = commandsNamed('getMore').length;

    const names = await db
      .collection('people')
      .find({}, { batchSize: 10 })
      .map((doc) => doc.name as string)
      .toArray();

    expect(names).toEqual(people.map((p) => p.name));
    expect(commandsNamed('getMore').length - before).toBe(9);
  });

  it('closes a cursor that is abandoned early', async () => {
    const cursor = db.collection('people').find({}, { batchSize: 5 });
    await cursor.next();

    await cursor.close();

    expect(commandsNamed('killCursors').length).toBeGreaterThan(0);
  });

  it('rejects getMore on an unknown cursor with CursorNotFound', async () => {
    const error: unknown = await db.command({ getMore: 123456789, collection: 'people' }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 43, codeName: 'CursorNotFound' });
  });

  it('counts documents with countDocuments and estimatedDocumentCount', async () => {
    await expect(db.collection('people').countDocuments({ team: 'blue' })).resolves.toBe(
      people.filter((p) => p.team === 'blue').length,
    );
    await expect(db.collection('people').countDocuments({}, { skip: 90, limit: 10 })).resolves.toBe(5);
    await expect(db.collection('people').estimatedDocumentCount()).resolves.toBe(95);
  });

  it('lists distinct values', async () => {
    const teams = await db.collection('people').distinct('team');

    expect([...teams].sort()).toEqual(['blue', 'green', 'red']);
  });

  it('aggregates with $match, $group, $sort, $skip, $limit, $project and $count', async () => {
    const perTeam = await db
      .collection('people')
      .aggregate([
        { $match: { age: { $lt: 40 } } },
        { $group: { _id: '$team', people: { $sum: 1 } } },
        { $sort: { _id: 1 } },
        { $skip: 1 },
        { $limit: 2 },
        { $project: { _id: 0, team: '$_id', people: 1 } },
      ])
      .toArray();
    const [counted] = await db
      .collection('people')
      .aggregate([{ $match: { team: 'green' } }, { $count: 'total' }])
      .toArray();

    const under40 = (team: string): number => people.filter((p) => p.team === team && p.age < 40).length;
    expect(perTeam).toEqual([
      { people: under40('green'), team: 'green' },
      { people: under40('red'), team: 'red' },
    ]);
    expect(counted).toEqual({ total: people.filter((p) => p.team === 'green').length });
  });

  it('finds nothing in a collection that does not exist', async () => {
    await expect(db.collection('nobody').find({}).toArray()).resolves.toEqual([]);
    await expect(db.collection('nobody').countDocuments()).resolves.toBe(0);
  });
});
