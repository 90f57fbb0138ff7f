import type { TimeframeId } from "../../core/timeframes.ts";
import { RollingSum } from "../primitives/rolling-sum.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";
import { TickRule } from "./tick-rule.ts";

const WINDOW = 20;

/** Mean tick-rule side over the last 20 bars, -1..1: the share of up-ticks minus the share of down-ticks. */
export const tickImbalance: IndicatorSpec = {
  kind: "indicator",
  id: "tick_imbalance",
  family: "microstructure",
  timeframes: ["1m"],
  needsVolume: false,
  outputs: [
    {
      name: "tick_imbalance20",
      definition: "Mean tick-rule side (+1/-1, carried) over the last 20 bars, -1..1",
    },
  ],
  // Sides exist from bar 1; the 20th is at bar 20.
  warmup: WINDOW,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new TickImbalanceKernel();
  },
};

class TickImbalanceKernel implements FeatureKernel {
  private readonly rule = new TickRule();
  /** Sums of -1/0/1: exact in a running sum. */
  private readonly sides = new RollingSum(WINDOW);

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const o = out[0];
    const sides = this.sides;
    for (let i = from; i < to; i++) {
      const side = this.rule.update(src.close, i);
      if (i > 0) sides.push(side);
      o[i - from] = sides.mean;
    }
  }
}
