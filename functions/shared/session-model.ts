/**
 * How sessions are stored. A session is one sign-in on one device: it holds the hash of its one
 * current refresh token, ends at `absoluteExpiresAt` whatever happens, and ends earlier at
 * `expiresAt` when it is not refreshed for the idle limit. Used refresh tokens are remembered
 * (as hashes) until their session would have ended, so a second use of any of them is caught.
 */
import { Schema } from 'mongoose';
import type { Model, Types } from 'mongoose';

/** Why a session was ended before its time: the `reason` dimension of SessionRevoked. */
export const REVOKE_REASON = {
  logout: 'logout',
  /** A used refresh token came back: someone holds a copy. */
  reuse: 'reuse',
  /** The user ended this one session. */
  user: 'user',
  /** The user logged out everywhere. */
  all: 'all',
  passwordChange: 'password_change',
  /** A password reset through an emailed link: whoever held a session may have known the old password. */
  passwordReset: 'password_reset',
  accountDeleted: 'account_deleted',
} as const;

export type RevokeReason = (typeof REVOKE_REASON)[keyof typeof REVOKE_REASON];

export interface SessionRecord {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  tokenHash: string;
  /** The token the last rotation replaced, for the reuse interval; null before the first refresh. */
  previousTokenHash: string | null;
  /** When the last rotation happened. */
  rotatedAt: Date | null;
  /** Whether the reuse interval was spent on the previous token. */
  previousTokenReused: boolean;
  createdAt: Date;
  lastUsedAt: Date;
  /** The end of the session, refreshed or not. */
  absoluteExpiresAt: Date;
  /** When the session ends if not refreshed: lastUsedAt + the idle limit, never past absoluteExpiresAt. A TTL index removes it then. */
  expiresAt: Date;
  userAgent: string;
  ipAddress: string;
  revokedAt: Date | null;
  revokeReason: RevokeReason | null;
}

/** A refresh token that was exchanged: presenting it again revokes its session. */
export interface UsedRefreshTokenRecord {
  /** The token's hash. */
  _id: string;
  sessionId: Types.ObjectId;
  /** When its session would end at the latest; a TTL index removes the record then. */
  expiresAt: Date;
}

export type SessionModel = Model<SessionRecord>;
export type UsedRefreshTokenModel = Model<UsedRefreshTokenRecord>;

export const SESSION_MODEL_NAME = 'Session';
export const USED_REFRESH_TOKEN_MODEL_NAME = 'UsedRefreshToken';

const SCHEMA_OPTIONS = {
  versionKey: false,
  strict: 'throw',
  strictQuery: true,
  autoIndex: false,
  autoCreate: false,
} as const;

export const sessionSchema = new Schema<SessionRecord>(
  {
    userId: { type: Schema.Types.ObjectId, required: true, immutable: true },
    tokenHash: { type: String, required: true },
    previousTokenHash: { type: String, default: null },
    rotatedAt: { type: Date, default: null },
    previousTokenReused: { type: Boolean, default: false },
    createdAt: { type: Date, required: true, immutable: true },
    lastUsedAt: { type: Date, required: true },
    absoluteExpiresAt: { type: Date, required: true, immutable: true },
    expiresAt: { type: Date, required: true },
    userAgent: { type: String, required: false, default: '' },
    ipAddress: { type: String, required: false, default: '' },
    revokedAt: { type: Date, default: null },
    revokeReason: { type: String, default: null, enum: [...Object.values(REVOKE_REASON), null] },
  },
  { collection: 'sessions', ...SCHEMA_OPTIONS },
);

/** A refresh looks its session up by the current token; unique, so one hash names one session. */
sessionSchema.index({ tokenHash: 1 }, { unique: true, name: 'token_hash_unique' });
/** The reuse interval looks a session up by the token its last rotation replaced. */
sessionSchema.index({ previousTokenHash: 1 }, { name: 'previous_token_hash' });
/** The session list, newest first, and revoking all of a user's sessions. */
sessionSchema.index({ userId: 1, createdAt: -1 }, { name: 'user_created_at' });
/** Ended sessions leave by themselves. */
sessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expires_at_ttl' });

export const usedRefreshTokenSchema = new Schema<UsedRefreshTokenRecord>(
  {
    _id: { type: String, required: true },
    sessionId: { type: Schema.Types.ObjectId, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'used_refresh_tokens', ...SCHEMA_OPTIONS },
);

usedRefreshTokenSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expires_at_ttl' });
