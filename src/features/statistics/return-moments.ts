import type { TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

const WINDOW = 20;

/**
 * Rolling moments of 1-bar log returns r_t = ln(c_t / c_{t-1}) over the last 20 returns, with the
 * definitions pandas uses for `rolling(20).mean() / .std() / .skew() / .kurt()`:
 * - mean: arithmetic mean; std: sample standard deviation (ddof = 1);
 * - skew: adjusted Fisher-Pearson G1 = sqrt(n(n-1))/(n-2) · m3 / m2^1.5 (m_k = Σ(r - mean)^k / n);
 * - kurt: bias-corrected excess kurtosis G2 = (n-1)/((n-2)(n-3)) · ((n+1) · (m4/m2² - 3) + 6).
 *
 * Power sums Σr^k (k = 1..4) are kept as running sums (O(1) a bar, like pandas) and re-anchored,
 * recomputed from the 20 returns in order, every 20 bars: the rounding drift stays bounded and every
 * value is a function of the return sequence alone (identical for any chunking). Returns are centred
 * near 0, so raw power sums lose no precision that matters. Skew and kurtosis are NaN when the
 * window has no variance: all 20 returns 0 (counted exactly), or a variance below 1e-14 of the mean
 * square. Returns cross session gaps like every bar-based feature. Computed in WebAssembly:
 * ../wasm/assembly/ret-moments20.ts.
 */
export const returnMoments: IndicatorSpec = {
  kind: "indicator",
  id: "ret_moments20",
  family: "statistics",
  timeframes: ["1m", "5m", "15m", "30m", "1h"],
  needsVolume: false,
  outputs: [
    { name: "ret_mean20", definition: "Mean of the last 20 one-bar log returns (log-return units)" },
    {
      name: "ret_std20",
      definition: "Sample std (ddof 1) of the last 20 one-bar log returns (log-return units)",
    },
    {
      name: "ret_skew20",
      definition: "Bias-adjusted skewness G1 of the last 20 one-bar log returns (unitless)",
    },
    {
      name: "ret_kurt20",
      definition:
        "Bias-corrected excess kurtosis G2 of the last 20 one-bar log returns (unitless, 0 = normal)",
    },
  ],
  // The first return is at bar 1, the 20th at bar 20.
  warmup: WINDOW,
  // Relative CPU time per bar (bench/features-kernels.ts), for balancing threads.
  cost: 4,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new WasmKernel("ret-moments20", ["close"], 4);
  },
};
