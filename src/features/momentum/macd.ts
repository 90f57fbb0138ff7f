import { ALL_TIMEFRAMES } from "../../core/timeframes.ts";
import type { IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

const SLOW = 26;
const SIGNAL = 9;

/**
 * MACD(12, 26, 9), made scale-free by dividing by the bar's close, computed in WebAssembly
 * (src/features/wasm/assembly/macd.ts). EMAs use alpha 2/(n+1) seeded by the mean of their first n
 * inputs (a NaN input skipped): EMA26 (hence the MACD line) starts at bar 25, the signal line (EMA9 of
 * the raw MACD line) at bar 25 + 8 = 33. As in TA-Lib, all three outputs start together at bar 33:
 * warmup 33.
 *   macd        = (EMA12 − EMA26) / close
 *   macd_signal = EMA9(EMA12 − EMA26) / close
 *   macd_hist   = macd − macd_signal, computed as (line − signal) / close
 */
export const macd: IndicatorSpec = {
  kind: "indicator",
  id: "macd",
  family: "momentum",
  timeframes: ALL_TIMEFRAMES,
  needsVolume: false,
  outputs: [
    {
      name: "macd",
      definition: "MACD line (EMA12 − EMA26 of closes, SMA-seeded) divided by close, unitless",
    },
    {
      name: "macd_signal",
      definition: "MACD signal line (EMA9 of the MACD line) divided by close, unitless",
    },
    { name: "macd_hist", definition: "MACD histogram (MACD line − signal line) divided by close, unitless" },
  ],
  warmup: SLOW - 1 + SIGNAL - 1,
  create: () => new WasmKernel("macd", ["close"], 3),
};
