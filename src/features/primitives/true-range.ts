/**
 * Per-bar range quantities shared by ATR and the range-based volatility estimators.
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
