/**
 * The session queries the functions run. Logic modules call these and never touch mongoose, so
 * database errors are translated here (unreachable → 503). Every function takes the time as an
 * argument: expiry is decided by the caller's clock, never by when the TTL monitor last ran.
 *
 * Rotation is a compare-and-set on the current token's hash, so of two refreshes with one token
 * exactly one rotates; the other finds its token used and ends the session.
 */
import { Types, trusted } from 'mongoose';
import type { SessionConfig } from './config';
import { database, databaseError } from './db';
import { REFRESH_REJECTION } from './errors';
import type { RefreshRejection } from './errors';
import { isSessionId, isUserId } from './ids';
import { hashRefreshToken, isRefreshTokenShaped, newRefreshToken } from './refresh-tokens';
import { REVOKE_REASON } from './session-model';
import type { RevokeReason, SessionRecord } from './session-model';

/** Where a session began, as API Gateway saw the client; shown to the user, never trusted. */
export interface ClientInfo {
  userAgent: string;
  ipAddress: string;
}

/** A session with its new refresh token, as a sign-in or a refresh hands it out. */
export interface IssuedSession {
  sessionId: string;
  userId: string;
  /** The plain token: returned to the client once, never stored. */
  refreshToken: string;
  absoluteExpiresAt: Date;
}

export type Rotation =
  { ok: true; session: IssuedSession } | { ok: false; reason: RefreshRejection; revokedSessionId?: string };

export interface SessionView {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  userAgent: string;
  ipAddress: string;
}

/** The contract's cap on the session list. */
export const MAX_LISTED_SESSIONS = 100;

const DUPLICATE_KEY = 11000;

function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}

function idleEnd(now: Date, absoluteExpiresAt: Date, config: SessionConfig): Date {
  const idle = addSeconds(now, config.idleTtlSeconds);
  return idle < absoluteExpiresAt ? idle : absoluteExpiresAt;
}

/** Why a session found by one of its tokens cannot be refreshed now, if it cannot. */
function endedBecause(
  session: Pick<SessionRecord, 'revokedAt' | 'absoluteExpiresAt' | 'expiresAt'>,
  now: Date,
): RefreshRejection | undefined {
  if (session.revokedAt !== null) return REFRESH_REJECTION.revoked;
  if (session.absoluteExpiresAt <= now) return REFRESH_REJECTION.expired;
  if (session.expiresAt <= now) return REFRESH_REJECTION.idle;
  return undefined;
}

// Operators we build ourselves are marked trusted, so mongoose's sanitizeFilter keeps them.
const liveFilter = (now: Date) => ({ revokedAt: null, expiresAt: trusted({ $gt: now }) });

async function run<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    throw databaseError(error);
  }
}

export async function createSession(
  userId: string,
  client: ClientInfo,
  now: Date,
  config: SessionConfig,
): Promise<IssuedSession> {
  const { sessions } = await database();
  const refreshToken = newRefreshToken();
  const absoluteExpiresAt = addSeconds(now, config.refreshTtlSeconds);
  const created = await run(() =>
    sessions.create({
      userId: new Types.ObjectId(userId),
      tokenHash: hashRefreshToken(refreshToken),
      createdAt: now,
      lastUsedAt: now,
      absoluteExpiresAt,
      expiresAt: idleEnd(now, absoluteExpiresAt, config),
      userAgent: client.userAgent,
      ipAddress: client.ipAddress,
    }),
  );
  return { sessionId: created._id.toHexString(), userId, refreshToken, absoluteExpiresAt };
}

/** Remembers an exchanged token until its session would have ended; a second write of one hash changes nothing. */
async function rememberUsed(
  tokenHash: string,
  session: Pick<SessionRecord, '_id' | 'absoluteExpiresAt'>,
): Promise<void> {
  const { usedRefreshTokens } = await database();
  await run(() =>
    usedRefreshTokens.create({ _id: tokenHash, sessionId: session._id, expiresAt: session.absoluteExpiresAt }),
  ).catch((error: unknown) => {
    if ((error as { code?: unknown }).code !== DUPLICATE_KEY) throw error;
  });
}

