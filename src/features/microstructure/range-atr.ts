import type { TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";

const PERIOD = 14;

/**
 * Bar range relative to ATR(14): (h - l) / ATR, where ATR is Wilder's average of the true range
 * TR_t = max(h_t - l_t, |h_t - c_{t-1}|, |l_t - c_{t-1}|) from bar 1 on, seeded with the mean of the first
 * 14 TRs (bar 14) and then ATR_t = (13 · ATR_{t-1} + TR_t) / 14. NaN while ATR is 0.
 */
export const rangeAtr: IndicatorSpec = {
  kind: "indicator",
  id: "range_atr",
  family: "microstructure",
  timeframes: ["1m"],
  needsVolume: false,
  outputs: [
    { name: "range_atr14", definition: "Bar range (h - l) / Wilder ATR(14) (ratio, 1 = a typical bar)" },
  ],
  warmup: PERIOD,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new RangeAtrKernel();
  },
};

class RangeAtrKernel implements FeatureKernel {
  private atr = 0;
  /** True ranges summed for the seed, then unused. */
  private seed = 0;

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const { high, low, close } = src;
    const o = out[0];
    for (let i = from; i < to; i++) {
      const range = high[i] - low[i];
      if (i === 0) {
        o[i - from] = Number.NaN;
        continue;
      }
      const pc = close[i - 1];
      const tr = Math.max(range, Math.abs(high[i] - pc), Math.abs(low[i] - pc));
      if (i < PERIOD) {
        this.seed += tr;
        o[i - from] = Number.NaN;
        continue;
      }
      this.atr = i === PERIOD ? (this.seed + tr) / PERIOD : (this.atr * (PERIOD - 1) + tr) / PERIOD;
      o[i - from] = this.atr > 0 ? range / this.atr : Number.NaN;
    }
  }
}
