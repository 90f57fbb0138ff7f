import { ALL_TIMEFRAMES } from "../../core/timeframes.ts";
import { RollingMoments } from "../primitives/rolling-moments.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";
import { requireVolume } from "./require-volume.ts";

const WINDOW = 50;

/**
 * On-balance volume as a rolling 50-bar z-score. OBV itself is non-stationary (a running sum that
 * depends on where the data starts), its z-score is not: (OBV − mean50) / std50 with the population
 * std of the last 50 OBV values. OBV is 0 at bar 0 and adds sign(close − previous close) · volume
 * after; the z-score does not depend on that origin. Unitless. Warmup 49.
 * NaN when the 50 OBV values are all equal (no signed volume in the window).
 */
class ObvZ50Kernel implements FeatureKernel {
  private obv = 0;
  private readonly history = new RollingMoments(WINDOW);

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const close = src.close;
    const volume = requireVolume(src, "obv_z50");
    const o = out[0];
    const m = this.history;
    for (let i = from; i < to; i++) {
      if (i > 0) {
        const d = close[i] - close[i - 1];
        if (d > 0) this.obv += volume[i];
        else if (d < 0) this.obv -= volume[i];
      }
      m.push(this.obv);
      const sd = m.std; // NaN until the window is full
      o[i - from] = sd > 0 ? (this.obv - m.mean) / sd : Number.NaN;
    }
  }
}

export const obvZ50: IndicatorSpec = {
  kind: "indicator",
  id: "obv_z50",
  family: "volume",
  timeframes: ALL_TIMEFRAMES,
  needsVolume: true,
  outputs: [
    {
      name: "obv_z50",
      definition:
        "z-score of on-balance volume over 50 bars (population std), unitless (NaN if OBV is constant)",
    },
  ],
  warmup: WINDOW - 1,
  // Relative CPU time per bar (bench/features-kernels.ts), for balancing threads.
  cost: 2,
  create: () => new ObvZ50Kernel(),
};
