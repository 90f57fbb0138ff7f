/**
 * Per-bar range quantities shared by ATR, ADX and the range-based volatility estimators.
 * Plain functions of numbers: V8 inlines them into the kernels' loops.
 */

/**
 * Wilder's true range: max(high, prevClose) − min(low, prevClose), i.e. the largest of high − low,
 * |high − prevClose| and |low − prevClose|. Price units. NaN prevClose (first bar) gives NaN.
 */
export function trueRange(high: number, low: number, prevClose: number): number {
  const hi = Math.max(high, prevClose);
  const lo = Math.min(low, prevClose);
  return hi - lo;
}

/** Wilder's +DM: the up move when it exceeds the down move and is positive, else 0. Price units. */
export function plusDirectionalMove(high: number, low: number, prevHigh: number, prevLow: number): number {
  const up = high - prevHigh;
  const down = prevLow - low;
  return up > down && up > 0 ? up : 0;
}

/** Wilder's −DM: the down move when it exceeds the up move and is positive, else 0. Price units. */
export function minusDirectionalMove(high: number, low: number, prevHigh: number, prevLow: number): number {
  const up = high - prevHigh;
  const down = prevLow - low;
  return down > up && down > 0 ? down : 0;
}
