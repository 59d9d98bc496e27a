/**
 * The breached-password check against a stand-in for Have I Been Pwned's range API on 127.0.0.1:
 * what leaves the function, and what happens when the service is slow, failing or not there.
 */
import '../support/lambda-environment';
import { createHash } from 'node:crypto';
import type { PasswordPolicyConfig } from '../../functions/shared/config';
import { metrics } from '../../functions/shared/observability';
import { isPwnedPassword, passwordRejection } from '../../functions/shared/password-policy';
import { captureOutput } from '../support/output';
import { BREACHED_PASSWORD, PADDED_PASSWORD, pwnedStandIn } from '../support/pwned-stand-in';

const output = captureOutput();

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
