import { noiseFloorMs, summarizeForgotRounds, unknownEmailLike } from '../../bench/forgot-timing';
import type { ForgotRound } from '../../bench/forgot-timing';

const round = (
  registered: number,
  unknown: number,
  unknownAgain: number,
  jobRegistered: number,
  jobUnknown: number,
) => ({
  registered: [registered - 1, registered, registered + 1],
  unknown: [unknown - 1, unknown, unknown + 1],
  unknownAgain: [unknownAgain - 1, unknownAgain, unknownAgain + 1],
  jobRegistered: [jobRegistered, jobRegistered, jobRegistered + 20],
  jobUnknown: [jobUnknown, jobUnknown, jobUnknown],
});

describe('summarizeForgotRounds', () => {
  const rounds: ForgotRound[] = [
    round(3.2, 3.0, 3.1, 4.5, 1),
    round(3.0, 3.1, 2.9, 4.0, 1.2),
    round(3.5, 3.4, 3.6, 5, 1.1),
  ];
  const result = summarizeForgotRounds(rounds, 3);

  it('subtracts the two medians of each round, so a slow round weighs on both sides of its difference', () => {
    const { differenceMs, sameEmailDifferenceMs } = result.request;
    expect(differenceMs.median).toBeCloseTo(0.1);
    expect(differenceMs.min).toBeCloseTo(-0.1);
    expect(differenceMs.max).toBeCloseTo(0.2);
    expect(sameEmailDifferenceMs.min).toBeCloseTo(-0.2);
    expect(sameEmailDifferenceMs.max).toBeCloseTo(0.2);
    expect(result.job.differenceMs.median).toBeCloseTo(3.5);
  });

  it('gives each email its per-round p50 and the p99 of every timed invocation', () => {
    expect(result.request.registered.p50Ms).toEqual({ median: 3.2, min: 3.0, max: 3.5, n: 3 });
    expect(result.request.unknown.p99Ms).toBeCloseTo(4.376);
    expect(result.job.registered.p99Ms).toBeGreaterThan(20);
    expect(result).toMatchObject({ rounds: 3, invocationsPerRound: 3 });
  });
});

describe('noiseFloorMs', () => {
  it('is the largest difference of a round, either way, between two timings of the same work', () => {
    expect(noiseFloorMs({ median: 0.05, min: -0.3, max: 0.2, n: 6 })).toBe(0.3);
    expect(noiseFloorMs({ median: 0.1, min: 0.05, max: 0.2, n: 6 })).toBe(0.2);
  });
});

describe('unknownEmailLike', () => {
  it('makes a different email of the same length at the same domain', () => {
    const registered = 'bench-fixture-7c9e6679-7425-40de-944b-e07fc1f90ae7@example.com';
    const unknown = unknownEmailLike(registered);

    expect(unknown).not.toBe(registered);
    expect(unknown).toHaveLength(registered.length);
    expect(unknown).toMatch(/^[0-9a-f]+@example\.com$/);
    expect(unknownEmailLike(registered)).not.toBe(unknown);
  });
});
