import type { TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";

const WINDOW = 20;

/**
 * Close location value over 20 bars: Σ((c - l) - (h - c)) / Σ(h - l), -1..1 (+1: every bar closed on
 * its high). Summing before dividing keeps it defined on flat bars (h = l), which are common on 1m
 * data; NaN only when all 20 bars are flat (counted exactly). O(1) a bar: both sums are running sums
 * (the bar leaving the window is read back from the source), re-anchored (recomputed in order) every
 * 20 bars, so values depend on the bar sequence alone.
 */
export const closeLocation: IndicatorSpec = {
  kind: "indicator",
  id: "close_location",
  family: "microstructure",
  timeframes: ["1m"],
  needsVolume: false,
  outputs: [
    {
      name: "close_location20",
      definition: "Σ((c-l)-(h-c)) / Σ(h-l) over 20 bars: where closes sit in their bars' ranges, -1..1",
    },
  ],
  warmup: WINDOW - 1,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new CloseLocationKernel();
  },
};

class CloseLocationKernel implements FeatureKernel {
  private num = 0;
  private den = 0;
  private flat = 0;

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const { high, low, close } = src;
    const o = out[0];
    for (let i = from; i < to; i++) {
      this.num += 2 * close[i] - low[i] - high[i];
      this.den += high[i] - low[i];
      if (high[i] === low[i]) this.flat++;
      const j = i - WINDOW;
      if (j >= 0) {
        this.num -= 2 * close[j] - low[j] - high[j];
        this.den -= high[j] - low[j];
        if (high[j] === low[j]) this.flat--;
      }
      if ((i + 1) % WINDOW === 0) this.reanchor(src, i);
      o[i - from] = i < WINDOW - 1 || this.flat === WINDOW ? Number.NaN : this.num / this.den;
    }
  }

  /** Recomputes both sums over bars (i - 20, i], oldest first. */
  private reanchor(src: SeriesView, i: number): void {
    const { high, low, close } = src;
    let num = 0;
    let den = 0;
    for (let k = i - WINDOW + 1; k <= i; k++) {
      num += 2 * close[k] - low[k] - high[k];
      den += high[k] - low[k];
    }
    this.num = num;
    this.den = den;
  }
}
