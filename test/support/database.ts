/**
 * One database per test file on the server global setup started, so files run in parallel
 * without seeing each other's users.
 */
import { MongoClient } from 'mongodb';

/** Read at import, before a test points MONGODB_URI at its own database. */
const SERVER_URI = process.env.MONGODB_URI;

export function serverUri(): string {
  const uri = SERVER_URI;
  if (uri === undefined || uri === '')
    throw new Error('MONGODB_URI is not set: run the tests through jest, whose global setup starts the database');
  return uri;
}

/** The server's URI with its database replaced by `name`. */
export function databaseUri(name: string, base = serverUri()): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A database name no other file or earlier run uses. */
export function uniqueDatabaseName(suite: string): string {
  return `${suite}_${process.pid}_${Date.now().toString(36)}`;
}

/** Drops a database through its own client (the functions' connection may be closed already). */
export async function dropDatabase(uri: string): Promise<void> {
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 2000 });
  try {
    await client.db().dropDatabase();
  } finally {
    await client.close();
  }
}
