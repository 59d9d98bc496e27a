/**
 * Password hashing with bcrypt, and the checks bcrypt itself does not make: it reads only the
 * first 72 bytes of a password, so longer ones are refused instead of silently cut, and a login
 * for an unknown email still pays for one comparison so that timing does not reveal who exists.
 */
import bcrypt from 'bcryptjs';
import { passwordConfig } from './config';
import type { PasswordConfig } from './config';
import { once } from './once';

/** Limits in bytes of UTF-8, which is what bcrypt counts. */
export const PASSWORD_BYTES = { min: 8, max: 72 } as const;

export function passwordBytes(password: string): number {
  return Buffer.byteLength(password, 'utf8');
}

const TOO_LONG = `must be at most ${PASSWORD_BYTES.max} bytes of UTF-8 (bcrypt ignores the rest)`;

/** What is wrong with a new password, or undefined. */
export function newPasswordProblem(password: string): string | undefined {
  const bytes = passwordBytes(password);
  if (bytes < PASSWORD_BYTES.min) return `must be at least ${PASSWORD_BYTES.min} bytes of UTF-8`;
  if (bytes > PASSWORD_BYTES.max) return TOO_LONG;
  return undefined;
}

/**
 * What is wrong with a password given at login, or undefined. Over 72 bytes it is refused: it
 * cannot be anyone's password, and comparing it would match "password + anything".
 */
export function loginPasswordProblem(password: string): string | undefined {
  return passwordBytes(password) > PASSWORD_BYTES.max ? TOO_LONG : undefined;
}

export interface PasswordHasher {
  readonly cost: number;
  hash(password: string): Promise<string>;
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
    hash: (password) => bcrypt.hash(password, config.cost),
    verify: (password, hash) => bcrypt.compare(password, hash),
    async verifyUnknownUser(password) {
      await bcrypt.compare(password, dummyHash);
      return false;
    },
  };
}

/** The instance's hasher, at the configured cost. */
export const passwordHasher = once(() => createPasswordHasher(passwordConfig()));
