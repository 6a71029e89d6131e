import type { Stats } from './model.js';

/**
 * Quantile of an ascending, non-empty array by linear interpolation between order statistics (the method
 * spreadsheets call QUARTILE.INC and numpy its default): position p·(n−1). Stated in the AAR so that readers can
 * reproduce the figures.
 */
export function quantileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of an empty sample');
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  return lo === hi ? a : a + (sorted[hi]! - a) * (pos - lo);
}

export function median(xs: readonly number[]): number | null {
  return xs.length === 0
    ? null
    : quantileSorted(
        [...xs].sort((a, b) => a - b),
        0.5,
      );
}

/** Null for an empty sample: "no figure", not zero. */
export function summarize(xs: readonly number[]): Stats | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const q1 = quantileSorted(s, 0.25);
  const q3 = quantileSorted(s, 0.75);
  let sum = 0;
  for (const x of s) sum += x;
  return {
    n: s.length,
    min: s[0]!,
    q1,
    median: quantileSorted(s, 0.5),
    q3,
    iqr: q3 - q1,
    max: s[s.length - 1]!,
    mean: sum / s.length,
  };
}

export function mean(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}
