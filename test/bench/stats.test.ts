import {
  columns,
  median,
  minus,
  pairedDifferences,
  pairedRatio,
  percentile,
  perSecond,
  rotatedOrder,
  summarize,
} from '../../bench/stats';

describe('percentile', () => {
  it('interpolates between the closest ranks', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 25)).toBe(20);
    expect(percentile([0, 100], 99)).toBeCloseTo(99);
  });

  it('does not depend on the order of the samples', () => {
    expect(percentile([40, 10, 30, 20], 75)).toBe(percentile([10, 20, 30, 40], 75));
  });

  it('returns the extremes at 0 and 100', () => {
    expect(percentile([5, 1, 9], 0)).toBe(1);
    expect(percentile([5, 1, 9], 100)).toBe(9);
  });

  it('refuses an empty sample set, a non-finite sample and a percentile outside 0–100', () => {
    expect(() => percentile([], 50)).toThrow('at least one sample');
    expect(() => percentile([1, Number.NaN], 50)).toThrow('not a finite number');
    expect(() => percentile([1], 101)).toThrow('between 0 and 100');
    expect(() => percentile([1], -1)).toThrow('between 0 and 100');
  });
});

describe('median and summarize', () => {
  it('gives the middle sample of an odd count and the mean of the middle two of an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('summarizes into median, min, max and count', () => {
    expect(summarize([7, 3, 5, 9])).toEqual({ median: 6, min: 3, max: 9, n: 4 });
  });

  it('leaves the caller’s array in its order', () => {
    const samples = [3, 1, 2];
    summarize(samples);
    expect(samples).toEqual([3, 1, 2]);
  });
});

describe('pairedRatio', () => {
  it('divides round by round and summarizes the ratios', () => {
    expect(pairedRatio([10, 30, 20], [20, 30, 10])).toEqual({ median: 1, min: 0.5, max: 2, n: 3 });
  });

  it('refuses unpaired samples and zero denominators', () => {
    expect(() => pairedRatio([1, 2], [1])).toThrow('as many numerators as denominators');
    expect(() => pairedRatio([1], [0])).toThrow('positive denominators');
  });
});

describe('minus and perSecond', () => {
  it('subtracts a baseline from every sample', () => {
    expect(minus([30, 45], 25)).toEqual([5, 20]);
  });

  it('turns a count and a duration into a rate per second', () => {
    expect(perSecond(500, 250)).toBe(2000);
  });

  it('refuses a zero count or duration', () => {
    expect(() => perSecond(0, 10)).toThrow('positive count and duration');
    expect(() => perSecond(10, 0)).toThrow('positive count and duration');
  });
});

describe('rotatedOrder', () => {
  it('puts every kind in every position equally often', () => {
    const order = rotatedOrder(['a', 'b', 'c'], 3);
    expect(order).toEqual([
      ['a', 'b', 'c'],
      ['b', 'c', 'a'],
      ['c', 'a', 'b'],
    ]);
    for (let position = 0; position < 3; position++) {
      expect(new Set(order.map((round) => round[position]))).toEqual(new Set(['a', 'b', 'c']));
    }
  });

  it('refuses a round count that is not a positive integer', () => {
    expect(() => rotatedOrder(['a'], 0)).toThrow('positive integer');
    expect(() => rotatedOrder(['a'], 1.5)).toThrow('positive integer');
  });
});

describe('columns', () => {
  it('splits interleaved samples by their position in the cycle', () => {
    expect(columns([1, 10, 100, 2, 20, 200], 3)).toEqual([
      [1, 2],
      [10, 20],
      [100, 200],
    ]);
  });

  it('refuses samples that are not whole cycles', () => {
    expect(() => columns([1, 2, 3], 2)).toThrow('3 samples do not split into cycles of 2');
    expect(() => columns([1], 0)).toThrow('positive integer');
  });
});

describe('pairedDifferences', () => {
  it('subtracts sample by sample', () => {
    expect(pairedDifferences([10, 20, 35], [8, 19, 30])).toEqual([2, 1, 5]);
  });

  it('refuses samples of different lengths', () => {
    expect(() => pairedDifferences([1, 2], [1])).toThrow('equal length, got 2 and 1');
  });
});
