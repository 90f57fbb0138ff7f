import type { TimeframeId } from "../../core/timeframes.ts";
import { WindowBuffer } from "../primitives/window-buffer.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";

const WINDOW = 20;
const SCALE = 1e6;

/**
 * Amihud (2002) illiquidity: the mean of |r_t| / (c_t · v_t) over the bars of the last 20 with
 * non-zero volume (Amihud averages over the days with trading), r_t = ln(c_t / c_{t-1}), scaled by 1e6:
 * absolute log return per million units of price × volume traded. NaN when no bar of the window traded.
 * O(1) a bar: the sum and count of the window's ratios are running, the sum re-anchored (recomputed
 * in order) every 20 bars, so values depend on the bar sequence alone.
 */
export const amihud: IndicatorSpec = {
  kind: "indicator",
  id: "amihud",
  family: "microstructure",
  timeframes: ["1m"],
  needsVolume: true,
  outputs: [
    {
      name: "amihud20",
      definition:
        "Amihud illiquidity: mean |log return| / (close · volume) × 1e6 over 20 bars with volume > 0",
    },
  ],
  warmup: WINDOW,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new AmihudKernel();
  },
};

class AmihudKernel implements FeatureKernel {
  /** Per-bar ratio, NaN for bars without volume (skipped by the mean). */
  private readonly ratios = new WindowBuffer(WINDOW);
  private sum = 0;
  private count = 0;
  private pushes = 0;

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const c = src.close;
    // needsVolume: the engine never runs this kernel on data without volume.
    const v = src.volume!;
    const o = out[0];
    const ratios = this.ratios;
    const d = ratios.data;
    for (let i = from; i < to; i++) {
      if (i === 0) {
        o[i - from] = Number.NaN;
        continue;
      }
      if (ratios.full) {
        const old = d[ratios.start];
        if (!Number.isNaN(old)) {
          this.sum -= old;
          this.count--;
        }
      }
      const dollar = c[i] * v[i];
      const x = dollar > 0 ? (Math.abs(Math.log(c[i] / c[i - 1])) / dollar) * SCALE : Number.NaN;
      ratios.push(x);
      if (!Number.isNaN(x)) {
        this.sum += x;
        this.count++;
      }
      if (++this.pushes % WINDOW === 0) {
        let s = 0;
        for (let k = ratios.start; k < ratios.start + WINDOW; k++) if (!Number.isNaN(d[k])) s += d[k];
        this.sum = s;
      }
      o[i - from] = ratios.full && this.count > 0 ? this.sum / this.count : Number.NaN;
    }
  }
}
