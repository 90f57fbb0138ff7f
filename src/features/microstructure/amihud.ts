import type { TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

const WINDOW = 20;

/**
 * Amihud (2002) illiquidity: the mean of |r_t| / (c_t · v_t) over the bars of the last 20 with
 * non-zero volume (Amihud averages over the days with trading), r_t = ln(c_t / c_{t-1}), scaled by 1e6:
 * absolute log return per million units of price × volume traded. NaN when no bar of the window traded,
 * and at bar 0 (no return). O(1) a bar: the sum and count of the window's ratios are running, the sum
 * re-anchored (recomputed in order) every 20 bars, so values depend on the bar sequence alone.
 * Computed in WebAssembly (../wasm/assembly/amihud.ts).
 */
export const amihud: IndicatorSpec = {
  kind: "indicator",
  id: "amihud",
  family: "microstructure",
  timeframes: ["1m"],
  needsVolume: true,
  outputs: [
    {
      name: "amihud20",
      definition:
        "Amihud illiquidity: mean |log return| / (close · volume) × 1e6 over 20 bars with volume > 0",
    },
  ],
  warmup: WINDOW,
  // needsVolume: the engine never runs this kernel on data without volume.
  create(_timeframe: TimeframeId): FeatureKernel {
    return new WasmKernel("amihud", ["close", "volume"], 1);
  },
};
