import type { IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";
import { REGIME_TIMEFRAMES } from "./composite-regime.ts";

const WINDOW = 20;

/**
 * Trend strength: R² of the least-squares line through the last 20 log closes against bar number,
 * 0..1 (1 = the closes lie on a straight line in log price). Unsigned: trend_regime carries the side.
 * NaN when the 20 closes are all equal (19 zero changes, counted exactly).
 *
 * O(1) a bar: with d = ln(close) - y0, the sums Σd, Σd² and Σ(position · d) over the window slide in
 * O(1) (Σ pos·d loses Σd and gains 19 · d_new as every position shifts down by one). y0 is the newest
 * log close at the last re-anchor, so d stays small and Σd² - (Σd)²/n does not cancel; every 20 bars
 * the sums are re-anchored (recomputed in order from the stored log closes with a new y0), so values
 * depend on the close sequence alone and drift stays bounded. Computed in WebAssembly
 * (../wasm/assembly/trend-strength.ts).
 */
export const trendStrength: IndicatorSpec = {
  kind: "indicator",
  id: "trend_strength",
  family: "regime",
  timeframes: REGIME_TIMEFRAMES,
  needsVolume: false,
  outputs: [
    {
      name: "trend_strength",
      definition: "R² of an OLS line through the last 20 log closes vs bar number, 0..1",
    },
  ],
  warmup: WINDOW - 1,
  create: () => new WasmKernel("trend-strength", ["close"], 1),
};
