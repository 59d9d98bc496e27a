/** Databases and their collections, in memory, isolated by name. */
import { Collection } from './collection';
import type { Document } from './document';
import { MongoCommandError } from './errors';

/** Characters mongod refuses in database names. */
const INVALID_DATABASE_NAME = /[/\\. "$\0]/;

export class Storage {
  private readonly databases = new Map<string, Map<string, Collection>>();

  collection(database: string, name: string): Collection | undefined {
    return this.databases.get(database)?.get(name);
  }

  /** Writes and index builds create their collection implicitly, as in MongoDB. */
  ensureCollection(database: string, name: string): Collection {
    return this.collection(database, name) ?? this.createCollection(database, name);
  }

  createCollection(database: string, name: string, options: Document = {}): Collection {
    validateNamespace(database, name);
    let collections = this.databases.get(database);
    if (!collections) {
      collections = new Map();
      this.databases.set(database, collections);
    }
    if (collections.has(name)) {
      throw new MongoCommandError('NamespaceExists', `Collection ${database}.${name} already exists.`);
    }
    const collection = new Collection(database, name, options);
    collections.set(name, collection);
    return collection;
  }

  dropCollection(database: string, name: string): Collection | undefined {
    const collections = this.databases.get(database);
    const collection = collections?.get(name);
    collections?.delete(name);
    if (collections?.size === 0) this.databases.delete(database);
    return collection;
  }

  dropDatabase(database: string): void {
    this.databases.delete(database);
  }

  collections(database: string): Collection[] {
    return [...(this.databases.get(database)?.values() ?? [])];
  }

  databaseNames(): string[] {
    return [...this.databases.keys()];
  }

  *allCollections(): Generator<Collection> {
    for (const collections of this.databases.values()) yield* collections.values();
  }
}

function validateNamespace(database: string, name: string): void {
  if (database.length === 0 || INVALID_DATABASE_NAME.test(database)) {
    throw new MongoCommandError('InvalidNamespace', `Invalid database name: '${database}'`);
  }
  if (name.length === 0 || name.includes('$') || name.includes('\0') || name.startsWith('.')) {
    throw new MongoCommandError('InvalidNamespace', `Invalid collection name: ${name}`);
  }
}
