import { ALL_TIMEFRAMES } from "../../core/timeframes.ts";
import type { IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

const WINDOW = 50;

/**
 * On-balance volume as a rolling 50-bar z-score. OBV itself is non-stationary (a running sum that
 * depends on where the data starts), its z-score is not: (OBV − mean50) / std50 with the population
 * std of the last 50 OBV values. OBV is 0 at bar 0 and adds sign(close − previous close) · volume
 * after; the z-score does not depend on that origin. Unitless. Warmup 49.
 * NaN when the 50 OBV values are all equal (no signed volume in the window). Computed in WebAssembly
 * (src/features/wasm/assembly/obv-z50.ts), mean and std as anchored rolling moments (see bb-width20).
 */
export const obvZ50: IndicatorSpec = {
  kind: "indicator",
  id: "obv_z50",
  family: "volume",
  timeframes: ALL_TIMEFRAMES,
  needsVolume: true,
  outputs: [
    {
      name: "obv_z50",
      definition:
        "z-score of on-balance volume over 50 bars (population std), unitless (NaN if OBV is constant)",
    },
  ],
  warmup: WINDOW - 1,
  // Relative CPU time per bar (bench/features-kernels.ts), for balancing threads.
  cost: 2,
  create: () => new WasmKernel("obv-z50", ["close", "volume"], 1),
};
