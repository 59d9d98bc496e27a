import { createHash } from 'node:crypto';
import { dictionary } from '@zxcvbn-ts/language-common';
import { COMMON_PASSWORDS } from '../../generated/common-passwords';
import { isCommonPassword, isPersonalPassword, personalWords } from '../../functions/shared/password-policy';

describe('the bundled list of common passwords', () => {
  const source = dictionary['passwords-common'];
  const longEnough = source.filter((password) => Buffer.byteLength(password, 'utf8') >= 8);

  it('holds tens of thousands of passwords from @zxcvbn-ts/language-common, and every one long enough to be accepted at all', () => {
    expect(source.length).toBeGreaterThan(40_000);
    expect(COMMON_PASSWORDS).toMatchObject({ listed: source.length, count: new Set(longEnough).size });
    expect(COMMON_PASSWORDS.source).toMatch(/^@zxcvbn-ts\/language-common@\d+\.\d+\.\d+$/);
  });

  it('refuses every password of the list that is long enough to be accepted at all', () => {
    expect(longEnough.filter((password) => !isCommonPassword(password))).toEqual([]);
  });

  it.each(['12345678', 'password', 'PASSWORD', 'Password1', 'iloveyou', 'qwertyuiop', 'trustno1', 'ｐａｓｓｗｏｒｄ'])(
    'refuses %s whatever its case and width',
    (password) => {
      expect(isCommonPassword(password)).toBe(true);
    },
  );

  it.each(['correct-horse-battery-staple', 'a-new-and-longer-passphrase', 'zebra lantern quietly'])(
    'accepts %s, which is not on it',
    (password) => {
      expect(isCommonPassword(password)).toBe(false);
    },
  );

  it('matches none of 20,000 random passwords (64-bit hashes: false matches are about 1 in 10^15)', () => {
    const random = Array.from({ length: 20_000 }, (_, n) =>
      createHash('sha256').update(String(n)).digest('base64url').slice(0, 16),
    );

    expect(random.filter(isCommonPassword)).toEqual([]);
  });
});

describe('passwords made of the user’s own name or email', () => {
  const ada = { name: 'Ada Lovelace', email: 'ada.byron+work@example.com' };

  it('looks for the whole name and local part and their pieces of at least 4 characters', () => {
    expect(personalWords(ada).sort()).toEqual(['ada.byron+work', 'adalovelace', 'byron', 'lovelace', 'work'].sort());
  });

  it.each([
    ['the local part', 'ada.byron+work'],
    ['the local part in capitals', 'ADA.BYRON+WORK!'],
    ['the name without its space', 'AdaLovelace'],
    ['the surname inside', 'i-am-lovelace-99'],
    ['a piece of the local part', 'byron-rules-1815'],
    ['the name in full-width letters', 'ｌｏｖｅｌａｃｅ１８１５'],
  ])('refuses %s', (_what, password) => {
    expect(isPersonalPassword(password, ada)).toBe(true);
  });

  it('does not look for pieces shorter than 4 characters, which would refuse unrelated passwords', () => {
    expect(isPersonalPassword('adamant-kettle-song', ada)).toBe(false);
    expect(isPersonalPassword('bo-peep-xyz-lamp', { name: 'Bo Xu', email: 'bo@example.com' })).toBe(false);
  });

  it('refuses a password equal to a short local part or name only when it is that long (8 bytes) anyway', () => {
    expect(isPersonalPassword('bo.xu.lee', { name: 'Bo', email: 'bo.xu.lee@example.com' })).toBe(true);
  });
});
