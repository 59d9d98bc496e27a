/**
 * A password as text. NIST SP 800-63B §5.1.1.2 asks for Unicode normalization before hashing, so
 * that `é` typed as one code point (NFC) or as `e` + a combining accent (NFD) is one password; NFKC
 * also folds compatibility forms (full-width letters, ligatures) that keyboards and input methods
 * produce differently. Every limit is counted on the normalized form, which is what bcrypt hashes.
 *
 * Loads nothing: scripts/common-passwords.ts builds the bundled list with the same key.
 */

/** Limits in bytes of UTF-8, which is what bcrypt counts. */
export const PASSWORD_BYTES = { min: 8, max: 72 } as const;

export function passwordBytes(password: string): number {
  return Buffer.byteLength(password, 'utf8');
}

/** What is hashed and compared: the password in Unicode NFKC. */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/** How a password is compared with lists and with the user's name and email: NFKC, lower-cased. */
export function comparableForm(password: string): string {
  return normalizePassword(password).toLowerCase();
}
