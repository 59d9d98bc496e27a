/**
 * Points the functions under test at a database of the file's own for the whole file, and
 * removes it afterwards, so function test files run in parallel without seeing each other's users.
 */
import type { Collection } from 'mongodb';
import { MongoClient } from 'mongodb';
import { closeDatabase } from '../../functions/shared/db';
import { databaseUri, dropDatabase, uniqueDatabaseName } from './database';
import { configureFunctions } from './env';

export interface FunctionDatabase {
  readonly uri: string;
  /** The users collection through a driver client of the test's own, to arrange and check data. */
  users(): Collection;
  sessions(): Collection;
  usedRefreshTokens(): Collection;
  throttles(): Collection;
  linkTokens(): Collection;
}

/** Call at the top of a file, before its own `beforeAll`, which may then invoke functions. */
export function useFunctionDatabase(suite: string): FunctionDatabase {
  const uri = databaseUri(uniqueDatabaseName(suite));
  let client: MongoClient | undefined;

  beforeAll(async () => {
    configureFunctions(uri);
    client = await MongoClient.connect(uri);
  });

  afterAll(async () => {
    await closeDatabase();
    await client?.close();
    await dropDatabase(uri);
  });

  function collection(name: string): Collection {
    if (client === undefined) throw new Error('useFunctionDatabase: the database is only ready inside tests and hooks');
    return client.db().collection(name);
  }

  return {
    uri,
    users: () => collection('users'),
    sessions: () => collection('sessions'),
    usedRefreshTokens: () => collection('used_refresh_tokens'),
    throttles: () => collection('throttles'),
    linkTokens: () => collection('link_tokens'),
  };
}
