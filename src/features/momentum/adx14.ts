import { ALL_TIMEFRAMES } from "../../core/timeframes.ts";
import { wilder } from "../primitives/seeded-ema.ts";
import { minusDirectionalMove, plusDirectionalMove, trueRange } from "../primitives/true-range.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";

const PERIOD = 14;

/**
 * Wilder's directional movement system, period 14. True range, +DM and −DM (from bar 1) are
 * Wilder-smoothed (alpha 1/14, seeded by the mean of the first 14), giving from bar 14
 *   +DI = 100 · smoothed(+DM) / smoothed(TR),  −DI = 100 · smoothed(−DM) / smoothed(TR)
 *   DX  = 100 · |+DI − −DI| / (+DI + −DI)
 * and ADX = Wilder smoothing of DX seeded by the mean of its first 14 values, from bar 27. All three
 * outputs start at bar 27 (TA-Lib's ADX lookback 2·14 − 1): warmup 27. All are 0..100.
 * Zero divisions (no range at all, or no directional movement at all since the start) give NaN; a NaN
 * DX leaves the ADX state unchanged and outputs NaN for that bar.
 */
class Adx14Kernel implements FeatureKernel {
  private readonly tr = wilder(PERIOD);
  private readonly plusDm = wilder(PERIOD);
  private readonly minusDm = wilder(PERIOD);
  private readonly adx = wilder(PERIOD);

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const { high, low, close } = src;
    const [adxOut, plusOut, minusOut] = out;
    for (let i = from; i < to; i++) {
      const r = i - from;
      if (i === 0) {
        adxOut[r] = Number.NaN;
        plusOut[r] = Number.NaN;
        minusOut[r] = Number.NaN;
        continue;
      }
      const h = high[i];
      const l = low[i];
      const ph = high[i - 1];
      const pl = low[i - 1];
      const str = this.tr.update(trueRange(h, l, close[i - 1]));
      const sp = this.plusDm.update(plusDirectionalMove(h, l, ph, pl));
      const sm = this.minusDm.update(minusDirectionalMove(h, l, ph, pl));
      const pdi = str > 0 ? (100 * sp) / str : Number.NaN;
      const mdi = str > 0 ? (100 * sm) / str : Number.NaN;
      const sum = pdi + mdi;
      const dx = sum > 0 ? (100 * Math.abs(pdi - mdi)) / sum : Number.NaN;
      const a = this.adx.update(dx);
      if (Number.isNaN(a)) {
        adxOut[r] = Number.NaN;
        plusOut[r] = Number.NaN;
        minusOut[r] = Number.NaN;
        continue;
      }
      adxOut[r] = a;
      plusOut[r] = pdi;
      minusOut[r] = mdi;
    }
  }
}

export const adx14: IndicatorSpec = {
  kind: "indicator",
  id: "adx14",
  family: "momentum",
  timeframes: ALL_TIMEFRAMES,
  needsVolume: false,
  outputs: [
    { name: "adx14", definition: "ADX(14): Wilder-smoothed directional index DX, trend strength 0..100" },
    { name: "plus_di14", definition: "+DI(14): Wilder-smoothed +DM over Wilder-smoothed true range, 0..100" },
    {
      name: "minus_di14",
      definition: "−DI(14): Wilder-smoothed −DM over Wilder-smoothed true range, 0..100",
    },
  ],
  warmup: 2 * PERIOD - 1,
  // Relative CPU time per bar (bench/features-kernels.ts), for balancing threads.
  cost: 2,
  create: () => new Adx14Kernel(),
};
