import type { TimeframeId } from "../../core/timeframes.ts";
import { WindowBuffer } from "../primitives/window-buffer.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";

const WINDOW = 20;

/**
 * Roll (1984) effective spread from the serial covariance of price changes: with Δp_t = c_t - c_{t-1},
 * spread = 2 · sqrt(-cov(Δp_t, Δp_{t-1})) over the last 20 pairs (sample covariance, ddof 1, as
 * pandas `rolling(20).cov`), divided by the close to give a fraction of price. A non-negative
 * covariance has no Roll spread; following Goyenko, Holden & Trzcinka (2009) the estimate is then 0.
 *
 * O(1) a bar: the sum of the last 21 price changes and the sum of the 20 lag products are running
 * sums, re-anchored (recomputed in order from the 21 changes) every 21 bars, so every value is a
 * function of the close sequence alone (identical for any chunking) and drift stays bounded.
 */
export const rollSpread: IndicatorSpec = {
  kind: "indicator",
  id: "roll_spread",
  family: "microstructure",
  timeframes: ["1m"],
  needsVolume: false,
  outputs: [
    {
      name: "roll_spread20",
      definition:
        "Roll spread 2·sqrt(-cov(Δp_t, Δp_t-1)) over 20 bars / close (0 if cov >= 0), fraction of price",
    },
  ],
  // The oldest pair at bar t needs Δp_{t-20} = c_{t-20} - c_{t-21}: first value at bar 21.
  warmup: WINDOW + 1,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new RollSpreadKernel();
  },
};

class RollSpreadKernel implements FeatureKernel {
  /** The last 21 price changes: 20 pairs (Δp_k, Δp_{k-1}). */
  private readonly dp = new WindowBuffer(WINDOW + 1);
  /** Σ of the 21 changes, Σ of the 20 lag products. */
  private total = 0;
  private lagProducts = 0;
  private pushes = 0;

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const c = src.close;
    const o = out[0];
    const buf = this.dp;
    const d = buf.data;
    for (let i = from; i < to; i++) {
      if (i === 0) {
        o[i - from] = Number.NaN;
        continue;
      }
      const x = c[i] - c[i - 1];
      if (buf.full) {
        const s = buf.start;
        this.total -= d[s];
        this.lagProducts -= d[s + 1] * d[s];
      }
      if (this.pushes > 0) this.lagProducts += x * d[buf.newest];
      this.total += x;
      buf.push(x);
      if (++this.pushes % (WINDOW + 1) === 0) this.reanchor();
      if (!buf.full) {
        o[i - from] = Number.NaN;
        continue;
      }
      // a = the newer 20 changes, b = the older 20.
      const s = buf.start;
      const sumA = this.total - d[s];
      const sumB = this.total - d[s + WINDOW];
      const cov = (this.lagProducts - (sumA * sumB) / WINDOW) / (WINDOW - 1);
      o[i - from] = cov < 0 ? (2 * Math.sqrt(-cov)) / c[i] : 0;
    }
  }

  private reanchor(): void {
    const d = this.dp.data;
    const s = this.dp.start;
    let total = d[s];
    let lag = 0;
    for (let k = s + 1; k <= s + WINDOW; k++) {
      total += d[k];
      lag += d[k] * d[k - 1];
    }
    this.total = total;
    this.lagProducts = lag;
  }
}
