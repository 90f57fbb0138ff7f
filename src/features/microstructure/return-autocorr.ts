import type { TimeframeId } from "../../core/timeframes.ts";
import { WindowBuffer } from "../primitives/window-buffer.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";

const WINDOW = 20;

/**
 * First-order autocorrelation of 1-bar log returns over the last 20 pairs (r_t, r_{t-1}): Pearson
 * correlation as pandas `r.rolling(20).corr(r.shift(1))`. Bid-ask bounce pushes it negative (the
 * signal Roll's estimator is built on), short-term momentum positive. NaN when either leg is constant
 * (all 20 returns 0, counted exactly, or a variance below 1e-14 of its mean square).
 *
 * O(1) a bar: Σr and Σr² of the last 21 returns and Σ of the 20 lag products are running sums,
 * re-anchored (recomputed in order) every 21 bars: a function of the close sequence alone.
 */
export const returnAutocorr: IndicatorSpec = {
  kind: "indicator",
  id: "return_autocorr",
  family: "microstructure",
  timeframes: ["1m"],
  needsVolume: false,
  outputs: [
    {
      name: "ret_autocorr20",
      definition: "Correlation of r_t and r_t-1 (1-bar log returns) over 20 bars, -1..1",
    },
  ],
  warmup: WINDOW + 1,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new ReturnAutocorrKernel();
  },
};

class ReturnAutocorrKernel implements FeatureKernel {
  /** Log returns of the last 21 bars: 20 pairs. */
  private readonly r = new WindowBuffer(WINDOW + 1);
  private sum = 0;
  private sumSq = 0;
  private lagProducts = 0;
  /** Zero returns among the 21: exact. */
  private zeros = 0;
  private pushes = 0;

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const c = src.close;
    const o = out[0];
    const buf = this.r;
    const d = buf.data;
    const n = WINDOW;
    for (let i = from; i < to; i++) {
      if (i === 0) {
        o[i - from] = Number.NaN;
        continue;
      }
      const x = Math.log(c[i] / c[i - 1]);
      if (buf.full) {
        const s = buf.start;
        const old = d[s];
        this.sum -= old;
        this.sumSq -= old * old;
        this.lagProducts -= d[s + 1] * old;
        if (old === 0) this.zeros--;
      }
      if (this.pushes > 0) this.lagProducts += x * d[buf.newest];
      this.sum += x;
      this.sumSq += x * x;
      if (x === 0) this.zeros++;
      buf.push(x);
      if (++this.pushes % (WINDOW + 1) === 0) this.reanchor();
      if (!buf.full) {
        o[i - from] = Number.NaN;
        continue;
      }
      // a = the newer 20 returns, b = the older 20.
      const first = d[buf.start];
      const last = d[buf.newest];
      if (this.zeros - (first === 0 ? 1 : 0) === n || this.zeros - (last === 0 ? 1 : 0) === n) {
        o[i - from] = Number.NaN;
        continue;
      }
      const sumA = this.sum - first;
      const sumB = this.sum - last;
      const sqA = this.sumSq - first * first;
      const sqB = this.sumSq - last * last;
      const saa = sqA - (sumA * sumA) / n;
      const sbb = sqB - (sumB * sumB) / n;
      const sab = this.lagProducts - (sumA * sumB) / n;
      o[i - from] = saa > 1e-14 * sqA && sbb > 1e-14 * sqB ? sab / Math.sqrt(saa * sbb) : Number.NaN;
    }
  }

  private reanchor(): void {
    const d = this.r.data;
    const s = this.r.start;
    let sum = d[s];
    let sumSq = d[s] * d[s];
    let lag = 0;
    for (let k = s + 1; k <= s + WINDOW; k++) {
      sum += d[k];
      sumSq += d[k] * d[k];
      lag += d[k] * d[k - 1];
    }
    this.sum = sum;
    this.sumSq = sumSq;
    this.lagProducts = lag;
  }
}
