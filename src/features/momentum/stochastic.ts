import { ALL_TIMEFRAMES } from "../../core/timeframes.ts";
import type { IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

const K_PERIOD = 14;
const D_PERIOD = 3;

/**
 * Fast stochastic oscillator (14, 3), computed in WebAssembly (src/features/wasm/assembly/stochastic.ts):
 *   %K = 100 · (close − lowest low of 14 bars) / (highest high of 14 bars − lowest low), 0..100
 *   %D = mean of the last 3 %K.
 * %K exists from bar 13 and %D from bar 15; both outputs start at bar 15 (as TA-Lib's STOCHF): warmup 15.
 * A flat 14-bar range (high = low throughout) makes %K undefined: NaN, and %D is NaN while such a
 * %K is among its last 3.
 */
export const stochastic: IndicatorSpec = {
  kind: "indicator",
  id: "stochastic",
  family: "momentum",
  timeframes: ALL_TIMEFRAMES,
  needsVolume: false,
  outputs: [
    {
      name: "stoch_k",
      definition: "Stochastic %K(14): close's position in the 14-bar high-low range, 0..100 (NaN if flat)",
    },
    { name: "stoch_d", definition: "Stochastic %D: 3-bar mean of %K(14), 0..100" },
  ],
  warmup: K_PERIOD - 1 + D_PERIOD - 1,
  // Relative CPU time per bar (bench/features-kernels.ts), for balancing threads.
  cost: 2.5,
  create: () => new WasmKernel("stochastic", ["high", "low", "close"], 2),
};
