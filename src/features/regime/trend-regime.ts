import type { TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";
import { REGIME_TIMEFRAMES } from "./composite-regime.ts";
import { ER_WINDOW } from "./efficiency-ratio.ts";

/**
 * Trend regime: Kaufman's 20-bar efficiency ratio signed by the direction of the move, -1..1:
 * (c_i - c_{i-20}) / Σ_{k=i-19..i} |c_k - c_{k-1}|; +1 a straight rise, -1 a straight fall, near 0 a
 * range. NaN when the 20 changes are all 0 (counted exactly). O(1) a bar: the path length is a running
 * sum (the change leaving the window is read back from the source), re-anchored (recomputed in
 * order) every 20 bars, so values depend on the close sequence alone.
 */
export const trendRegime: IndicatorSpec = {
  kind: "indicator",
  id: "trend_regime",
  family: "regime",
  timeframes: REGIME_TIMEFRAMES,
  needsVolume: false,
  outputs: [
    {
      name: "trend_regime",
      definition: "Signed Kaufman efficiency ratio (c_t - c_{t-20}) / Σ|Δc| over 20 bars, -1..1",
    },
  ],
  warmup: ER_WINDOW,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new TrendRegimeKernel();
  },
};

class TrendRegimeKernel implements FeatureKernel {
  private path = 0;
  private flat = 0;

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const c = src.close;
    const o = out[0];
    const n = ER_WINDOW;
    for (let i = from; i < to; i++) {
      if (i === 0) {
        o[i - from] = Number.NaN;
        continue;
      }
      const step = Math.abs(c[i] - c[i - 1]);
      this.path += step;
      if (step === 0) this.flat++;
      if (i > n) {
        const old = Math.abs(c[i - n] - c[i - n - 1]);
        this.path -= old;
        if (old === 0) this.flat--;
      }
      if (i % n === 0) {
        let path = 0;
        for (let k = i - n + 1; k <= i; k++) path += Math.abs(c[k] - c[k - 1]);
        this.path = path;
      }
      o[i - from] = i < n || this.flat === n ? Number.NaN : (c[i] - c[i - n]) / this.path;
    }
  }
}
