import type { TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

/**
 * UTC day of the week of the bar's start, d = 0 (Monday) .. 6 (Sunday), on the unit circle:
 * sin(2πd/7), cos(2πd/7), computed in WebAssembly (src/features/wasm/assembly/day-of-week.ts).
 * Definition: day = floor(ts / DAY_MS), d = ((day + 3) mod 7) with a non-negative result for dates before
 * 1970 (the Unix epoch, 1970-01-01, was a Thursday, hence the offset of 3); the 7 values are
 * Math.sin/Math.cos((2π · d) / 7).
 */
export const dayOfWeek: IndicatorSpec = {
  kind: "indicator",
  id: "day_of_week",
  family: "time",
  timeframes: ["1m"],
  needsVolume: false,
  outputs: [
    { name: "dow_sin", definition: "sin(2π · UTC weekday / 7) of the bar start, Monday = 0, -1..1" },
    { name: "dow_cos", definition: "cos(2π · UTC weekday / 7) of the bar start, Monday = 0, -1..1" },
  ],
  warmup: 0,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new WasmKernel("day-of-week", ["ts"], 2);
  },
};
