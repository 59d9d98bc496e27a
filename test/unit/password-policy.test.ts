import '../support/lambda-environment';
import { createHash } from 'node:crypto';
import { dictionary } from '@zxcvbn-ts/language-common';
import { COMMON_PASSWORDS } from '../../generated/common-passwords';
import type { PasswordPolicyConfig } from '../../functions/shared/config';
import { metrics } from '../../functions/shared/observability';
import {
  isCommonPassword,
  isPersonalPassword,
  isPwnedPassword,
  passwordRejection,
  personalWords,
} from '../../functions/shared/password-policy';
import { captureOutput } from '../support/output';
import { BREACHED_PASSWORD, PADDED_PASSWORD, pwnedStandIn } from '../support/pwned-stand-in';

const output = captureOutput();

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

/** Whether PwnedCheckUnavailable was counted (published here, as the handler wrapper would after the invocation). */
function unavailableCounted(): boolean {
  metrics.publishStoredMetrics();
  const warned = output
    .logs()
    .some((line) => line.message === 'breached-password check unavailable; password accepted without it');
  return warned && output.metrics().some((metric) => metric.name === 'PwnedCheckUnavailable');
}

describe('the breached-password check (Have I Been Pwned range API)', () => {
  const service = pwnedStandIn();
  let config: PasswordPolicyConfig;

  beforeAll(async () => {
    config = { pwnedCheck: true, pwnedUrl: await service.listen(), pwnedTimeoutMs: 200 };
  });
  afterAll(() => service.close());
  beforeEach(() => {
    service.setMode('up');
    service.requests.length = 0;
  });

  it('finds a breached password, sending only the first 5 hex characters of its SHA-1', async () => {
    const digest = createHash('sha1').update(BREACHED_PASSWORD).digest('hex').toUpperCase();

    await expect(isPwnedPassword(BREACHED_PASSWORD, config)).resolves.toBe(true);

    expect(service.requests).toEqual([
      { url: `/range/${digest.slice(0, 5)}`, headers: expect.objectContaining({ 'add-padding': 'true' }) },
    ]);
    expect(JSON.stringify(service.requests)).not.toContain(digest.slice(5));
  });

  it('accepts a password the service does not list, and one listed only as padding (count 0)', async () => {
    await expect(isPwnedPassword('not-in-any-breach-we-know', config)).resolves.toBe(false);
    await expect(isPwnedPassword(PADDED_PASSWORD, config)).resolves.toBe(false);
  });

  it.each([
    ['slow', 'slow' as const],
    ['answering with an error', 'error' as const],
  ])('accepts the password when the service is %s, and counts PwnedCheckUnavailable', async (_what, mode) => {
    service.setMode(mode);

    await expect(isPwnedPassword(BREACHED_PASSWORD, config)).resolves.toBe(false);

    expect(unavailableCounted()).toBe(true);
  });

  it('accepts the password when nothing listens, and counts PwnedCheckUnavailable', async () => {
    const down = pwnedStandIn();
    const url = await down.listen();
    await down.close();

    await expect(isPwnedPassword(BREACHED_PASSWORD, { ...config, pwnedUrl: url })).resolves.toBe(false);

    expect(unavailableCounted()).toBe(true);
  });

  it('is asked only when it is on, and only after the local checks pass', async () => {
    const owner = { name: 'Ada Lovelace', email: 'ada@example.com' };

    await expect(
      passwordRejection(BREACHED_PASSWORD, owner, { ...config, pwnedCheck: false }),
    ).resolves.toBeUndefined();
    await expect(passwordRejection('password123', owner, config)).resolves.toBe('common');
    expect(service.requests).toEqual([]);
    await expect(passwordRejection(BREACHED_PASSWORD, owner, config)).resolves.toBe('breached');
  });
});
