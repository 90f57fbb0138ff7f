import type { TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

const WINDOW = 64;

/**
 * Haar DWT, level 3, of the last 64 one-bar log returns x (x_t = ln c_t - ln c_{t-1}), as computed by
 * `pywt.wavedec(x, "haar", mode="periodization", level=3)` on the window ending at bar t (64 is a
 * multiple of 2^3, so every Haar block lies inside the window and the extension mode never matters).
 * Outputs the energy (sum of squared coefficients) of D1 (2-bar scale), D2 (4-bar), D3 (8-bar) and the
 * approximation A3 (>= 8 bars), in squared log-return units; they add up to Σx² (Parseval). The
 * shares are D_j energy / total energy (NaN when all 64 returns are 0).
 *
 * Incremental form: with L = ln(close), every Haar coefficient of the window is a block statistic
 * ending at a bar whose distance to t is a multiple of its block length:
 *   D1 block ending at s: (x_s - x_{s-1})² / 2 = (L_s - 2L_{s-1} + L_{s-2})² / 2
 *   D2 block ending at s: (L_s - 2L_{s-2} + L_{s-4})² / 4
 *   D3 block ending at s: (L_s - 2L_{s-4} + L_{s-8})² / 8
 *   A3 block ending at s: (L_s - L_{s-8})² / 8
 * so each bar computes its four block terms once (one log), and the energy at t of a level with block
 * length b is the sum of the terms at s = t, t - b, ..., t - 64 + b: a running sum per residue class of
 * the bar number mod b (O(1) a bar). The sums are re-anchored, recomputed from the stored terms, every
 * 64 bars, which bounds rounding drift and keeps every value a function of the bar sequence alone
 * (identical for any chunking); drift can leave a tiny negative where the true energy is 0, so
 * energies are clamped at 0, and a window of 64 zero returns (counted exactly) gives exactly 0.
 * Computed in WebAssembly: ../wasm/assembly/haar-energy64.ts.
 */
export const haarEnergy: IndicatorSpec = {
  kind: "indicator",
  id: "haar_energy64",
  family: "wavelet",
  timeframes: ["1m", "5m", "15m"],
  needsVolume: false,
  outputs: [
    {
      name: "wav_d1_energy64",
      definition:
        "Haar DWT level-1 detail energy of the last 64 log returns, 2-bar scale (squared log return)",
    },
    {
      name: "wav_d2_energy64",
      definition:
        "Haar DWT level-2 detail energy of the last 64 log returns, 4-bar scale (squared log return)",
    },
    {
      name: "wav_d3_energy64",
      definition:
        "Haar DWT level-3 detail energy of the last 64 log returns, 8-bar scale (squared log return)",
    },
    {
      name: "wav_a3_energy64",
      definition:
        "Haar DWT level-3 approximation energy of the last 64 log returns, >= 8-bar scale (squared log return)",
    },
    { name: "wav_d1_share64", definition: "D1 energy / total energy of the last 64 log returns, 0..1" },
    { name: "wav_d2_share64", definition: "D2 energy / total energy of the last 64 log returns, 0..1" },
    { name: "wav_d3_share64", definition: "D3 energy / total energy of the last 64 log returns, 0..1" },
  ],
  // The window's first return is x_{t-63}, which needs close t-64.
  warmup: WINDOW,
  // Relative CPU time per bar (bench/features-kernels.ts), for balancing threads.
  cost: 4,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new WasmKernel("haar-energy64", ["close"], 7);
  },
};
