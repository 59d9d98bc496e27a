/**
 * Small statistics for the benchmark: every figure is a median over repeated runs with its min and
 * max, and comparisons are ratios of figures taken in the same run.
 */

/** A set of samples reduced to what the report prints. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  /** How many samples the summary is made of. */
  n: number;
}

function assertSamples(samples: readonly number[], what: string): void {
  if (samples.length === 0) throw new RangeError(`${what} needs at least one sample`);
  const bad = samples.find((sample) => !Number.isFinite(sample));
  if (bad !== undefined) throw new RangeError(`${what} got a sample that is not a finite number: ${bad}`);
}

function sorted(samples: readonly number[]): number[] {
  return [...samples].sort((a, b) => a - b);
}

/**
 * The p-th percentile (0–100) by linear interpolation between the closest ranks, as numpy's default;
 * p50 is the median.
 */
export function percentile(samples: readonly number[], p: number): number {
  assertSamples(samples, 'percentile');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be between 0 and 100, got ${p}`);
  const ordered = sorted(samples);
  const rank = (p / 100) * (ordered.length - 1);
  const below = Math.floor(rank);
  const above = Math.ceil(rank);
  const low = ordered[below] as number;
  const high = ordered[above] as number;
  return low + (high - low) * (rank - below);
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

export function summarize(samples: readonly number[]): Summary {
  assertSamples(samples, 'summarize');
  const ordered = sorted(samples);
  return {
    median: median(ordered),
    min: ordered[0] as number,
    max: ordered[ordered.length - 1] as number,
    n: ordered.length,
  };
}

/**
 * Ratios of paired samples (`numerators[i] / denominators[i]`, both taken in the same round),
 * summarized: the median ratio is robust to a round where the machine was busy.
 */
export function pairedRatio(numerators: readonly number[], denominators: readonly number[]): Summary {
  if (numerators.length !== denominators.length) {
    throw new RangeError(
      `paired ratio needs as many numerators as denominators, got ${numerators.length} and ${denominators.length}`,
    );
  }
  assertSamples(numerators, 'pairedRatio');
  assertSamples(denominators, 'pairedRatio');
  if (denominators.some((d) => d <= 0)) throw new RangeError('paired ratio needs positive denominators');
  return summarize(numerators.map((n, i) => n / (denominators[i] as number)));
}

/** Each sample minus a constant (e.g. a bare process start), so the summary shows only what was added. */
export function minus(samples: readonly number[], baseline: number): number[] {
  return samples.map((sample) => sample - baseline);
}

/** Operations per second for `count` operations that took `elapsedMs` in all. */
export function perSecond(count: number, elapsedMs: number): number {
  if (!(count > 0) || !(elapsedMs > 0))
    throw new RangeError(`rate needs a positive count and duration, got ${count} in ${elapsedMs} ms`);
  return (count * 1000) / elapsedMs;
}

/**
 * A run order for `kinds` over `rounds` rounds in which every kind takes each position equally
 * often (a rotation), so slow drift on a shared machine does not favour whichever always runs first.
 */
export function rotatedOrder<T>(kinds: readonly T[], rounds: number): T[][] {
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`rounds must be a positive integer, got ${rounds}`);
  return Array.from({ length: rounds }, (_, round) => kinds.map((_, i) => kinds[(i + round) % kinds.length] as T));
}

/**
 * Splits the durations of interleaved invocations (`a b c a b c …`) into one list per position of
 * the cycle: `columns([a1, b1, a2, b2], 2)` is `[[a1, a2], [b1, b2]]`.
 */
export function columns(samples: readonly number[], width: number): number[][] {
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`width must be a positive integer, got ${width}`);
  if (samples.length % width !== 0)
    throw new RangeError(`${samples.length} samples do not split into cycles of ${width}`);
  return Array.from({ length: width }, (_, column) => samples.filter((_, i) => i % width === column));
}

/**
 * `a[i] − b[i]` for samples taken side by side (interleaved in one process): a slow spell of the
 * machine hits both of a pair, so the median difference is steadier than the difference of medians.
 */
export function pairedDifferences(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length)
    throw new RangeError(`paired differences need samples of equal length, got ${a.length} and ${b.length}`);
  return a.map((value, i) => value - (b[i] as number));
}
