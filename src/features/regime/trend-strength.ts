import type { TimeframeId } from "../../core/timeframes.ts";
import { WindowBuffer } from "../primitives/window-buffer.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";
import { REGIME_TIMEFRAMES } from "./composite-regime.ts";

const WINDOW = 20;
/** Σ (t - t̄)² for t = 0..n-1. */
const SXX = (WINDOW * (WINDOW * WINDOW - 1)) / 12;

/**
 * Trend strength: R² of the least-squares line through the last 20 log closes against bar number,
 * 0..1 (1 = the closes lie on a straight line in log price). Unsigned: trend_regime carries the side.
 * NaN when the 20 closes are all equal (19 zero changes, counted exactly).
 *
 * O(1) a bar: with d = ln(close) - y0, the sums Σd, Σd² and Σ(position · d) over the window slide in
 * O(1) (Σ pos·d loses Σd and gains 19 · d_new as every position shifts down by one). y0 is the newest
 * log close at the last re-anchor, so d stays small and Σd² - (Σd)²/n does not cancel; every 20 bars
 * the sums are re-anchored (recomputed in order from the stored log closes with a new y0), so values
 * depend on the close sequence alone and drift stays bounded.
 */
export const trendStrength: IndicatorSpec = {
  kind: "indicator",
  id: "trend_strength",
  family: "regime",
  timeframes: REGIME_TIMEFRAMES,
  needsVolume: false,
  outputs: [
    {
      name: "trend_strength",
      definition: "R² of an OLS line through the last 20 log closes vs bar number, 0..1",
    },
  ],
  warmup: WINDOW - 1,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new TrendStrengthKernel();
  },
};

class TrendStrengthKernel implements FeatureKernel {
  private readonly logClose = new WindowBuffer(WINDOW);
  private y0 = 0;
  private sum = 0;
  private sumSq = 0;
  /** Σ position · d, position 0 = oldest. */
  private sumPos = 0;
  /** Zero changes among the window's 19: exact. */
  private flat = 0;

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const close = src.close;
    const buf = this.logClose;
    const yd = buf.data;
    const o = out[0];
    const n = WINDOW;
    const tMean = (n - 1) / 2;
    for (let i = from; i < to; i++) {
      const y = Math.log(close[i]);
      if (i > 0 && close[i] === close[i - 1]) this.flat++;
      if (i >= n && close[i - n + 1] === close[i - n]) this.flat--;
      if (buf.full) {
        const dOld = yd[buf.start] - this.y0;
        const dNew = y - this.y0;
        this.sumPos += (n - 1) * dNew - (this.sum - dOld);
        this.sum += dNew - dOld;
        this.sumSq += dNew * dNew - dOld * dOld;
      }
      buf.push(y);
      if ((i + 1) % n === 0) this.reanchor();
      if (!buf.full) {
        o[i - from] = Number.NaN;
        continue;
      }
      const syy = this.sumSq - (this.sum * this.sum) / n;
      const sxy = this.sumPos - tMean * this.sum;
      o[i - from] = this.flat === n - 1 || !(syy > 0) ? Number.NaN : Math.min(1, (sxy * sxy) / (SXX * syy));
    }
  }

  private reanchor(): void {
    const d = this.logClose.data;
    const s = this.logClose.start;
    const y0 = d[s + WINDOW - 1];
    let sum = 0;
    let sumSq = 0;
    let sumPos = 0;
    for (let t = 0; t < WINDOW; t++) {
      const x = d[s + t] - y0;
      sum += x;
      sumSq += x * x;
      sumPos += t * x;
    }
    this.y0 = y0;
    this.sum = sum;
    this.sumSq = sumSq;
    this.sumPos = sumPos;
  }
}
