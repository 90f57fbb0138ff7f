/**
 * Canonical 1-minute bars: columnar, float64, timestamps in UTC epoch milliseconds marking each
 * bar's start. Float64 holds epoch milliseconds exactly (below 2^53).
 */
export interface Bars {
  readonly length: number;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  /** null when the source has no volume column or it is empty: volume features are then left out. */
  readonly volume: Float64Array | null;
}

/** A view of bars [0, n): used by prefix tests and streaming, no copy. */
export function sliceBars(bars: Bars, start: number, end: number): Bars {
  return {
    length: end - start,
    ts: bars.ts.subarray(start, end),
    open: bars.open.subarray(start, end),
    high: bars.high.subarray(start, end),
    low: bars.low.subarray(start, end),
    close: bars.close.subarray(start, end),
    volume: bars.volume ? bars.volume.subarray(start, end) : null,
  };
}
