/** Shared setup for the MongoDB conformance suites: they talk only through the public driver and mongoose. */
import { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';

/** Set by global setup, or by the developer to run the suites against a real MongoDB. */
export function mongoUri(): string {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set: run the suites through jest, whose global setup sets it');
  return uri;
}

/** True when the suites run against the embedded server rather than a MongoDB given through MONGODB_URI. */
export const isEmbedded = process.env.EMBEDDED_MONGO === '1';

/** A database name no other suite or earlier run uses. */
export function uniqueDatabaseName(suite: string): string {
  return `${suite}_${process.pid}_${Date.now().toString(36)}`;
}

export interface TestDatabase {
  client: MongoClient;
  db: Db;
  /** Drops the database and closes the client. */
  dispose(): Promise<void>;
}

export async function openTestDatabase(suite: string): Promise<TestDatabase> {
  const client = await MongoClient.connect(mongoUri());
  const db = client.db(uniqueDatabaseName(suite));
  return {
    client,
    db,
    dispose: async () => {
      await db.dropDatabase();
      await client.close();
    },
  };
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function eventually(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return check();
}