async function revokeForReuse(sessionId: Types.ObjectId, now: Date): Promise<boolean> {
  const { sessions } = await database();
  const result = await run(() =>
    sessions.updateOne(
      { _id: sessionId, revokedAt: null },
      { $set: { revokedAt: now, revokeReason: REVOKE_REASON.reuse } },
    ),
  );
  return result.modifiedCount === 1;
}

/**
 * Exchanges a refresh token for a new one. A token that was current rotates (once, atomically);
 * a token that was already exchanged ends its session, except for one retry of the previous token
 * within the configured reuse interval.
 */
export async function rotateRefreshToken(token: string, now: Date, config: SessionConfig): Promise<Rotation> {
  if (!isRefreshTokenShaped(token)) return { ok: false, reason: REFRESH_REJECTION.malformed };
  const { sessions } = await database();
  const hash = hashRefreshToken(token);
  const next = newRefreshToken();
  const nextHash = hashRefreshToken(next);

  const current = await run(() => sessions.findOne({ tokenHash: hash }).lean<SessionRecord>());
  if (current !== null) {
    const ended = endedBecause(current, now);
    if (ended !== undefined) return { ok: false, reason: ended };
    const rotated = await run(() =>
      sessions.updateOne(
        { _id: current._id, tokenHash: hash, revokedAt: null },
        {
          $set: {
            tokenHash: nextHash,
            previousTokenHash: hash,
            rotatedAt: now,
            previousTokenReused: false,
            lastUsedAt: now,
            expiresAt: idleEnd(now, current.absoluteExpiresAt, config),
          },
        },
      ),
    );
    if (rotated.modifiedCount === 1) {
      await rememberUsed(hash, current);
      return {
        ok: true,
        session: {
          sessionId: current._id.toHexString(),
          userId: current.userId.toHexString(),
          refreshToken: next,
          absoluteExpiresAt: current.absoluteExpiresAt,
        },
      };
    }
    // Another refresh rotated this token between the read and the write: it is now a used token.
  }

  const previous = await run(() => sessions.findOne({ previousTokenHash: hash }).lean<SessionRecord>());
  if (previous !== null) {
    const ended = endedBecause(previous, now);
    if (ended !== undefined) return { ok: false, reason: ended };
    const withinInterval =
      previous.rotatedAt !== null && now.getTime() - previous.rotatedAt.getTime() < config.reuseIntervalSeconds * 1000;
    if (withinInterval && !previous.previousTokenReused) {
      // A client retrying a refresh whose answer it lost: it gets a new token, and the one it never received stops working.
      const retried = await run(() =>
        sessions.updateOne(
          { _id: previous._id, previousTokenHash: hash, previousTokenReused: false, revokedAt: null },
          {
            $set: {
              tokenHash: nextHash,
              previousTokenReused: true,
              lastUsedAt: now,
              expiresAt: idleEnd(now, previous.absoluteExpiresAt, config),
            },
          },
        ),
      );
      if (retried.modifiedCount === 1) {
        await rememberUsed(previous.tokenHash, previous);
        return {
          ok: true,
          session: {
            sessionId: previous._id.toHexString(),
            userId: previous.userId.toHexString(),
            refreshToken: next,
            absoluteExpiresAt: previous.absoluteExpiresAt,
          },
        };
      }
    }
    const revoked = await revokeForReuse(previous._id, now);
    return {
      ok: false,
      reason: REFRESH_REJECTION.reuse,
      ...(revoked ? { revokedSessionId: previous._id.toHexString() } : {}),
    };
  }

  const { usedRefreshTokens } = await database();
  const used = await run(() => usedRefreshTokens.findById(hash).lean());
  if (used === null) return { ok: false, reason: REFRESH_REJECTION.unknown };
  const revoked = await revokeForReuse(used.sessionId, now);
  return {
    ok: false,
    reason: REFRESH_REJECTION.reuse,
    ...(revoked ? { revokedSessionId: used.sessionId.toHexString() } : {}),
  };
}

