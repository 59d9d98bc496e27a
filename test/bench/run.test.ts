import { parseQuick, parseSections, SECTIONS } from '../../bench/run';
import {
  BENCH_APP_URL,
  BENCH_EMAIL_FROM,
  functionEnvironment,
  newBenchConfig,
  readBcryptCost,
} from '../../bench/environment';
import { isMailbox, parseAppUrl } from '../../functions/shared/email';
import { spread } from '../../bench/data-growth';

describe('make bench settings', () => {
  it('runs every section unless BENCH_ONLY names some, in their fixed order', () => {
    expect(parseSections(undefined)).toEqual([...SECTIONS]);
    expect(parseSections(' ')).toEqual([...SECTIONS]);
    expect(parseSections('load, bundles')).toEqual(['bundles', 'load']);
  });

  it('refuses an unknown section, listing the known ones', () => {
    expect(() => parseSections('bundles,speed')).toThrow(
      'BENCH_ONLY names unknown sections: speed; known: bundles, cold-start',
    );
  });

  it('reads BENCH_QUICK as 1 or 0', () => {
    expect(parseQuick(undefined)).toBe(false);
    expect(parseQuick('0')).toBe(false);
    expect(parseQuick('1')).toBe(true);
    expect(() => parseQuick('yes')).toThrow("BENCH_QUICK must be 1 or 0, got 'yes'");
  });

  it('reads BCRYPT_COST as the functions do, 10 by default', () => {
    expect(readBcryptCost(undefined)).toBe(10);
    expect(readBcryptCost('12')).toBe(12);
    expect(() => readBcryptCost('3')).toThrow("BCRYPT_COST must be a whole number from 4 to 31, got '3'");
    expect(() => readBcryptCost('ten')).toThrow('BCRYPT_COST');
  });
});

describe('the environment of the functions the bench runs', () => {
  const config = newBenchConfig('mongodb://127.0.0.1:1/bench', 10, {
    outboxUrl: 'http://127.0.0.1:2/emails',
    lambdaUrl: 'http://127.0.0.1:3',
  });

  it('sends every email to the local outbox, from a valid sender, with links to a valid application URL', () => {
    const env = functionEnvironment(config, 'register');

    expect(env).toMatchObject({ EMAIL_TRANSPORT: 'local', EMAIL_OUTBOX_URL: 'http://127.0.0.1:2/emails' });
    expect(isMailbox(BENCH_EMAIL_FROM)).toBe(true);
    expect(parseAppUrl(BENCH_APP_URL)).toBe(BENCH_APP_URL);
  });

  it('queues deferred jobs with the local stand-in for Lambda, with dummy credentials as the runtime would give', () => {
    expect(functionEnvironment(config, 'forgotPassword')).toMatchObject({
      AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:3',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_LAMBDA_FUNCTION_NAME: 'forgotPassword',
    });
  });

  it('lifts the email throttles, so that asking again and again measures the work and is never refused', () => {
    expect(functionEnvironment(config, 'forgotPassword')).toMatchObject({
      ACCOUNT_EMAIL_REQUESTS: '1000000',
      ADDRESS_EMAIL_REQUESTS: '1000000',
    });
  });
});

describe('spread', () => {
  it('picks indexes evenly over the whole collection', () => {
    expect(spread(100, 4)).toEqual([12, 37, 62, 87]);
    expect(spread(3, 3)).toEqual([0, 1, 2]);
  });

  it('refuses empty collections and picks', () => {
    expect(() => spread(0, 1)).toThrow('positive whole numbers');
    expect(() => spread(10, 0)).toThrow('positive whole numbers');
  });
});
