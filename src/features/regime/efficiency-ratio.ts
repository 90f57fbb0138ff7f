/** Bars of price change in the efficiency ratio. */
export const ER_WINDOW = 20;

/** |signed ER| at or above this counts as trending in the composite regime (a random walk averages ~0.18). */
export const TREND_THRESHOLD = 0.3;

/** -1 (down-trend), 0 (range) or 1 (up-trend) from a signed efficiency ratio. */
export function trendState(er: number): number {
  if (Number.isNaN(er)) return Number.NaN;
  return er >= TREND_THRESHOLD ? 1 : er <= -TREND_THRESHOLD ? -1 : 0;
}
