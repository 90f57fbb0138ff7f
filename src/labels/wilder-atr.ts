/**
 * Wilder's average true range on the 1m grid, as the labeller uses it. Kept beside the labels (not
 * taken from the feature registry) so the label definition cannot drift when a feature changes.
 *
 * TR[0] = high[0] − low[0] (no previous close); TR[i] = max(high − low, |high − close[i−1]|,
 * |low − close[i−1]|). ATR[p−1] = mean(TR[0..p−1]); then ATR[i] = (ATR[i−1]·(p−1) + TR[i]) / p.
 * ATR[i] uses bars ≤ i only (known at bar i's close); NaN before p−1. A gap between two rows is not
 * special: the true range of the first bar after it includes the jump from the previous close.
 *
 * `breaks` (ascending rows) mark price discontinuities that are not market moves (contract rolls of an
 * unadjusted continuous series): at a break row the ATR starts afresh, as if the series began there
 * (TR = high − low, warm-up again), so the roll jump never enters it.
 */

import { ConfigError } from "../core/errors.ts";
import type { Bars } from "../data/bars.ts";

export function wilderAtr(
  bars: Pick<Bars, "length" | "high" | "low" | "close">,
  period: number,
  breaks: Int32Array = new Int32Array(0),
): Float64Array {
  if (!Number.isInteger(period) || period < 1) {
    throw new ConfigError(`labels.atr_period ${period} must be a positive integer`, "labels.atr_period");
  }
  const { length: n, high, low, close } = bars;
  const atr = new Float64Array(n).fill(Number.NaN);
  let sum = 0;
  let prev = Number.NaN;
  let start = 0; // first row of the current segment
  let nextBreak = 0; // index into breaks
  for (let i = 0; i < n; i++) {
    while (nextBreak < breaks.length && breaks[nextBreak] < i) nextBreak++;
    if (nextBreak < breaks.length && breaks[nextBreak] === i) {
      start = i;
      sum = 0;
    }
    const k = i - start; // position within the segment
    const hl = high[i] - low[i];
    const tr = k === 0 ? hl : Math.max(hl, Math.abs(high[i] - close[i - 1]), Math.abs(low[i] - close[i - 1]));
    if (k < period) {
      sum += tr;
      if (k === period - 1) {
        prev = sum / period;
        atr[i] = prev;
      }
    } else {
      prev = (prev * (period - 1) + tr) / period;
      atr[i] = prev;
    }
  }
  return atr;
}
