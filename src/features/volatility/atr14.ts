import { ALL_TIMEFRAMES } from "../../core/timeframes.ts";
import { wilder } from "../primitives/seeded-ema.ts";
import { trueRange } from "../primitives/true-range.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";

const PERIOD = 14;

/**
 * Wilder's ATR(14) divided by the bar's close (a fraction of price, scale-free). True range needs the
 * previous close, so it starts at bar 1; the Wilder average (alpha 1/14) is seeded by the mean of the
 * first 14 true ranges, so bar 14 is the first value: warmup 14.
 */
class Atr14Kernel implements FeatureKernel {
  private readonly atr = wilder(PERIOD);

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const { high, low, close } = src;
    const o = out[0];
    for (let i = from; i < to; i++) {
      if (i === 0) {
        o[0] = Number.NaN;
        continue;
      }
      o[i - from] = this.atr.update(trueRange(high[i], low[i], close[i - 1])) / close[i];
    }
  }
}

export const atr14: IndicatorSpec = {
  kind: "indicator",
  id: "atr14",
  family: "volatility",
  timeframes: ALL_TIMEFRAMES,
  needsVolume: false,
  outputs: [
    {
      name: "atr14",
      definition:
        "ATR(14), Wilder smoothing of true range seeded by its 14-bar mean, divided by close (fraction)",
    },
  ],
  warmup: PERIOD,
  create: () => new Atr14Kernel(),
};
