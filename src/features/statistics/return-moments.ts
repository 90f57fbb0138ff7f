import type { TimeframeId } from "../../core/timeframes.ts";
import { RingBuffer } from "../primitives/ring-buffer.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";

const WINDOW = 20;

/**
 * Rolling moments of 1-bar log returns r_t = ln(c_t / c_{t-1}) over the last 20 returns, with the
 * definitions pandas uses for `rolling(20).mean() / .std() / .skew() / .kurt()`:
 * - mean: arithmetic mean; std: sample standard deviation (ddof = 1);
 * - skew: adjusted Fisher-Pearson G1 = sqrt(n(n-1))/(n-2) · m3 / m2^1.5 (m_k = Σ(r - mean)^k / n);
 * - kurt: bias-corrected excess kurtosis G2 = (n-1)/((n-2)(n-3)) · ((n+1) · (m4/m2² - 3) + 6).
 * The window is recomputed from its 20 returns every bar (two-pass around the mean): exact for any
 * chunking and free of running-sum drift. Skew and kurtosis are NaN when the 20 returns are all equal
 * (zero variance: the shape is undefined). Returns cross session gaps like every bar-based feature.
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
  create(_timeframe: TimeframeId): FeatureKernel {
    return new ReturnMomentsKernel();
  },
};

class ReturnMomentsKernel implements FeatureKernel {
  private readonly returns = new RingBuffer(WINDOW);

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const close = src.close;
    const ring = this.returns;
    const d = ring.data;
    const [mean, std, skew, kurt] = out;
    const n = WINDOW;
    for (let i = from; i < to; i++) {
      const r = i > 0 ? Math.log(close[i] / close[i - 1]) : Number.NaN;
      if (i > 0) ring.push(r);
      const o = i - from;
      if (!ring.full) {
        mean[o] = std[o] = skew[o] = kurt[o] = Number.NaN;
        continue;
      }
      // Slot order is a function of the push count alone, so sums are chunking-independent.
      let s = 0;
      let lo = d[0];
      let hi = d[0];
      for (let k = 0; k < n; k++) {
        const x = d[k];
        s += x;
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      const m = s / n;
      let s2 = 0;
      let s3 = 0;
      let s4 = 0;
      for (let k = 0; k < n; k++) {
        const e = d[k] - m;
        const e2 = e * e;
        s2 += e2;
        s3 += e2 * e;
        s4 += e2 * e2;
      }
      mean[o] = m;
      if (lo === hi) {
        std[o] = 0;
        skew[o] = kurt[o] = Number.NaN;
        continue;
      }
      std[o] = Math.sqrt(s2 / (n - 1));
      const m2 = s2 / n;
      skew[o] = ((Math.sqrt(n * (n - 1)) / (n - 2)) * (s3 / n)) / (m2 * Math.sqrt(m2));
      const g2 = s4 / n / (m2 * m2) - 3;
      kurt[o] = ((n - 1) / ((n - 2) * (n - 3))) * ((n + 1) * g2 + 6);
    }
  }
}
