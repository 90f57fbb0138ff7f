import { ALL_TIMEFRAMES } from "../../core/timeframes.ts";
import type { IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

const WINDOW = 20;

/**
 * Parkinson's range-based volatility over 20 bars: sqrt(mean over the window of ln(high/low)² / (4 ln 2)).
 * A per-bar standard deviation of log returns (not annualised). Warmup 19 (first value at bar 19).
 * The window sum is a RollingSum (O(1), re-anchored every 20 bars, exactly 0 on a flat stretch); a
 * rounding residual below 0 is clamped. Computed in WebAssembly (../wasm/assembly/parkinson20.ts).
 */
export const parkinson20: IndicatorSpec = {
  kind: "indicator",
  id: "parkinson20",
  family: "volatility",
  timeframes: ALL_TIMEFRAMES,
  needsVolume: false,
  outputs: [
    {
      name: "parkinson20",
      definition:
        "Parkinson volatility, sqrt of the 20-bar mean of ln(high/low)^2/(4 ln 2), log-return units per bar",
    },
  ],
  warmup: WINDOW - 1,
  create: () => new WasmKernel("parkinson20", ["high", "low"], 1),
};
