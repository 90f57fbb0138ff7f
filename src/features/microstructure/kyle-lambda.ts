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
 * NaN when signed volume is constant over the window (no variation to regress on: a variance below
 * 1e-12 of its mean square). O(1) a bar: Σq, Σq², ΣΔp, ΣqΔp are running sums re-anchored (recomputed
 * in order) every 20 bars, so values depend on the bar sequence alone.
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
  // Relative CPU time per bar (bench/features-kernels.ts), for balancing threads.
  cost: 2,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new KyleLambdaKernel();
  },
};

class KyleLambdaKernel implements FeatureKernel {
  private readonly rule = new TickRule();
  private readonly dp = new WindowBuffer(WINDOW);
  private readonly q = new WindowBuffer(WINDOW);
  private sumQ = 0;
  private sumQQ = 0;
  private sumP = 0;
  private sumQP = 0;
  private pushes = 0;

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const c = src.close;
    const v = src.volume!;
    const o = out[0];
    // Both buffers are pushed together, so slot k of one pairs with slot k of the other.
    const dp = this.dp.data;
    const q = this.q.data;
    const n = WINDOW;
    for (let i = from; i < to; i++) {
      const side = this.rule.update(c, i);
      if (i === 0) {
        o[i - from] = Number.NaN;
        continue;
      }
      const p = c[i] - c[i - 1];
      const x = side * v[i];
      if (this.q.full) {
        const s = this.q.start;
        const oq = q[s];
        this.sumQ -= oq;
        this.sumQQ -= oq * oq;
        this.sumP -= dp[s];
        this.sumQP -= oq * dp[s];
      }
      this.dp.push(p);
      this.q.push(x);
      this.sumQ += x;
      this.sumQQ += x * x;
      this.sumP += p;
      this.sumQP += x * p;
      if (++this.pushes % WINDOW === 0) this.reanchor();
      if (!this.q.full) {
        o[i - from] = Number.NaN;
        continue;
      }
      const sqq = this.sumQQ - (this.sumQ * this.sumQ) / n;
      const sqp = this.sumQP - (this.sumQ * this.sumP) / n;
      o[i - from] = sqq > 1e-12 * this.sumQQ ? ((sqp / sqq) * SCALE) / c[i] : Number.NaN;
    }
  }

  private reanchor(): void {
    const dp = this.dp.data;
    const q = this.q.data;
    const s = this.q.start;
    let sumQ = 0;
    let sumQQ = 0;
    let sumP = 0;
    let sumQP = 0;
    for (let k = s; k < s + WINDOW; k++) {
      sumQ += q[k];
      sumQQ += q[k] * q[k];
      sumP += dp[k];
      sumQP += q[k] * dp[k];
    }
    this.sumQ = sumQ;
    this.sumQQ = sumQQ;
    this.sumP = sumP;
    this.sumQP = sumQP;
  }
}
