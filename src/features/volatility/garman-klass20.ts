import { ALL_TIMEFRAMES } from "../../core/timeframes.ts";
import type { IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

const WINDOW = 20;

/**
 * Garman-Klass volatility over 20 bars: sqrt(mean over the window of
 * 0.5 · ln(high/low)² − (2 ln 2 − 1) · ln(close/open)²). A per-bar standard deviation of log returns
 * (not annualised). Each bar's term is ≥ 0 because |ln(close/open)| ≤ ln(high/low) for valid bars.
 * Warmup 19 (first value at bar 19). The window sum is a RollingSum (O(1), re-anchored every 20 bars,
 * exactly 0 on a flat stretch); a rounding residual below 0 is clamped. Computed in WebAssembly
 * (../wasm/assembly/garman-klass20.ts).
 */
export const garmanKlass20: IndicatorSpec = {
  kind: "indicator",
  id: "garman_klass20",
  family: "volatility",
  timeframes: ALL_TIMEFRAMES,
  needsVolume: false,
  outputs: [
    {
      name: "garman_klass20",
      definition:
        "Garman-Klass volatility, sqrt of the 20-bar mean of 0.5 ln(H/L)^2 − (2 ln 2 − 1) ln(C/O)^2, log-return units per bar",
    },
  ],
  warmup: WINDOW - 1,
  create: () => new WasmKernel("garman-klass20", ["open", "high", "low", "close"], 1),
};
