import type { TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";

const WINDOW = 20;

/**
 * Close location value over 20 bars: Σ((c - l) - (h - c)) / Σ(h - l), -1..1 (+1: every bar closed on
 * its high). Summing before dividing keeps it defined on flat bars (h = l), which are common on 1m
 * data; NaN only when all 20 bars are flat. Recomputed from the source bars each bar.
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
    return { advance };
  },
};

function advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
  const { high, low, close } = src;
  const o = out[0];
  for (let i = from; i < to; i++) {
    if (i < WINDOW - 1) {
      o[i - from] = Number.NaN;
      continue;
    }
    let num = 0;
    let den = 0;
    for (let k = i - WINDOW + 1; k <= i; k++) {
      num += 2 * close[k] - low[k] - high[k];
      den += high[k] - low[k];
    }
    o[i - from] = den > 0 ? num / den : Number.NaN;
  }
}
