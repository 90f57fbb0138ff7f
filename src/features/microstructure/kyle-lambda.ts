import type { TimeframeId } from "../../core/timeframes.ts";
import { WindowBuffer } from "../primitives/window-buffer.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";
import { TickRule } from "./tick-rule.ts";

const WINDOW = 20;
const SCALE = 1e6;

/**
 * Kyle's lambda proxy (price impact): the OLS slope of price changes Δp_t = c_t - c_{t-1} on signed
 * volume q_t = side_t · v_t (tick-rule side) over the last 20 bars, cov(Δp, q) / var(q), divided by
 * the close and scaled by 1e6: fractional price move per million units of signed volume.
 * NaN when signed volume is constant over the window (no variation to regress on).
 */
export const kyleLambda: IndicatorSpec = {
  kind: "indicator",
  id: "kyle_lambda",
  family: "microstructure",
  timeframes: ["1m"],
  needsVolume: true,
  outputs: [
    {
      name: "kyle_lambda20",
      definition:
        "Slope of Δclose on tick-signed volume over 20 bars / close × 1e6 (price impact per 1e6 volume)",
    },
  ],
  warmup: WINDOW,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new KyleLambdaKernel();
  },
};

class KyleLambdaKernel implements FeatureKernel {
  private readonly rule = new TickRule();
  private readonly dp = new WindowBuffer(WINDOW);
  private readonly q = new WindowBuffer(WINDOW);

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const c = src.close;
    const v = src.volume!;
    const o = out[0];
    // Both buffers are pushed together, so slot k of one pairs with slot k of the other.
    const dp = this.dp.data;
    const q = this.q.data;
    for (let i = from; i < to; i++) {
      const side = this.rule.update(c, i);
      if (i > 0) {
        this.dp.push(c[i] - c[i - 1]);
        this.q.push(side * v[i]);
      }
      if (!this.q.full) {
        o[i - from] = Number.NaN;
        continue;
      }
      const s = this.q.start;
      let sumQ = 0;
      let sumP = 0;
      for (let k = s; k < s + WINDOW; k++) {
        sumQ += q[k];
        sumP += dp[k];
      }
      const mq = sumQ / WINDOW;
      const mp = sumP / WINDOW;
      let sqq = 0;
      let sqp = 0;
      for (let k = s; k < s + WINDOW; k++) {
        const e = q[k] - mq;
        sqq += e * e;
        sqp += e * (dp[k] - mp);
      }
      o[i - from] = sqq > 0 ? ((sqp / sqq) * SCALE) / c[i] : Number.NaN;
    }
  }
}
