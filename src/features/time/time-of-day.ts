import type { TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

/**
 * Minute of the UTC day of the bar's start, m = 0..1439, on the unit circle: sin(2πm/1440) and
 * cos(2πm/1440), so 23:59 and 00:00 are neighbours. Known from the bar's own timestamp: no warm-up.
 * Computed in WebAssembly (src/features/wasm/assembly/time-of-day.ts). Definition:
 * m = floor((ts − floor(ts / DAY_MS) · DAY_MS) / MINUTE_MS); the 1440 values of each output are
 * Math.sin/Math.cos((2π · m) / 1440), tabulated once (fdlibm's sin and cos, as V8's).
 */
export const timeOfDay: IndicatorSpec = {
  kind: "indicator",
  id: "time_of_day",
  family: "time",
  timeframes: ["1m"],
  needsVolume: false,
  outputs: [
    { name: "tod_sin", definition: "sin(2π · minute of UTC day / 1440) of the bar start, -1..1" },
    { name: "tod_cos", definition: "cos(2π · minute of UTC day / 1440) of the bar start, -1..1" },
  ],
  warmup: 0,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new WasmKernel("time-of-day", ["ts"], 2);
  },
};
