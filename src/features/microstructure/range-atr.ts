import type { TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

const PERIOD = 14;

/**
 * Bar range relative to ATR(14): (h - l) / ATR, where ATR is Wilder's average of the true range
 * TR_t = max(h_t - l_t, |h_t - c_{t-1}|, |l_t - c_{t-1}|) from bar 1 on, seeded with the mean of the first
 * 14 TRs (bar 14) and then ATR_t = (13 · ATR_{t-1} + TR_t) / 14. NaN while ATR is 0. Computed in
 * WebAssembly (../wasm/assembly/range-atr.ts).
 */
export const rangeAtr: IndicatorSpec = {
  kind: "indicator",
  id: "range_atr",
  family: "microstructure",
  timeframes: ["1m"],
  needsVolume: false,
  outputs: [
    { name: "range_atr14", definition: "Bar range (h - l) / Wilder ATR(14) (ratio, 1 = a typical bar)" },
  ],
  warmup: PERIOD,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new WasmKernel("range-atr", ["high", "low", "close"], 1);
  },
};
