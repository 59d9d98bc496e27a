import '../support/lambda-environment';
import { ObjectId } from 'mongodb';
import { handler } from '../../functions/listUsers/handler';
import { useFunctionDatabase } from '../support/function-database';
import { proxyEvent } from '../support/events';
import { invokeHttp } from '../support/invoke';
import { captureOutput, requestLines } from '../support/output';

const database = useFunctionDatabase('list_users');
const output = captureOutput();

interface Item {
  id: string;
  name: string;
  createdAt: string;
}

function list(query: Record<string, string | string[]> = {}) {
  return invokeHttp('listUsers', handler, proxyEvent({ path: '/users', query }));
}

/** Every page from the first, following nextCursor. */
async function walk(limit: number): Promise<Item[][]> {
  const pages: Item[][] = [];
  let cursor: string | null = null;
  do {
    const { body }: { body: Record<string, unknown> } = await list({
      limit: String(limit),
      ...(cursor === null ? {} : { cursor }),
    });
    pages.push(body.items as Item[]);
    cursor = body.nextCursor as string | null;
  } while (cursor !== null);
  return pages;
}

const BASE = Date.parse('2026-01-31T12:00:00.000Z');

/** Users with known creation times, three of them sharing one instant so the id must break the tie. */
const seeded = [0, 1, 1, 1, 2, 3, 4, 5, 6, 7].map((minute, index) => ({
  _id: new ObjectId(),
  name: `User ${index}`,
  email: `user${index}@example.com`,
  passwordHash: `$2b$04$${'x'.repeat(53)}`,
  createdAt: new Date(BASE + minute * 60_000),
}));

function expectedOrder(): Item[] {
  return [...seeded]
    .sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a._id.toHexString().localeCompare(b._id.toHexString()),
    )
    .map((user) => ({ id: user._id.toHexString(), name: user.name, createdAt: user.createdAt.toISOString() }));
}

describe('listUsers', () => {
  it('answers an empty page with a null cursor when there are no users', async () => {
    const { response, body } = await list();

    expect(response.statusCode).toBe(200);
    expect(body).toEqual({ items: [], nextCursor: null });
  });

  describe('with users', () => {
    beforeAll(async () => {
      await database.users().insertMany(seeded);
    });

    it('shows only ids, names and creation times, oldest first, 20 by default', async () => {
      const { body } = await list();

      expect(body).toEqual({ items: expectedOrder(), nextCursor: null });
    });

    it('walks every user exactly once, in order, page by page', async () => {
      const pages = await walk(3);

      expect(pages.map((page) => page.length)).toEqual([3, 3, 3, 1]);
      expect(pages.flat()).toEqual(expectedOrder());
    });

    it('ends with a null cursor when the last page is exactly full', async () => {
      const pages = await walk(5);

      expect(pages.map((page) => page.length)).toEqual([5, 5]);
    });

    it('keeps its place when users register between pages', async () => {
      const first = await list({ limit: '4' });
      const late = {
        _id: new ObjectId(),
        name: 'Late',
        email: 'late@example.com',
        passwordHash: 'x',
        createdAt: new Date(BASE + 60 * 60_000),
      };
      await database.users().insertOne(late);
      try {
        const rest = await walk(100);
        const second = await list({ limit: '100', cursor: first.body.nextCursor as string });

        expect([...(first.body.items as Item[]), ...(second.body.items as Item[])].map((item) => item.name)).toEqual([
          ...expectedOrder().map((item) => item.name),
          'Late',
        ]);
        expect(rest.flat()).toHaveLength(seeded.length + 1);
      } finally {
        await database.users().deleteOne({ _id: late._id });
      }
    });
  });

  it.each([
    ['0', 'must be >= 1'],
    ['101', 'must be <= 100'],
    ['ten', 'must be integer'],
    ['1.5', 'must be integer'],
    ['', 'must be integer'],
  ])('answers 400 naming limit for limit=%j', async (limit, message) => {
    const { response, body } = await list({ limit });

    expect(response.statusCode).toBe(400);
    expect(body.errors).toContainEqual({ path: 'limit', message });
  });

  it.each([
    ['not base64url', 'abc$def'],
    ['too short', 'AQID'],
    ['the right length with the wrong version', Buffer.alloc(21, 2).toString('base64url')],
    [
      'JSON instead of our layout',
      Buffer.from('{"c":"2026-01-31T12:00:00.000Z","i":"665f1c2a9e4b3c0012abcdef"}').toString('base64url'),
    ],
  ])('answers 400 naming cursor for a cursor that is %s', async (_what, cursor) => {
    const { response, body } = await list({ cursor });

    expect(response.statusCode).toBe(400);
    expect((body.errors as Array<{ path: string }>).map((error) => error.path)).toEqual(['cursor']);
  });

  it('answers 400 for unknown query parameters', async () => {
    const { response, body } = await list({ isAdmin: 'true', $where: '1' });

    expect(response.statusCode).toBe(400);
    expect(body.errors).toEqual([
      { path: 'isAdmin', message: 'is not allowed' },
      { path: 'query', message: 'parameter "$where" is not allowed' },
    ]);
  });

  it('answers 400 when a parameter is given twice', async () => {
    const { response, body } = await list({ limit: ['5', '50'] });

    expect(response.statusCode).toBe(400);
    expect(body.errors).toEqual([{ path: 'limit', message: 'must be given at most once' }]);
  });

  it('logs the listing', async () => {
    await list({ limit: '1' });

    expect(requestLines(output)[0]).toMatchObject({ operation: 'listUsers', status: 200, outcome: 'users_listed' });
  });
});
