import type { TimeframeId } from "../../core/timeframes.ts";
import { RollingSum } from "../primitives/rolling-sum.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";

const WINDOW = 60;

/**
 * Trade intensity: this bar's volume relative to the mean volume of the last 60 bars (this one
 * included); 1 = an ordinary bar, 3 = three times the hour's pace. NaN when the 60 bars traded nothing.
 */
export const tradeIntensity: IndicatorSpec = {
  kind: "indicator",
  id: "trade_intensity",
  family: "microstructure",
  timeframes: ["1m"],
  needsVolume: true,
  outputs: [
    {
      name: "trade_intensity60",
      definition: "Volume / mean volume of the last 60 bars (ratio, 1 = average)",
    },
  ],
  warmup: WINDOW - 1,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new TradeIntensityKernel();
  },
};

class TradeIntensityKernel implements FeatureKernel {
  private readonly volume = new RollingSum(WINDOW);

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const v = src.volume!;
    const o = out[0];
    for (let i = from; i < to; i++) {
      this.volume.push(v[i]);
      const mean = this.volume.mean;
      o[i - from] = mean > 0 ? v[i] / mean : Number.NaN;
    }
  }
}
