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
 * Two-pass around the window's mean of ln(close) (kept in a window buffer, one log a bar), recomputed
 * each bar: exact for any chunking.
 * NaN when the 20 closes are all equal.
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

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const close = src.close;
    const buf = this.logClose;
    const d = buf.data;
    const o = out[0];
    const tMean = (WINDOW - 1) / 2;
    for (let i = from; i < to; i++) {
      buf.push(Math.log(close[i]));
      if (!buf.full) {
        o[i - from] = Number.NaN;
        continue;
      }
      const start = buf.start;
      let sy = 0;
      for (let t = 0; t < WINDOW; t++) sy += d[start + t];
      const yMean = sy / WINDOW;
      let sxy = 0;
      let syy = 0;
      for (let t = 0; t < WINDOW; t++) {
        const dy = d[start + t] - yMean;
        sxy += (t - tMean) * dy;
        syy += dy * dy;
      }
      o[i - from] = syy > 0 ? (sxy * sxy) / (SXX * syy) : Number.NaN;
    }
  }
}
