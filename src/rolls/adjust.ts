/**
 * Point-in-time back-adjustment: the continuous series a trader holding the current contract would
 * have built at the time. As of roll k (in force from its row until the next roll), every earlier bar
 * is restated in the current contract's terms by the rolls between it and now:
 *
 *   ratio:       p' = p · Π ratio_j        over rolls j ≤ k with row_j > i
 *   difference:  p' = p + Σ gap_j          over the same rolls
 *
 * Bars from roll k's row on are untouched. Every factor comes from a roll at or before the bar being
 * computed (a roll's gap is known at its first bar's open), so nothing from after that bar is used; a
 * later roll restates history again, which is why features are recomputed per roll segment
 * (features.ts) instead of from one series adjusted once with the whole file's rolls.
 */
import type { Bars } from "../data/bars.ts";
import type { Roll } from "./rolls.ts";

export type AdjustMode = "ratio" | "difference";

/**
 * Rows [from, to) as of roll `k` (−1: before any roll, nothing adjusted). Prices are restated, volume
 * and timestamps copied; the result is a fresh Bars of to − from rows.
 */
export function adjustedAsOf(
  bars: Bars,
  rolls: readonly Roll[],
  k: number,
  from: number,
  to: number,
  mode: AdjustMode,
): Bars {
  const n = to - from;
  const open = bars.open.slice(from, to);
  const high = bars.high.slice(from, to);
  const low = bars.low.slice(from, to);
  const close = bars.close.slice(from, to);
  // Walk back from roll k: rows in [row_{j−1}, row_j) take the rolls j … k.
  let factor = 1;
  let offset = 0;
  for (let j = k; j >= 0; j--) {
    const roll = rolls[j]!;
    factor *= roll.ratio;
    offset += roll.gap;
    const end = Math.min(roll.row, to);
    const begin = Math.max(j > 0 ? rolls[j - 1]!.row : 0, from);
    for (let i = begin; i < end; i++) {
      const r = i - from;
      if (mode === "ratio") {
        open[r] *= factor;
        high[r] *= factor;
        low[r] *= factor;
        close[r] *= factor;
      } else {
        open[r] += offset;
        high[r] += offset;
        low[r] += offset;
        close[r] += offset;
      }
    }
    if (begin <= from) break;
  }
  return {
    length: n,
    ts: bars.ts.slice(from, to),
    open,
    high,
    low,
    close,
    volume: bars.volume ? bars.volume.slice(from, to) : null,
  };
}
