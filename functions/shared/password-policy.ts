/**
 * What a new password must not be, after its length (passwords.ts): NIST SP 800-63B §5.1.1.2
 * asks a verifier to refuse passwords that are commonly used, expected or compromised, and to set
 * no composition rules. So a new password is refused when it
 * - is on the bundled list of common and breached passwords (generated/common-passwords.ts),
 * - contains the user's name or the part of their email address before the @,
 * - or, with PWNED_PASSWORDS_CHECK=on, appears in Have I Been Pwned's breach corpus.
 * Each comparison is made on the NFKC, lower-cased form, so `PassWord123` is as common as `password123`.
 */
import { createHash } from 'node:crypto';
import { COMMON_PASSWORDS } from '../../generated/common-passwords';
import { passwordPolicyConfig } from './config';
import type { PasswordPolicyConfig } from './config';
import { PASSWORD_REJECTION, ValidationFailed } from './errors';
import type { PasswordRejection } from './errors';
import { countMetric, logger, MetricName } from './observability';
import { once } from './once';
import { comparableForm, normalizePassword } from './password-text';

/** What a person reads in the 400's `errors` entry for the field. */
export const PASSWORD_REJECTION_MESSAGE: Record<PasswordRejection, string> = {
  common:
    'is one of the most common passwords, which attackers try first; choose one that is harder to guess (a few unrelated words work well)',
  personal: 'must not contain your name or the part of your email address before the @',
  breached: 'has appeared in a data breach, so attackers will try it; choose a different one',
};

/** The user a new password is for. */
export interface PasswordOwner {
  name: string;
  email: string;
}

/** The sorted hash prefixes, decoded on first use: login and the other functions never pay for it. */
const commonPasswordHashes = once(() => Buffer.from(COMMON_PASSWORDS.hashes, 'base64'));

/** Whether the password is on the bundled list (a binary search over fixed-width hash prefixes). */
export function isCommonPassword(password: string): boolean {
  const width = COMMON_PASSWORDS.hashBytes;
  const hashes = commonPasswordHashes();
  const key = createHash('sha256').update(comparableForm(password), 'utf8').digest().subarray(0, width);
  let low = 0;
  let high = hashes.length / width - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const order = hashes.compare(key, 0, width, middle * width, (middle + 1) * width);
    if (order === 0) return true;
    if (order < 0) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}

/**
 * Parts of a name or an email's local part shorter than this are not looked for inside a
 * password: "containing `al`" would refuse a great many unrelated passwords.
 */
export const MIN_PERSONAL_PART = 4;

/** The user's words a password must not contain: the whole name and local part, and their pieces. */
export function personalWords(owner: PasswordOwner): string[] {
  const local = comparableForm(owner.email.slice(0, Math.max(0, owner.email.lastIndexOf('@'))));
  const name = comparableForm(owner.name);
  const words = [local, name.replace(/\s+/g, ''), ...local.split(/[^\p{L}\p{N}]+/u), ...name.split(/[^\p{L}\p{N}]+/u)];
  return [...new Set(words)].filter((word) => [...word].length >= MIN_PERSONAL_PART);
}

/** Whether the password contains the user's name or email local part (or is one of them). */
export function isPersonalPassword(password: string, owner: PasswordOwner): boolean {
  const candidate = comparableForm(password);
  return personalWords(owner).some((word) => candidate.includes(word));
}

/** Characters of the SHA-1 sent to the range API (k-anonymity: the rest never leaves the function). */
export const PWNED_PREFIX_LENGTH = 5;

/**
 * Whether Have I Been Pwned's range API lists the password. Only the first five hex characters of
 * its SHA-1 are sent; the answer lists every suffix with that prefix, padded with zero-count decoys
 * so its size says nothing either. Any failure (timeout, refused connection, a status other than
 * 200) counts PwnedCheckUnavailable and answers false: the service is an extra, never a reason to
 * refuse a registration.
 */
export async function isPwnedPassword(
  password: string,
  config: Pick<PasswordPolicyConfig, 'pwnedUrl' | 'pwnedTimeoutMs'>,
): Promise<boolean> {
  const digest = createHash('sha1').update(normalizePassword(password), 'utf8').digest('hex').toUpperCase();
  const prefix = digest.slice(0, PWNED_PREFIX_LENGTH);
  const suffix = digest.slice(PWNED_PREFIX_LENGTH);
  try {
    const response = await fetch(`${config.pwnedUrl.replace(/\/+$/, '')}/range/${prefix}`, {
      headers: { 'Add-Padding': 'true', 'User-Agent': 'auth-api' },
      signal: AbortSignal.timeout(config.pwnedTimeoutMs),
    });
    if (response.status !== 200) throw new Error(`status ${response.status}`);
    const body = await response.text();
    for (const line of body.split('\n')) {
      const [lineSuffix, count] = line.trim().split(':');
      if (lineSuffix?.toUpperCase() === suffix) return Number(count) > 0;
    }
    return false;
  } catch (error) {
    countMetric(MetricName.PwnedCheckUnavailable);
    logger.warn('breached-password check unavailable; password accepted without it', {
      error: error instanceof Error ? error.message : String(error),
    });
    return false;
  }
}

/** Why the password may not be used, or undefined; the breach service is asked only when the local checks pass. */
export async function passwordRejection(
  password: string,
  owner: PasswordOwner,
  config: PasswordPolicyConfig,
): Promise<PasswordRejection | undefined> {
  if (isPersonalPassword(password, owner)) return PASSWORD_REJECTION.personal;
  if (isCommonPassword(password)) return PASSWORD_REJECTION.common;
  if (config.pwnedCheck && (await isPwnedPassword(password, config))) return PASSWORD_REJECTION.breached;
  return undefined;
}

/**
 * Refuses a new password the policy does not allow with a 400 naming the field (`/password`,
 * `/newPassword`). Call after the length checks.
 */
export async function enforcePasswordPolicy(path: string, password: string, owner: PasswordOwner): Promise<void> {
  const rejection = await passwordRejection(password, owner, passwordPolicyConfig());
  if (rejection === undefined) return;
  countMetric(MetricName.PasswordRejected, { reason: rejection });
  throw new ValidationFailed([{ path, message: PASSWORD_REJECTION_MESSAGE[rejection] }]);
}
