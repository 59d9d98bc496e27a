import bcrypt from 'bcryptjs';
import {
  comparableForms,
  createPasswordHasher,
  loginPasswordProblem,
  newPasswordProblem,
  passwordBytes,
  unmatchableHash,
} from '../../functions/shared/passwords';
import { restoreEnvAfterEach, setEnv } from '../support/env';

restoreEnvAfterEach();

describe('password byte limits', () => {
  it('counts UTF-8 bytes, not characters', () => {
    expect(passwordBytes('abc')).toBe(3);
    expect(passwordBytes('é')).toBe(2);
    expect(passwordBytes('🔑')).toBe(4);
  });

  it.each([
    ['7 ASCII characters', 'x'.repeat(7), 'must be at least 8 bytes of UTF-8'],
    ['8 ASCII characters', 'x'.repeat(8), undefined],
    ['72 bytes', 'é'.repeat(36), undefined],
    ['73 bytes in 37 characters', `${'é'.repeat(36)}x`, 'must be at most 72 bytes of UTF-8 (bcrypt ignores the rest)'],
    ['4 emoji (16 bytes)', '🔑'.repeat(4), undefined],
  ])('a new password of %s', (_what, password, problem) => {
    expect(newPasswordProblem(password)).toBe(problem);
  });

  it('refuses a login password over 72 bytes but accepts a short one', () => {
    expect(loginPasswordProblem('x')).toBeUndefined();
    expect(loginPasswordProblem('é'.repeat(37))).toBe('must be at most 72 bytes of UTF-8 (bcrypt ignores the rest)');
  });
});

describe('createPasswordHasher', () => {
  const hasher = createPasswordHasher({ cost: 4 });

  it('hashes at the configured cost and verifies the password', async () => {
    const hash = await hasher.hash('correct-horse');

    expect(hash).toMatch(/^\$2b\$04\$.{53}$/);
    await expect(hasher.verify('correct-horse', hash)).resolves.toBe(true);
    await expect(hasher.verify('correct-horsE', hash)).resolves.toBe(false);
  });

  it('runs one comparison against a dummy hash of the same cost for an unknown user', async () => {
    const compare = jest.spyOn(bcrypt, 'compare');
    try {
      await expect(hasher.verifyUnknownUser('anything')).resolves.toBe(false);

      expect(compare).toHaveBeenCalledTimes(1);
      expect(compare.mock.calls[0]?.[1]).toMatch(/^\$2b\$04\$/);
    } finally {
      compare.mockRestore();
    }
  });

  it('never hashes to build the dummy, so a cold start pays for no extra bcrypt run', async () => {
    const hash = jest.spyOn(bcrypt, 'hash');
    try {
      const fresh = createPasswordHasher({ cost: 4 });
      await fresh.verifyUnknownUser('a');

      expect(hash).not.toHaveBeenCalled();
    } finally {
      hash.mockRestore();
    }
  });

  it('builds a dummy hash that no password matches', async () => {
    const dummy = unmatchableHash(4);

    expect(dummy).toMatch(/^\$2b\$04\$[./A-Za-z0-9]{53}$/);
    await expect(bcrypt.compare('', dummy)).resolves.toBe(false);
    await expect(bcrypt.compare('.'.repeat(31), dummy)).resolves.toBe(false);
  });

  it('hashes at cost 10 by default', async () => {
    setEnv({ BCRYPT_COST: undefined });
    let hashed = '';
    await jest.isolateModulesAsync(async () => {
      const { passwordHasher } = await import('../../functions/shared/passwords');
      hashed = await passwordHasher().hash('default-cost-password');
    });

    expect(hashed).toMatch(/^\$2b\$10\$/);
  });
});

describe('Unicode normalization (NFKC)', () => {
  const hasher = createPasswordHasher({ cost: 4 });
  const composed = 'café-crème-brûlée'.normalize('NFC');
  const decomposed = composed.normalize('NFD');

  it('hashes a password typed composed or decomposed as one password', async () => {
    expect(decomposed).not.toBe(composed);

    await expect(hasher.verify(decomposed, await hasher.hash(composed))).resolves.toBe(true);
    await expect(hasher.verify(composed, await hasher.hash(decomposed))).resolves.toBe(true);
  });

  it('folds compatibility forms: full-width letters and ligatures are the plain ones', async () => {
    await expect(hasher.verify('ｐａｓｓ-ﬁsh-word', await hasher.hash('pass-fish-word'))).resolves.toBe(true);
  });

  it('still accepts a password whose hash was made before normalization, from the form it was typed in', async () => {
    const legacy = await bcrypt.hash(decomposed, 4);

    await expect(hasher.verify(decomposed, legacy)).resolves.toBe(true);
    await expect(hasher.verify('cafe-creme-brulee', legacy)).resolves.toBe(false);
  });

  it('spends as many comparisons on an unknown user as a known user with that password would', async () => {
    const compare = jest.spyOn(bcrypt, 'compare');
    try {
      await hasher.verifyUnknownUser(decomposed);
      expect(compare).toHaveBeenCalledTimes(2);
      compare.mockClear();
      await hasher.verifyUnknownUser('plain-ascii-password');
      expect(compare).toHaveBeenCalledTimes(1);
    } finally {
      compare.mockRestore();
    }
  });

  it('counts the 72-byte limit on the normalized form', () => {
    // U+FDFA is 3 bytes, and 33 once normalized.
    const expanding = '\uFDFA'.repeat(3);
    expect(passwordBytes(expanding)).toBe(9);

    expect(newPasswordProblem(expanding)).toBe('must be at most 72 bytes of UTF-8 (bcrypt ignores the rest)');
    expect(newPasswordProblem('ﬃ'.repeat(3))).toBeUndefined();
    // At login the form it was typed in may still be an older hash's password.
    expect(loginPasswordProblem(expanding)).toBeUndefined();
    expect(comparableForms(expanding)).toEqual([expanding]);
  });
});
