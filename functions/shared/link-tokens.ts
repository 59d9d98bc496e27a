/**
 * The single-use tokens of emailed links (password reset, email verification): 256 random bits,
 * stored only as their SHA-256, as refresh tokens are. Issuing one for a user and purpose removes
 * the earlier ones (only the newest link works); redeeming deletes it in the same atomic step that
 * finds it, so of two concurrent uses exactly one succeeds.
 */
import { Types, trusted } from 'mongoose';
import { database, databaseError } from './db';
import type { LinkPurpose, LinkTokenRecord } from './link-token-model';
import { hashRefreshToken, isRefreshTokenShaped, newRefreshToken } from './refresh-tokens';

/**
 * Issues a link token for the user, valid for `ttlSeconds` from `now`; earlier ones of the purpose
 * stop working. `issuedBy` names the deferred job issuing it, if any (see wasIssuedBy).
 */
export async function issueLinkToken(
  userId: string,
  purpose: LinkPurpose,
  now: Date,
  ttlSeconds: number,
  issuedBy: string | null = null,
): Promise<string> {
  const { linkTokens } = await database();
  const token = newRefreshToken();
  const owner = new Types.ObjectId(userId);
  try {
    await linkTokens.deleteMany({ userId: owner, purpose });
    await linkTokens.create({
      _id: hashRefreshToken(token),
      userId: owner,
      purpose,
      issuedBy,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
    });
  } catch (error) {
    throw databaseError(error);
  }
  return token;
}

/** Whose a live token is, without using it up: to check a new password before the token is spent. */
export async function peekLinkToken(token: string, purpose: LinkPurpose, now: Date): Promise<string | undefined> {
  if (!isRefreshTokenShaped(token)) return undefined;
  const { linkTokens } = await database();
  try {
    const found = await linkTokens
      .findOne({ _id: hashRefreshToken(token), purpose, expiresAt: trusted({ $gt: now }) }, { userId: 1 })
      .lean<Pick<LinkTokenRecord, 'userId'>>();
    return found?.userId.toHexString();
  } catch (error) {
    throw databaseError(error);
  }
}

/** Uses a live token up: answers whose it was, or undefined when it is unknown, used, expired or of another purpose. */
export async function redeemLinkToken(token: string, purpose: LinkPurpose, now: Date): Promise<string | undefined> {
  if (!isRefreshTokenShaped(token)) return undefined;
  const { linkTokens } = await database();
  try {
    const found = await linkTokens
      .findOneAndDelete({ _id: hashRefreshToken(token), purpose, expiresAt: trusted({ $gt: now }) })
      .lean<Pick<LinkTokenRecord, 'userId'>>();
    return found?.userId.toHexString();
  } catch (error) {
    throw databaseError(error);
  }
}

/** Removes every link token of a user for a purpose (after a reset, a link sent before it must not work). */
export async function forgetLinkTokens(userId: string, purpose: LinkPurpose): Promise<void> {
  const { linkTokens } = await database();
  try {
    await linkTokens.deleteMany({ userId: new Types.ObjectId(userId), purpose });
  } catch (error) {
    throw databaseError(error);
  }
}

/** Whether this job already issued the user's current link of the purpose: a second delivery of it then does nothing. */
export async function wasIssuedBy(userId: string, purpose: LinkPurpose, jobId: string): Promise<boolean> {
  const { linkTokens } = await database();
  try {
    return (await linkTokens.exists({ userId: new Types.ObjectId(userId), purpose, issuedBy: jobId })) !== null;
  } catch (error) {
    throw databaseError(error);
  }
}
