/**
 * Builds generated/common-passwords.ts: the common and breached passwords new passwords are
 * checked against (NIST SP 800-63B §5.1.1.2), from the `passwords-common` dictionary of
 * @zxcvbn-ts/language-common (MIT): about 49,000 passwords ranked by how often they appear in
 * leaked password sets, kept up to date by the zxcvbn-ts project.
 *
 * Stored as a sorted array of 64-bit hash prefixes rather than as text: the same size as the text
 * of the entries, no Set to build at cold start (a lookup is one SHA-256 and a binary search over
 * the decoded bytes), and with 2^64 possible values a password that is not listed matches a
 * listed one with a probability of about n / 2^64 (10^-15): no false refusals in practice.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { dictionary } from '@zxcvbn-ts/language-common';
import { comparableForm, PASSWORD_BYTES, passwordBytes } from '../functions/shared/password-text';

const SOURCE_PACKAGE = '@zxcvbn-ts/language-common';
/** Bytes of SHA-256 kept per entry: 64 bits make a false match about n / 2^64. */
const HASH_BYTES = 8;

function sourceVersion(): string {
  // Its entry is dist/index.cjs; package.json sits one folder up.
  const manifest = JSON.parse(
    readFileSync(join(dirname(require.resolve(SOURCE_PACKAGE)), '..', 'package.json'), 'utf8'),
  ) as { version: string };
  return manifest.version;
}

export interface CommonPasswordList {
  /** Entries in the source list. */
  listed: number;
  /** Distinct entries long enough to be accepted at all (shorter ones are refused by length already). */
  stored: number;
  /** The module's text. */
  module: string;
}

/** The hash prefixes of `passwords`, sorted and distinct, as one buffer. */
export function hashPrefixes(passwords: readonly string[]): Buffer {
  const keys = new Set(passwords.map(comparableForm).filter((key) => passwordBytes(key) >= PASSWORD_BYTES.min));
  const prefixes = [...keys].map((key) => createHash('sha256').update(key, 'utf8').digest().subarray(0, HASH_BYTES));
  prefixes.sort((a, b) => Buffer.compare(a, b));
  return Buffer.concat(prefixes);
}

export function buildCommonPasswords(): CommonPasswordList {
  const passwords = dictionary['passwords-common'];
  const prefixes = hashPrefixes(passwords);
  const stored = prefixes.length / HASH_BYTES;
  const version = sourceVersion();
  const module = [
    `// Generated from ${SOURCE_PACKAGE} ${version} by scripts/generate.ts (scripts/common-passwords.ts). Do not edit.`,
    '// Source list: Copyright (c) 2012-2016 Dan Wheeler and Dropbox, Inc.; Copyright (c) 2021 @zxcvbn-ts; MIT licence.',
    '',
    '/**',
    ` * ${stored} distinct common and breached passwords of at least 8 bytes (of ${passwords.length} in the`,
    ` * source list), each as the first ${HASH_BYTES} bytes of the SHA-256 of its NFKC, lower-cased form, sorted, in base64.`,
    ' */',
    `export const COMMON_PASSWORDS = {`,
    `  source: '${SOURCE_PACKAGE}@${version}',`,
    `  listed: ${passwords.length},`,
    `  count: ${stored},`,
    `  hashBytes: ${HASH_BYTES},`,
    `  hashes: '${prefixes.toString('base64')}',`,
    '} as const;',
    '',
  ].join('\n');
  return { listed: passwords.length, stored, module };
}
