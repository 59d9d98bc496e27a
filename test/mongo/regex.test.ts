/**
 * Regular expressions in filters, updates and aggregation expressions: every form a client can send.
 * Conformance tests: they pass against MongoDB too (the embedded server evaluates them with RE2).
 */
import { BSONRegExp } from 'mongodb';
import type { Collection } from 'mongodb';
import { openTestDatabase } from './helpers';
import type { TestDatabase } from './helpers';

interface Person {
  _id: number;
  name: string;
  tags: string[];
  bio: string;
}

let database: TestDatabase;
let people: Collection<Person>;

beforeAll(async () => {
  database = await openTestDatabase('regex');
  people = database.db.collection<Person>('people');
  await people.insertMany([
    { _id: 1, name: 'Alice', tags: ['x-ray', 'yak'], bio: 'first line\nsecond line' },
    { _id: 2, name: 'bob', tags: ['zebra'], bio: 'one line' },
    { _id: 3, name: 'Carol', tags: ['xylophone', 'x-men'], bio: 'a\nb' },
  ]);
});

afterAll(() => database.dispose());

async function ids(filter: object): Promise<number[]> {
  return (await people.find(filter).sort({ _id: 1 }).toArray()).map((person) => person._id);
}

describe('regular expressions in filters', () => {
  it.each<[string, object, number[]]>([
    ['a RegExp value with the i flag', { name: /^al/i }, [1]],
    ['$regex with $options', { name: { $regex: '^AL', $options: 'i' } }, [1]],
    ['$regex given a RegExp', { name: { $regex: /ob$/ } }, [2]],
    ['patterns inside $in', { name: { $in: [/^b/, 'Carol'] } }, [2, 3]],
    ['patterns inside $nin', { name: { $nin: [/^b/, 'Carol'] } }, [1]],
    ['$not with a pattern', { name: { $not: /^a/i } }, [2, 3]],
    ['$all with patterns on an array', { tags: { $all: [/^x/, /-/] } }, [1, 3]],
    ['a pattern on an array field, matching any element', { tags: /^z/ }, [2]],
    ['the m option anchoring at line starts', { bio: { $regex: '^second', $options: 'm' } }, [1]],
    ['the s option letting . match a newline', { bio: { $regex: 'a.b', $options: 's' } }, [3]],
    ['a regular expression value with the s option', { bio: new BSONRegExp('a.b', 's') }, [3]],
    ['a regular expression value with the s and i options', { bio: new BSONRegExp('A.B', 'is') }, [3]],
    ['$elemMatch with a pattern', { tags: { $elemMatch: { $regex: 'men$' } } }, [3]],
  ])('matches %s', async (_label, filter, expected) => {
    await expect(ids(filter)).resolves.toEqual(expected);
  });

  it('removes array elements matching a pattern with $pull', async () => {
    await people.updateOne({ _id: 3 }, { $pull: { tags: /^x-/ } });

    await expect(people.findOne({ _id: 3 })).resolves.toMatchObject({ tags: ['xylophone'] });
    await people.updateOne({ _id: 3 }, { $push: { tags: 'x-men' } });
  });
});

describe('regular expressions in aggregation expressions', () => {
  it('answers $regexMatch, $regexFind and $regexFindAll', async () => {
    const [result] = await people
      .aggregate([
        { $match: { _id: 1 } },
        {
          $project: {
            _id: 0,
            matches: { $regexMatch: { input: '$name', regex: '^a', options: 'i' } },
            first: { $regexFind: { input: '$bio', regex: /(\w+) line/ } },
            all: { $regexFindAll: { input: '$bio', regex: 'line' } },
          },
        },
      ])
      .toArray();

    expect(result).toEqual({
      matches: true,
      first: { match: 'first line', idx: 0, captures: ['first'] },
      all: [
        { match: 'line', idx: 6, captures: [] },
        { match: 'line', idx: 18, captures: [] },
      ],
    });
  });
});
