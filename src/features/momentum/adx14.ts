import { ALL_TIMEFRAMES } from "../../core/timeframes.ts";
import type { IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

const PERIOD = 14;

/**
 * Wilder's directional movement system, period 14, computed in WebAssembly
 * (src/features/wasm/assembly/adx14.ts). True range, +DM and −DM (from bar 1) are
 * Wilder-smoothed (alpha 1/14, seeded by the mean of the first 14), giving from bar 14
 *   +DI = 100 · smoothed(+DM) / smoothed(TR),  −DI = 100 · smoothed(−DM) / smoothed(TR)
 *   DX  = 100 · |+DI − −DI| / (+DI + −DI)
 * and ADX = Wilder smoothing of DX seeded by the mean of its first 14 values, from bar 27. All three
 * outputs start at bar 27 (TA-Lib's ADX lookback 2·14 − 1): warmup 27. All are 0..100.
 * Zero divisions (no range at all, or no directional movement at all since the start) give NaN; a NaN
 * DX leaves the ADX state unchanged and outputs NaN for that bar.
 */
export const adx14: IndicatorSpec = {
  kind: "indicator",
  id: "adx14",
  family: "momentum",
  timeframes: ALL_TIMEFRAMES,
  needsVolume: false,
  outputs: [
    { name: "adx14", definition: "ADX(14): Wilder-smoothed directional index DX, trend strength 0..100" },
    { name: "plus_di14", definition: "+DI(14): Wilder-smoothed +DM over Wilder-smoothed true range, 0..100" },
    {
      name: "minus_di14",
      definition: "−DI(14): Wilder-smoothed −DM over Wilder-smoothed true range, 0..100",
    },
  ],
  warmup: 2 * PERIOD - 1,
  // Relative CPU time per bar (bench/features-kernels.ts), for balancing threads.
  cost: 2,
  create: () => new WasmKernel("adx14", ["high", "low", "close"], 3),
};
