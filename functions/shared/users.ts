/**
 * The user queries the functions run. Logic modules call these and never touch mongoose, so the
 * error translation (unreachable → 503, duplicate email → 409) happens here and only here.
 */
import { Types, trusted } from 'mongoose';
import { databaseError, database } from './db';
import { EmailTaken } from './errors';
import { isUserId } from './ids';
import { toPublicUser, toUser } from './user-model';
import type { PublicUser, User, UserRecord } from './user-model';

export interface NewUser {
  name: string;
  /** Already normalized (trimmed, lower-cased). */
  email: string;
  passwordHash: string;
}

export interface Credentials {
  id: string;
  passwordHash: string;
  emailVerified: boolean;
}

/** Where a page of the user list starts: after this user in (createdAt, id) order. */
export interface PageKey {
  createdAt: Date;
  id: string;
}

export interface UserPage {
  users: PublicUser[];
  /** The key of the last user, when more users follow it. */
  next: PageKey | undefined;
}

const DUPLICATE_KEY = 11000;

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === DUPLICATE_KEY;
}

/** Race-safe: the unique index decides, so of two concurrent inserts of one email exactly one succeeds. */
export async function insertUser(input: NewUser): Promise<User> {
  const { users } = await database();
  try {
    const created = await users.create({ name: input.name, email: input.email, passwordHash: input.passwordHash });
    return toUser(created);
  } catch (error) {
    if (isDuplicateKey(error)) throw new EmailTaken();
    throw databaseError(error);
  }
}

export async function findCredentials(email: string): Promise<Credentials | undefined> {
  const { users } = await database();
  try {
    const found = await users
      .findOne({ email }, { _id: 1, passwordHash: 1, emailVerified: 1 })
      .lean<Pick<UserRecord, '_id' | 'passwordHash' | 'emailVerified'>>();
    return found === null
      ? undefined
      : { id: found._id.toHexString(), passwordHash: found.passwordHash, emailVerified: found.emailVerified === true };
  } catch (error) {
    throw databaseError(error);
  }
}

export async function findUser(id: string): Promise<User | undefined> {
  if (!isUserId(id)) return undefined;
  const { users } = await database();
  try {
    const found = await users
      .findById(id, { name: 1, email: 1, emailVerified: 1, createdAt: 1 })
      .lean<Pick<UserRecord, '_id' | 'name' | 'email' | 'emailVerified' | 'createdAt'>>();
    return found === null ? undefined : toUser(found);
  } catch (error) {
    throw databaseError(error);
  }
}

/** Keyset pagination: stable while users are added, and as fast for page 1000 as for page 1. */
export async function listUsers(limit: number, after: PageKey | undefined): Promise<UserPage> {
  const { users } = await database();
  // Our own operators, built from a decoded cursor, are marked trusted so sanitizeFilter keeps them.
  const filter =
    after === undefined
      ? {}
      : {
          $or: [
            { createdAt: trusted({ $gt: after.createdAt }) },
            { createdAt: after.createdAt, _id: trusted({ $gt: new Types.ObjectId(after.id) }) },
          ],
        };
  try {
    const found = await users
      .find(filter, { name: 1, createdAt: 1 })
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit + 1)
      .lean<Array<Pick<UserRecord, '_id' | 'name' | 'createdAt'>>>();
    const page = found.slice(0, limit);
    const last = page.at(-1);
    const next =
      found.length > limit && last !== undefined
        ? { createdAt: last.createdAt, id: last._id.toHexString() }
        : undefined;
    return { users: page.map(toPublicUser), next };
  } catch (error) {
    throw databaseError(error);
  }
}

/** What re-checking the password before a sensitive change needs: the hash, and whose it is (for the throttle and the password policy). */
export interface PasswordCheck {
  name: string;
  email: string;
  passwordHash: string;
}

export async function findPasswordCheck(id: string): Promise<PasswordCheck | undefined> {
  if (!isUserId(id)) return undefined;
  const { users } = await database();
  try {
    const found = await users
      .findById(id, { name: 1, email: 1, passwordHash: 1 })
      .lean<Pick<UserRecord, 'name' | 'email' | 'passwordHash'>>();
    return found === null ? undefined : { name: found.name, email: found.email, passwordHash: found.passwordHash };
  } catch (error) {
    throw databaseError(error);
  }
}

/**
 * Replaces the password hash. `emailVerified`: set by a reset through an emailed link, which
 * proves the mailbox is the user's as a verification link does.
 */
export async function updatePasswordHash(
  id: string,
  passwordHash: string,
  options: { emailVerified?: true } = {},
): Promise<boolean> {
  const { users } = await database();
  try {
    const result = await users.updateOne({ _id: new Types.ObjectId(id) }, { $set: { passwordHash, ...options } });
    return result.matchedCount === 1;
  } catch (error) {
    throw databaseError(error);
  }
}

export async function deleteUser(id: string): Promise<boolean> {
  const { users } = await database();
  try {
    const result = await users.deleteOne({ _id: new Types.ObjectId(id) });
    return result.deletedCount === 1;
  } catch (error) {
    throw databaseError(error);
  }
}

/** Who an email is sent to: what a user's emails need to know of them. */
export type Addressee = Pick<User, 'id' | 'name' | 'email' | 'emailVerified'>;

/** The account with this (normalized) email, if there is one. */
export async function findAddressee(email: string): Promise<Addressee | undefined> {
  const { users } = await database();
  try {
    const found = await users
      .findOne({ email }, { name: 1, email: 1, emailVerified: 1 })
      .lean<Pick<UserRecord, '_id' | 'name' | 'email' | 'emailVerified'>>();
    return found === null
      ? undefined
      : {
          id: found._id.toHexString(),
          name: found.name,
          email: found.email,
          emailVerified: found.emailVerified === true,
        };
  } catch (error) {
    throw databaseError(error);
  }
}

/** Marks the user's email verified; false when the user no longer exists. */
export async function markEmailVerified(id: string): Promise<boolean> {
  const { users } = await database();
  try {
    const result = await users.updateOne({ _id: new Types.ObjectId(id) }, { $set: { emailVerified: true } });
    return result.matchedCount === 1;
  } catch (error) {
    throw databaseError(error);
  }
}