/** Whether the session is live and the user's: what every protected operation checks. One read by `_id`. */
export async function isSessionLive(sessionId: string, userId: string, now: Date): Promise<boolean> {
  if (!isSessionId(sessionId) || !isUserId(userId)) return false;
  const { sessions } = await database();
  const found = await run(() =>
    sessions.exists({ _id: new Types.ObjectId(sessionId), userId: new Types.ObjectId(userId), ...liveFilter(now) }),
  );
  return found !== null;
}

export async function listLiveSessions(userId: string, now: Date): Promise<SessionView[]> {
  const { sessions } = await database();
  const found = await run(() =>
    sessions
      .find(
        { userId: new Types.ObjectId(userId), ...liveFilter(now) },
        { createdAt: 1, lastUsedAt: 1, expiresAt: 1, userAgent: 1, ipAddress: 1 },
      )
      .sort({ createdAt: -1, _id: -1 })
      .limit(MAX_LISTED_SESSIONS)
      .lean<Array<Pick<SessionRecord, '_id' | 'createdAt' | 'lastUsedAt' | 'expiresAt' | 'userAgent' | 'ipAddress'>>>(),
  );
  return found.map((s) => ({
    id: s._id.toHexString(),
    createdAt: s.createdAt,
    lastUsedAt: s.lastUsedAt,
    expiresAt: s.expiresAt,
    userAgent: s.userAgent,
    ipAddress: s.ipAddress,
  }));
}

/** Ends one live session of the user; false when the user has no such live session. */
export async function revokeSession(
  sessionId: string,
  userId: string,
  reason: RevokeReason,
  now: Date,
): Promise<boolean> {
  if (!isSessionId(sessionId)) return false;
  const { sessions } = await database();
  const result = await run(() =>
    sessions.updateOne(
      { _id: new Types.ObjectId(sessionId), userId: new Types.ObjectId(userId), ...liveFilter(now) },
      { $set: { revokedAt: now, revokeReason: reason } },
    ),
  );
  return result.modifiedCount === 1;
}

/** Ends every live session of the user, or every one but `keep`; how many ended. */
export async function revokeSessionsOf(
  userId: string,
  reason: RevokeReason,
  now: Date,
  keep?: string,
): Promise<number> {
  const { sessions } = await database();
  const filter = {
    userId: new Types.ObjectId(userId),
    ...liveFilter(now),
    ...(keep === undefined ? {} : { _id: trusted({ $ne: new Types.ObjectId(keep) }) }),
  };
  const result = await run(() => sessions.updateMany(filter, { $set: { revokedAt: now, revokeReason: reason } }));
  return result.modifiedCount;
}

/** Ends the session a refresh token (current, or just replaced) belongs to; false when none. */
export async function revokeByRefreshToken(token: string, reason: RevokeReason, now: Date): Promise<boolean> {
  if (!isRefreshTokenShaped(token)) return false;
  const { sessions } = await database();
  const hash = hashRefreshToken(token);
  for (const field of ['tokenHash', 'previousTokenHash'] as const) {
    const result = await run(() =>
      sessions.updateOne({ [field]: hash, revokedAt: null }, { $set: { revokedAt: now, revokeReason: reason } }),
    );
    if (result.modifiedCount === 1) return true;
  }
  return false;
}

/** Removes every session of the user, for account deletion. */
export async function deleteSessionsOf(userId: string): Promise<number> {
  const { sessions } = await database();
  const result = await run(() => sessions.deleteMany({ userId: new Types.ObjectId(userId) }));
  return result.deletedCount;
}
