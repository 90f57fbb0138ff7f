import { SortedWindow } from "../primitives/sorted-window.ts";
import { WindowBuffer } from "../primitives/window-buffer.ts";
import type { SeriesView } from "../types.ts";

/** Returns in the realised volatility. */
export const VOL_WINDOW = 20;
/** Realised-volatility values the percentile rank looks back over (the current one included). */
export const RANK_WINDOW = 240;
/** First bar with a rank: the first return is at bar 1, the first volatility at bar 20. */
export const VOL_RANK_WARMUP = VOL_WINDOW + RANK_WINDOW - 1;

/** Relative distance within which two volatilities count as tied in the rank. */
export const TIE_TOLERANCE = 1e-9;

/**
 * Shared state of the volatility-regime features: realised volatility rv_t = sqrt(mean of the last 20
 * squared log returns) and its percentile rank among the last 240 rv values with average ranks for
 * ties, as `pandas.Series.rolling(240).rank(method="average", pct=True)`: (number below + (number
 * equal + 1) / 2) / 240, in (0, 1]. Values within a relative 1e-9 of rv_t count as equal: on a tick
 * grid the same squared returns recur, and two windows holding them in another order differ only by
 * rounding, which must not decide a rank. Only past and current bars enter: causal by construction.
 * The sum of the 20 squares is a running sum re-anchored (recomputed oldest first) every 20 bars, so
 * it depends on the return sequence alone; a window of 20 zero returns (counted exactly) gives rv = 0
 * exactly, so flat stretches tie exactly.
 */
export class TrailingVolRank {
  private readonly squares = new WindowBuffer(VOL_WINDOW);
  private sum = 0;
  private zeros = 0;
  private pushes = 0;
  private readonly vols = new SortedWindow(RANK_WINDOW);

  /**
   * Feeds bars [from, to) (every bar, in order) and writes their ranks to out[i - from], NaN during
   * warm-up. One loop with the realised volatility inlined: a double returned from a call that is
   * not inlined is boxed, one allocation per bar.
   */
  advance(src: SeriesView, from: number, to: number, out: Float64Array): void {
    const close = src.close;
    const sq = this.squares;
    const vols = this.vols;
    for (let i = from; i < to; i++) {
      if (i === 0) {
        out[i - from] = Number.NaN;
        continue;
      }
      const r = Math.log(close[i] / close[i - 1]);
      const r2 = r * r;
      // Realised volatility: sqrt(mean of the last 20 squared returns), NaN until 20 are held.
      if (sq.full) {
        const old = sq.data[sq.start];
        this.sum -= old;
        if (old === 0) this.zeros--;
      }
      sq.push(r2);
      this.sum += r2;
      if (r2 === 0) this.zeros++;
      if (++this.pushes % VOL_WINDOW === 0) {
        let s = 0;
        for (let k = sq.start; k < sq.start + VOL_WINDOW; k++) s += sq.data[k];
        this.sum = s;
      }
      if (!sq.full) {
        out[i - from] = Number.NaN;
        continue;
      }
      // Drift can leave a tiny negative only where the true sum is ~0.
      const rv = this.zeros === VOL_WINDOW ? 0 : Math.sqrt(Math.max(0, this.sum) / VOL_WINDOW);
      if (Number.isNaN(rv)) {
        out[i - from] = Number.NaN;
        continue;
      }
      vols.push(rv);
      if (!vols.full) {
        out[i - from] = Number.NaN;
        continue;
      }
      const below = vols.countBelow(rv * (1 - TIE_TOLERANCE));
      const equal = vols.countAtMost(rv * (1 + TIE_TOLERANCE)) - below;
      out[i - from] = (below + (equal + 1) / 2) / RANK_WINDOW;
    }
  }
}

/** Tercile of a percentile rank: -1 (calm, rank <= 1/3), 0 (normal), 1 (volatile, rank > 2/3). */
export function volState(rank: number): number {
  if (Number.isNaN(rank)) return Number.NaN;
  return rank <= 1 / 3 ? -1 : rank <= 2 / 3 ? 0 : 1;
}
