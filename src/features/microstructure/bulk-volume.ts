import type { TimeframeId } from "../../core/timeframes.ts";
import { RollingSum } from "../primitives/rolling-sum.ts";
import { WindowBuffer } from "../primitives/window-buffer.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";
import { normalCdf } from "./normal-cdf.ts";

const WINDOW = 20;

/**
 * Bulk volume classification (Easley, López de Prado & O'Hara 2012): each bar's volume is split into
 * buys v·Φ(Δp/σ) and sells v·(1 - Φ(Δp/σ)), with Δp = c_t - c_{t-1} and σ the sample std (ddof 1) of
 * the last 20 price changes (this one included); the order-flow imbalance is Σ v(2Φ - 1) / Σ v over
 * the last 20 bars, -1..1. Unlike the tick rule it weighs a bar by how large its move is. When σ = 0
 * (20 equal changes) a zero change is unclassified (Φ = 1/2) and a non-zero one all buys or sells.
 * Φ is Numerical Recipes' erfc (fractional error < 1.2e-7). NaN when the 20 bars traded nothing.
 * σ comes from running sums of Δp and Δp², re-anchored (recomputed in order) every 20 bars.
 */
export const bulkVolume: IndicatorSpec = {
  kind: "indicator",
  id: "bulk_volume",
  family: "microstructure",
  timeframes: ["1m"],
  needsVolume: true,
  outputs: [
    {
      name: "bvc_imbalance20",
      definition: "Bulk-volume order-flow imbalance Σ v(2Φ(Δp/σ20) - 1) / Σ v over 20 bars, -1..1",
    },
  ],
  // σ first exists at bar 20 (20 changes), the 20th classified bar is bar 39.
  warmup: 2 * WINDOW - 1,
  // Relative CPU time per bar (bench/features-kernels.ts), for balancing threads.
  cost: 4,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new BulkVolumeKernel();
  },
};

class BulkVolumeKernel implements FeatureKernel {
  private readonly changes = new WindowBuffer(WINDOW);
  private sum = 0;
  private sumSq = 0;
  private pushes = 0;
  private readonly signed = new RollingSum(WINDOW);
  private readonly volume = new RollingSum(WINDOW);

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const c = src.close;
    const v = src.volume!;
    const o = out[0];
    const buf = this.changes;
    const d = buf.data;
    const n = WINDOW;
    for (let i = from; i < to; i++) {
      if (i === 0) {
        o[i - from] = Number.NaN;
        continue;
      }
      const x = c[i] - c[i - 1];
      if (buf.full) {
        const old = d[buf.start];
        this.sum -= old;
        this.sumSq -= old * old;
      }
      buf.push(x);
      this.sum += x;
      this.sumSq += x * x;
      if (++this.pushes % n === 0) this.reanchor();
      if (!buf.full) {
        o[i - from] = Number.NaN;
        continue;
      }
      const variance = (this.sumSq - (this.sum * this.sum) / n) / (n - 1);
      // Below 1e-14 of the mean square the variance is rounding: the changes are all equal.
      const sigma = variance > 1e-14 * (this.sumSq / n) ? Math.sqrt(variance) : 0;
      // An unchanged close is unclassified (Φ(0) = 1/2), common on a tick grid: skip the exp.
      const buyShare = x === 0 ? 0.5 : sigma > 0 ? normalCdf(x / sigma) : x > 0 ? 1 : 0;
      this.signed.push(v[i] * (2 * buyShare - 1));
      this.volume.push(v[i]);
      const total = this.volume.value;
      o[i - from] = total > 0 ? this.signed.value / total : Number.NaN;
    }
  }

  private reanchor(): void {
    const d = this.changes.data;
    const s = this.changes.start;
    let sum = 0;
    let sumSq = 0;
    for (let k = s; k < s + WINDOW; k++) {
      sum += d[k];
      sumSq += d[k] * d[k];
    }
    this.sum = sum;
    this.sumSq = sumSq;
  }
}
