import { ALL_TIMEFRAMES } from "../../core/timeframes.ts";
import { ema } from "../primitives/seeded-ema.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";

const FAST = 12;
const SLOW = 26;
const SIGNAL = 9;

/**
 * MACD(12, 26, 9), made scale-free by dividing by the bar's close. EMAs use alpha 2/(n+1) seeded by
 * the mean of their first n inputs: EMA26 (hence the MACD line) starts at bar 25, the signal line
 * (EMA9 of the raw MACD line) at bar 25 + 8 = 33. As in TA-Lib, all three outputs start together at
 * bar 33: warmup 33.
 *   macd        = (EMA12 − EMA26) / close
 *   macd_signal = EMA9(EMA12 − EMA26) / close
 *   macd_hist   = macd − macd_signal
 */
class MacdKernel implements FeatureKernel {
  private readonly fast = ema(FAST);
  private readonly slow = ema(SLOW);
  private readonly signal = ema(SIGNAL);

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const close = src.close;
    const [line, sig, hist] = out;
    for (let i = from; i < to; i++) {
      const c = close[i];
      const m = this.fast.update(c) - this.slow.update(c);
      // NaN MACD inputs (before bar 25) are skipped by the signal EMA's seeding.
      const s = this.signal.update(m);
      const r = i - from;
      if (Number.isNaN(s)) {
        line[r] = Number.NaN;
        sig[r] = Number.NaN;
        hist[r] = Number.NaN;
        continue;
      }
      line[r] = m / c;
      sig[r] = s / c;
      hist[r] = (m - s) / c;
    }
  }
}

export const macd: IndicatorSpec = {
  kind: "indicator",
  id: "macd",
  family: "momentum",
  timeframes: ALL_TIMEFRAMES,
  needsVolume: false,
  outputs: [
    {
      name: "macd",
      definition: "MACD line (EMA12 − EMA26 of closes, SMA-seeded) divided by close, unitless",
    },
    {
      name: "macd_signal",
      definition: "MACD signal line (EMA9 of the MACD line) divided by close, unitless",
    },
    { name: "macd_hist", definition: "MACD histogram (MACD line − signal line) divided by close, unitless" },
  ],
  warmup: SLOW - 1 + SIGNAL - 1,
  create: () => new MacdKernel(),
};
