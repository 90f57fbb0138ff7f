import type { TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";
import { TickRule } from "./tick-rule.ts";

/** Tick-rule side of each bar: +1 / -1 by the sign of the close change, carried through unchanged closes. */
export const tickDirection: IndicatorSpec = {
  kind: "indicator",
  id: "tick_direction",
  family: "microstructure",
  timeframes: ["1m"],
  needsVolume: false,
  outputs: [
    {
      name: "tick_sign",
      definition: "Tick rule: sign of close - previous close, carried on zero change (0 before any change)",
    },
  ],
  warmup: 1,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new TickDirectionKernel();
  },
};

class TickDirectionKernel implements FeatureKernel {
  private readonly rule = new TickRule();

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const o = out[0];
    for (let i = from; i < to; i++) o[i - from] = this.rule.update(src.close, i);
  }
}
