/**
 * How throttle counters are stored: one document per counter, keyed by a SHA-256 (of the
 * normalized email, or of the client address and window), never by the email or address itself.
 * Counters change only by atomic updates (`$inc`, `$max`), so concurrent failures are all counted,
 * and a TTL index removes each one when it no longer matters.
 */
import { Schema } from 'mongoose';
import type { Model } from 'mongoose';

/** What a refusal was counted against: the `scope` dimension of AttemptThrottled. */
export const THROTTLE_SCOPE = {
  account: 'account',
  address: 'address',
} as const;

export type ThrottleScope = (typeof THROTTLE_SCOPE)[keyof typeof THROTTLE_SCOPE];

/** The operations that are throttled: the `operation` dimension of AttemptThrottled. */
export const THROTTLED_OPERATION = {
  login: 'login',
  register: 'register',
  refreshToken: 'refreshToken',
  /** Its current password is checked as a login's is. */
  changePassword: 'changePassword',
  deleteMe: 'deleteMe',
  /** Emails asked for: a reset link, or the verification link again. */
  forgotPassword: 'forgotPassword',
  sendEmailVerification: 'sendEmailVerification',
  /** Emailed-link tokens presented. */
  resetPassword: 'resetPassword',
  verifyEmail: 'verifyEmail',
} as const;

export type ThrottledOperation = (typeof THROTTLED_OPERATION)[keyof typeof THROTTLED_OPERATION];

export interface ThrottleRecord {
  /** Hex SHA-256 of what is counted (see throttle.ts). */
  _id: string;
  /** Consecutive failed logins of an account, or attempts from an address in one window. */
  failures: number;
  /** Until when an account is refused; null while it is not. */
  lockedUntil: Date | null;
  /** When the counter is forgotten; the TTL index removes it then. */
  expiresAt: Date;
}

export type ThrottleModel = Model<ThrottleRecord>;

export const THROTTLE_MODEL_NAME = 'Throttle';

export const throttleSchema = new Schema<ThrottleRecord>(
  {
    _id: { type: String, required: true },
    failures: { type: Number, required: true, default: 0 },
    lockedUntil: { type: Date, default: null },
    expiresAt: { type: Date, required: true },
  },
  {
    collection: 'throttles',
    versionKey: false,
    strict: 'throw',
    strictQuery: true,
    autoIndex: false,
    autoCreate: false,
  },
);

throttleSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expires_at_ttl' });
