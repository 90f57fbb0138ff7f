/** Bars of price change in the efficiency ratio. */
export const ER_WINDOW = 20;

/**
 * Kaufman's efficiency ratio with the sign of the move, at bar i >= 20:
 * (c_i - c_{i-20}) / Σ_{k=i-19..i} |c_k - c_{k-1}|, in [-1, 1]: +1 a straight rise, -1 a straight fall,
 * near 0 a range. NaN before bar 20 and when the 20 closes are all equal (no path to measure).
 * Recomputed from the source closes every bar (20 subtractions): exact for any chunking.
 */
export function signedEfficiencyRatio(close: Float64Array, i: number): number {
  if (i < ER_WINDOW) return Number.NaN;
  let path = 0;
  for (let k = i - ER_WINDOW + 1; k <= i; k++) path += Math.abs(close[k] - close[k - 1]);
  return path > 0 ? (close[i] - close[i - ER_WINDOW]) / path : Number.NaN;
}

/** |signed ER| at or above this counts as trending in the composite regime (a random walk averages ~0.18). */
export const TREND_THRESHOLD = 0.3;

/** -1 (down-trend), 0 (range) or 1 (up-trend) from a signed efficiency ratio. */
export function trendState(er: number): number {
  if (Number.isNaN(er)) return Number.NaN;
  return er >= TREND_THRESHOLD ? 1 : er <= -TREND_THRESHOLD ? -1 : 0;
}
