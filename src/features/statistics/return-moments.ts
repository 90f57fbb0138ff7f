import type { TimeframeId } from "../../core/timeframes.ts";
import { WindowBuffer } from "../primitives/window-buffer.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";

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
 * square. Returns cross session gaps like every bar-based feature.
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
    return new ReturnMomentsKernel();
  },
};

const SKEW_FACTOR = Math.sqrt(WINDOW * (WINDOW - 1)) / (WINDOW - 2);
const KURT_FACTOR = (WINDOW - 1) / ((WINDOW - 2) * (WINDOW - 3));

class ReturnMomentsKernel implements FeatureKernel {
  private readonly returns = new WindowBuffer(WINDOW);
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private s4 = 0;
  /** Non-zero returns in the window: exact, so an all-zero window is recognised exactly. */
  private nonZero = 0;
  private pushes = 0;

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const close = src.close;
    const buf = this.returns;
    const d = buf.data;
    const [mean, std, skew, kurt] = out;
    const n = WINDOW;
    for (let i = from; i < to; i++) {
      const o = i - from;
      if (i === 0) {
        mean[o] = std[o] = skew[o] = kurt[o] = Number.NaN;
        continue;
      }
      const r = Math.log(close[i] / close[i - 1]);
      if (buf.full) {
        const old = d[buf.start];
        const old2 = old * old;
        this.s1 -= old;
        this.s2 -= old2;
        this.s3 -= old2 * old;
        this.s4 -= old2 * old2;
        if (old !== 0) this.nonZero--;
      }
      buf.push(r);
      const r2 = r * r;
      this.s1 += r;
      this.s2 += r2;
      this.s3 += r2 * r;
      this.s4 += r2 * r2;
      if (r !== 0) this.nonZero++;
      if (++this.pushes % WINDOW === 0) this.reanchor();
      if (!buf.full) {
        mean[o] = std[o] = skew[o] = kurt[o] = Number.NaN;
        continue;
      }
      if (this.nonZero === 0) {
        mean[o] = 0;
        std[o] = 0;
        skew[o] = kurt[o] = Number.NaN;
        continue;
      }
      const m = this.s1 / n;
      const q2 = this.s2 / n;
      const mm = m * m;
      const m2 = q2 - mm;
      mean[o] = m;
      if (!(m2 > 1e-14 * q2)) {
        std[o] = 0;
        skew[o] = kurt[o] = Number.NaN;
        continue;
      }
      const q3 = this.s3 / n;
      const m3 = q3 - 3 * m * q2 + 2 * mm * m;
      const m4 = this.s4 / n - 4 * m * q3 + 6 * mm * q2 - 3 * mm * mm;
      std[o] = Math.sqrt((m2 * n) / (n - 1));
      skew[o] = (SKEW_FACTOR * m3) / (m2 * Math.sqrt(m2));
      kurt[o] = KURT_FACTOR * ((n + 1) * (m4 / (m2 * m2) - 3) + 6);
    }
  }

  /** Recomputes the power sums from the window, oldest first. */
  private reanchor(): void {
    const d = this.returns.data;
    const start = this.returns.start;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    for (let k = start; k < start + WINDOW; k++) {
      const x = d[k];
      const x2 = x * x;
      s1 += x;
      s2 += x2;
      s3 += x2 * x;
      s4 += x2 * x2;
    }
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
    this.s4 = s4;
  }
}
