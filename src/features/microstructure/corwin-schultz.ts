import type { TimeframeId } from "../../core/timeframes.ts";
import { RollingSum } from "../primitives/rolling-sum.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";

const WINDOW = 20;
const K = 3 - 2 * Math.SQRT2;
/** α = (sqrt(2β) - sqrt(β)) / K - sqrt(γ / K) = C_BETA · sqrt(β) - C_GAMMA · ln(HH / LL). */
const C_BETA = (Math.SQRT2 - 1) / K;
const C_GAMMA = 1 / Math.sqrt(K);

/**
 * Corwin & Schultz (2012) high-low spread estimator, averaged over the last 20 two-bar estimates.
 * For bars t-1, t: β = ln(H_t/L_t)² + ln(H_{t-1}/L_{t-1})², γ = ln(max(H_t, H_{t-1}) / min(L_t, L_{t-1}))²,
 * α = (sqrt(2β) - sqrt(β)) / (3 - 2√2) - sqrt(γ / (3 - 2√2)), S = 2(e^α - 1) / (1 + e^α), a fraction of
 * price. Negative two-bar estimates are set to 0 before averaging, as in the paper. The paper's
 * overnight-return adjustment is not applied (1m bars inside a session open at the previous close).
 */
export const corwinSchultz: IndicatorSpec = {
  kind: "indicator",
  id: "corwin_schultz",
  family: "microstructure",
  timeframes: ["1m"],
  needsVolume: false,
  outputs: [
    {
      name: "cs_spread20",
      definition:
        "Corwin-Schultz high-low spread, mean of 20 two-bar estimates (negatives set to 0), fraction of price",
    },
  ],
  // Two-bar estimates exist from bar 1; the 20th is at bar 20.
  warmup: WINDOW,
  // Relative CPU time per bar (bench/features-kernels.ts), for balancing threads.
  cost: 2.5,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new CorwinSchultzKernel();
  },
};

class CorwinSchultzKernel implements FeatureKernel {
  /** Running sum re-anchored every 20 bars (see RollingSum): estimates are >= 0 and small. */
  private readonly estimates = new RollingSum(WINDOW);
  /** ln H and ln L of the previous bar: two logs a bar give β and γ by subtraction. */
  private prevLogHigh = Number.NaN;
  private prevLogLow = Number.NaN;

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const { high, low } = src;
    const o = out[0];
    const est = this.estimates;
    for (let i = from; i < to; i++) {
      const lh = Math.log(high[i]);
      const ll = Math.log(low[i]);
      if (i > 0) {
        const ph = this.prevLogHigh;
        const pl = this.prevLogLow;
        const beta = (lh - ll) * (lh - ll) + (ph - pl) * (ph - pl);
        // sqrt(γ) = ln(max(H_t, H_t-1) / min(L_t, L_t-1)) >= 0.
        const rootGamma = Math.max(lh, ph) - Math.min(ll, pl);
        const alpha = C_BETA * Math.sqrt(beta) - C_GAMMA * rootGamma;
        if (alpha > 0) {
          const ea = Math.exp(alpha);
          est.push((2 * (ea - 1)) / (1 + ea));
        } else {
          est.push(0);
        }
      }
      this.prevLogHigh = lh;
      this.prevLogLow = ll;
      o[i - from] = est.mean;
    }
  }
}
