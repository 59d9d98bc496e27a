/**
 * Password hashing with bcrypt, and the checks bcrypt itself does not make: it reads only the
 * first 72 bytes of a password, so longer ones are refused instead of silently cut, and a login
 * for an unknown email still pays for what a known one pays, so that timing does not reveal who exists.
 *
 * Passwords are hashed and compared in Unicode NFKC (password-text.ts). Hashes made before that
 * were made from the password as typed, so a comparison also tries the typed form when it differs
 * from the normalized one: those users keep logging in with what they typed, and their next new
 * password is hashed normalized. Only passwords that NFKC changes (some non-ASCII) pay for a
 * second comparison, and an unknown email pays for it too.
 */
import bcrypt from 'bcryptjs';
import { passwordConfig } from './config';
import type { PasswordConfig } from './config';
import { once } from './once';
import { normalizePassword, PASSWORD_BYTES, passwordBytes } from './password-text';

export { PASSWORD_BYTES, passwordBytes } from './password-text';

const TOO_LONG = `must be at most ${PASSWORD_BYTES.max} bytes of UTF-8 (bcrypt ignores the rest)`;

/** What is wrong with a new password's length, counted on its normalized form, or undefined. */
export function newPasswordProblem(password: string): string | undefined {
  const bytes = passwordBytes(normalizePassword(password));
  if (bytes < PASSWORD_BYTES.min) return `must be at least ${PASSWORD_BYTES.min} bytes of UTF-8`;
  if (bytes > PASSWORD_BYTES.max) return TOO_LONG;
  return undefined;
}

/**
 * The forms a stored hash may have been made from, in the order they are tried: the normalized
 * password, then (for hashes older than normalization) the password as typed. A form over 72
 * bytes cannot be anyone's password: comparing it would match "password + anything".
 */
export function comparableForms(password: string): string[] {
  const normalized = normalizePassword(password);
  const forms = normalized === password ? [normalized] : [normalized, password];
  return forms.filter((form) => passwordBytes(form) <= PASSWORD_BYTES.max);
}

/** What is wrong with a password given at login or to confirm a change, or undefined: refused when no form of it fits bcrypt. */
export function loginPasswordProblem(password: string): string | undefined {
  return comparableForms(password).length === 0 ? TOO_LONG : undefined;
}

export interface PasswordHasher {
  readonly cost: number;
  /** Hashes the normalized password. */
  hash(password: string): Promise<string>;
  /** Whether the password (normalized, or as typed for an older hash) matches. */
  verify(password: string, hash: string): Promise<boolean>;
  /** Spends what `verify` spends, then fails: the unknown-email path of a login. */
  verifyUnknownUser(password: string): Promise<false>;
}

/** A bcrypt hash is `$2b$<cost>$` + 22 characters of salt + 31 of digest. */
const DIGEST_LENGTH = 31;

/**
 * A well-formed hash at the given cost that no password matches. Comparing against it costs a
 * full bcrypt run, like a real hash, but building it costs nothing: only a random salt, so a
 * cold start never pays for an extra hash.
 */
export function unmatchableHash(cost: number): string {
  return bcrypt.genSaltSync(cost) + '.'.repeat(DIGEST_LENGTH);
}

export function createPasswordHasher(config: PasswordConfig): PasswordHasher {
  // At the configured cost: a cheaper dummy would make unknown emails measurably faster.
  const dummyHash = unmatchableHash(config.cost);
  return {
    cost: config.cost,
    hash: (password) => bcrypt.hash(normalizePassword(password), config.cost),
    async verify(password, hash) {
      for (const form of comparableForms(password)) if (await bcrypt.compare(form, hash)) return true;
      return false;
    },
    async verifyUnknownUser(password) {
      for (const form of comparableForms(password)) await bcrypt.compare(form, dummyHash);
      return false;
    },
  };
}

/** The instance's hasher, at the configured cost. */
export const passwordHasher = once(() => createPasswordHasher(passwordConfig()));
