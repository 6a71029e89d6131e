import { describe, expect, it } from '@jest/globals';
import { mean, median, quantileSorted, summarize } from './stats.js';

describe('stats', () => {
  it('takes the middle value, or the mean of the two middle ones, whatever the input order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  it('interpolates quartiles linearly between order statistics', () => {
    // [1,2,3,4]: Q1 at position 0.75 → 1 + 0.75·(2−1) = 1.75; Q3 at 2.25 → 3.25.
    expect(summarize([4, 2, 1, 3])).toEqual({
      n: 4,
      min: 1,
      q1: 1.75,
      median: 2.5,
      q3: 3.25,
      iqr: 1.5,
      max: 4,
      mean: 2.5,
    });
    // [1,2,4,7,10]: positions 1, 2, 3 fall on order statistics exactly.
    expect(summarize([7, 1, 4, 10, 2])).toEqual({ n: 5, min: 1, q1: 2, median: 4, q3: 7, iqr: 5, max: 10, mean: 4.8 });
    expect(summarize([10])).toEqual({ n: 1, min: 10, q1: 10, median: 10, q3: 10, iqr: 0, max: 10, mean: 10 });
  });

  it('has no figure for an empty sample', () => {
    expect(summarize([])).toBeNull();
    expect(mean([])).toBeNull();
    expect(() => quantileSorted([], 0.5)).toThrow(RangeError);
  });

  it('does not reorder the caller’s array', () => {
    const xs = [3, 1, 2];
    summarize(xs);
    expect(xs).toEqual([3, 1, 2]);
  });
});
