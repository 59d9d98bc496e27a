import type { Collection, Document } from 'mongodb';
import { openTestDatabase } from './helpers';
import type { TestDatabase } from './helpers';

describe('find projections', () => {
  let test: TestDatabase;
  let orders: Collection;

  beforeAll(async () => {
    test = await openTestDatabase('projections');
    orders = test.db.collection('orders');
    await orders.insertMany([
      {
        _id: 1,
        customer: 'ada',
        scores: [3, 8, 1, 9],
        lines: [
          { sku: 'a', qty: 1 },
          { sku: 'b', qty: 5 },
          { sku: 'c', qty: 7 },
        ],
        note: 'first',
      },
      { _id: 2, customer: 'bob', scores: [2], lines: [{ sku: 'a', qty: 2 }], note: 'second' },
    ] as Document[]);
  });

  afterAll(async () => {
    await test.dispose();
  });

  const one = async (filter: Document, projection: Document): Promise<Document | null> =>
    orders.findOne(filter, { projection });

  it('keeps every other field when the projection only slices an array', async () => {
    await expect(one({ _id: 1 }, { scores: { $slice: 2 } })).resolves.toEqual({
      _id: 1,
      customer: 'ada',
      scores: [3, 8],
      lines: [
        { sku: 'a', qty: 1 },
        { sku: 'b', qty: 5 },
        { sku: 'c', qty: 7 },
      ],
      note: 'first',
    });
  });

  it('slices with [skip, limit] and from the end', async () => {
    await expect(
      one({ _id: 1 }, { _id: 0, scores: { $slice: [1, 2] }, lines: 0, customer: 0, note: 0 }),
    ).resolves.toEqual({ scores: [8, 1] });
    await expect(one({ _id: 1 }, { _id: 0, scores: { $slice: -1 }, lines: 0, customer: 0, note: 0 })).resolves.toEqual({
      scores: [9],
    });
  });

  it('reads a $slice of an expression as the aggregation operator, which makes an inclusion', async () => {
    await expect(one({ _id: 1 }, { top: { $slice: ['$scores', 2] } })).resolves.toEqual({ _id: 1, top: [3, 8] });
  });

  it('combines $slice with an exclusion', async () => {
    await expect(one({ _id: 1 }, { scores: { $slice: -2 }, lines: 0 })).resolves.toEqual({
      _id: 1,
      customer: 'ada',
      scores: [1, 9],
      note: 'first',
    });
  });

  it('combines $slice with an inclusion', async () => {
    await expect(one({ _id: 1 }, { customer: 1, scores: { $slice: 1 } })).resolves.toEqual({
      _id: 1,
      customer: 'ada',
      scores: [3],
    });
  });

  it("returns the first array element the query matched for 'field.$'", async () => {
    await expect(one({ scores: { $gt: 5 } }, { 'scores.$': 1 })).resolves.toEqual({ _id: 1, scores: [8] });
    await expect(one({ 'lines.qty': { $gte: 5 } }, { customer: 1, 'lines.$': 1 })).resolves.toEqual({
      _id: 1,
      customer: 'ada',
      lines: [{ sku: 'b', qty: 5 }],
    });
  });

  it('returns the first element matching an $elemMatch whose condition uses operators', async () => {
    const found = await orders
      .find(
        {},
        { projection: { note: 1, lines: { $elemMatch: { qty: { $gt: 1 }, sku: { $in: ['b', 'c'] } } }, customer: 1 } },
      )
      .sort({ _id: 1 })
      .toArray();

    expect(found).toEqual([
      { _id: 1, customer: 'ada', note: 'first', lines: [{ sku: 'b', qty: 5 }] },
      { _id: 2, customer: 'bob', note: 'second' },
    ]);
    // Since MongoDB 4.4 the $elemMatch field comes after the other included fields.
    expect(Object.keys(found[0] ?? {})).toEqual(['_id', 'customer', 'note', 'lines']);
  });

  const refused: Array<[string, Document, Document, { code: number; errmsg: string }]> = [
    [
      'an exclusion in an inclusion projection',
      {},
      { customer: 1, note: 0 },
      { code: 31254, errmsg: 'Cannot do exclusion on field note in inclusion projection' },
    ],
    [
      'an inclusion in an exclusion projection',
      {},
      { note: 0, customer: 1 },
      { code: 31253, errmsg: 'Cannot do inclusion on field customer in exclusion projection' },
    ],
    [
      'a positional projection the query does not match',
      {},
      { 'scores.$': 1 },
      { code: 31277, errmsg: "Positional projection 'scores.$' does not match the query document." },
    ],
    [
      'a $slice that is neither find() nor expression syntax',
      {},
      { scores: { $slice: 'two' } },
      {
        code: 28667,
        errmsg:
          'Invalid $slice syntax. The given syntax { $slice: "two" } did not match the find() syntax because :: Location31273: $slice only supports numbers and [skip, limit] arrays :: The given syntax did not match the expression $slice syntax. :: caused by :: Expression $slice takes at least 2 arguments, and at most 3, but 1 were passed in.',
      },
    ],
  ];

  it.each(refused)('refuses %s', async (_label, filter, projection, expected) => {
    const error: unknown = await orders
      .find(filter, { projection })
      .toArray()
      .catch((e: unknown) => e);

    expect(error).toMatchObject(expected);
  });
});
