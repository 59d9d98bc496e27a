/**
 * How users are stored, and the only way they leave the database: the mappers below copy the
 * fields a response may show one by one, so a password hash cannot reach a response even if a
 * query selects it.
 */
import { Schema } from 'mongoose';
import type { Model, Types } from 'mongoose';
import type { components } from '../../generated/api-types';
import isStoredEmail from '../../generated/validators/schema-Email';
import isUserName from '../../generated/validators/schema-UserName';

export type User = components['schemas']['User'];
export type PublicUser = components['schemas']['PublicUser'];

export interface UserRecord {
  _id: Types.ObjectId;
  name: string;
  /** Trimmed and lower-cased before it is stored (user-input.ts), so the unique index compares normalized emails. */
  email: string;
  passwordHash: string;
  /**
   * Set when the user follows a verification link. Accounts stored before the field existed
   * have none: read as false (toUser), since nothing proved their address.
   */
  emailVerified?: boolean;
  createdAt: Date;
}

export type UserModel = Model<UserRecord>;

export const USER_MODEL_NAME = 'User';

export const userSchema = new Schema<UserRecord>(
  {
    // The contract's own rules, compiled from openapi.yaml: lengths in code points, as JSON Schema
    // counts them (mongoose's maxlength counts UTF-16 units, so an emoji would count twice).
    name: {
      type: String,
      required: true,
      validate: { validator: (name: string) => isUserName(name), message: 'name breaks the UserName schema' },
    },
    email: {
      type: String,
      required: true,
      validate: { validator: (email: string) => isStoredEmail(email), message: 'email breaks the Email schema' },
    },
    passwordHash: { type: String, required: true, select: false },
    emailVerified: { type: Boolean, default: false },
    createdAt: { type: Date, required: true, immutable: true, default: () => new Date() },
  },
  {
    collection: 'users',
    versionKey: false,
    // A field the code did not declare is a bug; fail loudly instead of storing or dropping it.
    strict: 'throw',
    strictQuery: true,
    // Indexes are created once per cold start by db.ts, awaited, so the first insert already has them.
    autoIndex: false,
    autoCreate: false,
  },
);

/** What makes registration race-safe: two inserts of one email cannot both succeed. */
userSchema.index({ email: 1 }, { unique: true, name: 'email_unique' });
/** The keyset of the user list: oldest first, ties broken by id. */
userSchema.index({ createdAt: 1, _id: 1 }, { name: 'created_at_id' });

export function toUser(record: Pick<UserRecord, '_id' | 'name' | 'email' | 'emailVerified' | 'createdAt'>): User {
  return {
    id: record._id.toHexString(),
    name: record.name,
    email: record.email,
    emailVerified: record.emailVerified === true,
    createdAt: record.createdAt.toISOString(),
  };
}

export function toPublicUser(record: Pick<UserRecord, '_id' | 'name' | 'createdAt'>): PublicUser {
  return { id: record._id.toHexString(), name: record.name, createdAt: record.createdAt.toISOString() };
}
