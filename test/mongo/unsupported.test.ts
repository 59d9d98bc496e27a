import type { Document } from 'mongodb';
import { isEmbedded, openTestDatabase } from './helpers';
import type { TestDatabase } from './helpers';

/** The error a command fails with, or undefined when it succeeds. */
async function failure(run: () => Promise<unknown>): Promise<Document | undefined> {
  return run().then(
    () => undefined,
    (error: unknown) => error as Document,
  );
}

describe('what mongod refuses, refused the same way even without data', () => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await openTestDatabase('unsupported');
    await test.db.collection('places').insertOne({ name: 'home', location: [1, 2] });
  });

  afterAll(async () => {
    await test.dispose();
  });

  const missing = (): ReturnType<TestDatabase['db']['collection']> => test.db.collection('never_created');

  it('refuses an unknown aggregation stage with 40324', async () => {
    await expect(
      failure(() =>
        missing()
          .aggregate([{ $noSuchStage: {} }])
          .toArray(),
      ),
    ).resolves.toMatchObject({
      code: 40324,
      errmsg: "Unrecognized pipeline stage name: '$noSuchStage'",
    });
  });

  it('refuses a stage object with two fields with 40323', async () => {
    await expect(
      failure(() =>
        missing()
          .aggregate([{ $match: {}, $limit: 1 }])
          .toArray(),
      ),
    ).resolves.toMatchObject({ code: 40323 });
  });

  it('refuses an unknown query operator and an unknown top-level operator with BadValue', async () => {
    await expect(
      failure(() =>
        missing()
          .find({ a: { $noSuchOperator: 1 } })
          .toArray(),
      ),
    ).resolves.toMatchObject({
      code: 2,
      errmsg: 'unknown operator: $noSuchOperator',
    });
    await expect(failure(() => missing().find({ $noSuchOperator: 1 }).toArray())).resolves.toMatchObject({
      code: 2,
      errmsg:
        "unknown top level operator: $noSuchOperator. If you have a field name that starts with a '$' symbol, consider using $getField or $setField.",
    });
  });

  it('refuses an unknown expression operator with 168, in $expr and in a pipeline', async () => {
    await expect(
      failure(() =>
        missing()
          .find({ $expr: { $noSuchExpression: 1 } })
          .toArray(),
      ),
    ).resolves.toMatchObject({
      code: 168,
      errmsg: "Unrecognized expression '$noSuchExpression'",
    });
    await expect(
      failure(() =>
        missing()
          .aggregate([{ $addFields: { x: { $noSuchExpression: 1 } } }])
          .toArray(),
      ),
    ).resolves.toMatchObject({
      code: 168,
    });
  });

  it('refuses $text without a text index with IndexNotFound', async () => {
    await expect(
      failure(() =>
        test.db
          .collection('places')
          .find({ $text: { $search: 'home' } })
          .toArray(),
      ),
    ).resolves.toMatchObject({
      code: 27,
      errmsg: 'text index required for $text query',
    });
  });

  it('refuses $near without a geospatial index with NoQueryExecutionPlans', async () => {
    const error = await failure(() =>
      test.db
        .collection('places')
        .find({ location: { $near: [0, 0] } })
        .toArray(),
    );

    expect(error).toMatchObject({ code: 291 });
    expect(error?.errmsg).toContain('unable to find index for $geoNear query');
  });
});

// mongod supports these; the embedded server refuses them as a server without the feature would.
const describeEmbeddedOnly = isEmbedded ? describe : describe.skip;

describeEmbeddedOnly('features the embedded server does not have', () => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await openTestDatabase('unsupported_embedded');
  });

  afterAll(async () => {
    await test.dispose();
  });

  const collection = (): ReturnType<TestDatabase['db']['collection']> => test.db.collection('items');

  it('answers $where as a mongod without JavaScript does', async () => {
    await expect(failure(() => collection().find({ $where: 'true' }).toArray())).resolves.toMatchObject({
      code: 6108304,
      errmsg: 'no globalScriptEngine in $where parsing',
    });
  });

  it('refuses $out and $merge as unknown stages', async () => {
    await expect(
      failure(() =>
        collection()
          .aggregate([{ $out: 'copy' }])
          .toArray(),
      ),
    ).resolves.toMatchObject({ code: 40324 });
    await expect(
      failure(() =>
        collection()
          .aggregate([{ $merge: { into: 'copy' } }])
          .toArray(),
      ),
    ).resolves.toMatchObject({ code: 40324 });
  });

  it('refuses server-side JavaScript expressions as unknown expressions', async () => {
    const pipeline = [{ $addFields: { x: { $function: { body: 'function () { return 1 }', args: [], lang: 'js' } } } }];

    await expect(failure(() => collection().aggregate(pipeline).toArray())).resolves.toMatchObject({ code: 168 });
  });

  it('refuses text, geospatial and wildcard indexes with CannotCreateIndex', async () => {
    for (const key of [{ title: 'text' }, { location: '2dsphere' }, { location: '2d' }, { '$**': 1 }]) {
      await expect(failure(() => collection().createIndex(key as Document))).resolves.toMatchObject({ code: 67 });
    }
  });

  it('refuses geospatial query operators', async () => {
    const filter = { location: { $geoWithin: { $centerSphere: [[0, 0], 1] } } };

    await expect(failure(() => collection().find(filter).toArray())).resolves.toMatchObject({ code: 2 });
  });

  it('refuses schema validation and views as unknown create options', async () => {
    await expect(
      failure(() => test.db.createCollection('validated', { validator: { a: { $exists: true } } })),
    ).resolves.toMatchObject({ code: 40415 });
    await expect(
      failure(() => test.db.createCollection('view', { viewOn: 'items', pipeline: [] })),
    ).resolves.toMatchObject({ code: 40415 });
  });

  it('refuses a pipeline that would compare strings without the requested collation', async () => {
    const pipeline = [{ $group: { _id: '$name', n: { $sum: 1 } } }];

    await expect(
      failure(() =>
        collection()
          .aggregate(pipeline, { collation: { locale: 'en', strength: 2 } })
          .toArray(),
      ),
    ).resolves.toMatchObject({ code: 2 });
  });

  it('refuses find options it would otherwise ignore', async () => {
    await expect(failure(() => test.db.command({ find: 'items', filter: {}, tailable: true }))).resolves.toMatchObject({
      code: 2,
    });
  });
});
