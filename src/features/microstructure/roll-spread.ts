import type { TimeframeId } from "../../core/timeframes.ts";
import { WindowBuffer } from "../primitives/window-buffer.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";

const WINDOW = 20;

/**
 * Roll (1984) effective spread from the serial covariance of price changes: with Δp_t = c_t - c_{t-1},
 * spread = 2 · sqrt(-cov(Δp_t, Δp_{t-1})) over the last 20 pairs (sample covariance, ddof 1, as
 * pandas `rolling(20).cov`), divided by the close to give a fraction of price. A non-negative
 * covariance has no Roll spread; following Goyenko, Holden & Trzcinka (2009) the estimate is then 0.
 * Recomputed from the last 21 price changes each bar (two-pass): exact for any chunking.
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
  /** The last 21 price changes: 20 pairs (Δp_j, Δp_{j-1}). */
  private readonly dp = new WindowBuffer(WINDOW + 1);

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const c = src.close;
    const o = out[0];
    const buf = this.dp;
    for (let i = from; i < to; i++) {
      if (i > 0) buf.push(c[i] - c[i - 1]);
      if (!buf.full) {
        o[i - from] = Number.NaN;
        continue;
      }
      const cov = lagCovariance(buf.data, buf.start);
      o[i - from] = cov < 0 ? (2 * Math.sqrt(-cov)) / c[i] : 0;
    }
  }
}

/** Sample covariance of (d[k], d[k-1]) for k = s+1 .. s+20. */
function lagCovariance(d: Float64Array, s: number): number {
  let sa = 0;
  let sb = 0;
  for (let k = s + 1; k <= s + WINDOW; k++) {
    sa += d[k];
    sb += d[k - 1];
  }
  const ma = sa / WINDOW;
  const mb = sb / WINDOW;
  let sab = 0;
  for (let k = s + 1; k <= s + WINDOW; k++) sab += (d[k] - ma) * (d[k - 1] - mb);
  return sab / (WINDOW - 1);
}
