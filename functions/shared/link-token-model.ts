/**
 * How the tokens of emailed links are stored: by the SHA-256 of the token (the link itself is in
 * the user's mailbox only), with whose it is, what it is for and until when. A TTL index removes
 * each one once it has expired; a used one is deleted as it is used.
 */
import { Schema } from 'mongoose';
import type { Model, Types } from 'mongoose';

/** What a link does: reset the password, or confirm the email address. */
export const LINK_PURPOSE = {
  passwordReset: 'password_reset',
  emailVerification: 'email_verification',
} as const;

export type LinkPurpose = (typeof LINK_PURPOSE)[keyof typeof LINK_PURPOSE];

export interface LinkTokenRecord {
  /** Hex SHA-256 of the token. */
  _id: string;
  userId: Types.ObjectId;
  purpose: LinkPurpose;
  /** The deferred job that issued it, if one did: a job Lambda delivers twice sends one link, not two. */
  issuedBy: string | null;
  createdAt: Date;
  expiresAt: Date;
}

export type LinkTokenModel = Model<LinkTokenRecord>;

export const LINK_TOKEN_MODEL_NAME = 'LinkToken';

export const linkTokenSchema = new Schema<LinkTokenRecord>(
  {
    _id: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, required: true, immutable: true },
    purpose: { type: String, required: true, enum: Object.values(LINK_PURPOSE), immutable: true },
    issuedBy: { type: String, default: null, immutable: true },
    createdAt: { type: Date, required: true, immutable: true },
    expiresAt: { type: Date, required: true },
  },
  {
    collection: 'link_tokens',
    versionKey: false,
    strict: 'throw',
    strictQuery: true,
    autoIndex: false,
    autoCreate: false,
  },
);

/** A new link replaces the user's earlier ones of the same purpose: found by this index. */
linkTokenSchema.index({ userId: 1, purpose: 1 }, { name: 'user_purpose' });
/** Expired links leave by themselves (the redeeming query checks expiresAt too: the monitor runs once a minute). */
linkTokenSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expires_at_ttl' });
