import { ALL_TIMEFRAMES } from "../../core/timeframes.ts";
import { wilder } from "../primitives/seeded-ema.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";

const PERIOD = 14;

/**
 * Wilder's RSI(14) on closes. Gains and losses of close-to-close changes are Wilder-smoothed
 * (alpha 1/14), each seeded by the mean of the first 14 changes; RSI = 100 · avgGain / (avgGain +
 * avgLoss), which equals 100 − 100 / (1 + RS) and needs no special case when avgLoss = 0.
 * The first change is at bar 1, so bar 14 is the first value: warmup 14.
 * Undefined (NaN) when both averages are 0 (no change at all since the start).
 */
class Rsi14Kernel implements FeatureKernel {
  private readonly gain = wilder(PERIOD);
  private readonly loss = wilder(PERIOD);

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const close = src.close;
    const rsi = out[0];
    const gain = this.gain;
    const loss = this.loss;
    for (let i = from; i < to; i++) {
      if (i === 0) {
        rsi[0] = Number.NaN;
        continue;
      }
      const d = close[i] - close[i - 1];
      const g = gain.update(Math.max(d, 0));
      const l = loss.update(Math.max(-d, 0));
      const s = g + l;
      rsi[i - from] = s > 0 ? (100 * g) / s : Number.NaN;
    }
  }
}

export const rsi14: IndicatorSpec = {
  kind: "indicator",
  id: "rsi14",
  family: "momentum",
  timeframes: ALL_TIMEFRAMES,
  needsVolume: false,
  outputs: [
    {
      name: "rsi14",
      definition:
        "RSI(14) of closes, Wilder smoothing seeded by the 14-change mean, 0..100 (NaN if no change)",
    },
  ],
  warmup: PERIOD,
  create: () => new Rsi14Kernel(),
};
