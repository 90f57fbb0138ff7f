import type { TimeframeId } from "../../core/timeframes.ts";
import { WindowBuffer } from "../primitives/window-buffer.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";

const WINDOW = 20;
const SCALE = 1e6;

/**
 * Amihud (2002) illiquidity: the mean of |r_t| / (c_t · v_t) over the bars of the last 20 with
 * non-zero volume (Amihud averages over the days with trading), r_t = ln(c_t / c_{t-1}), scaled by 1e6:
 * absolute log return per million units of price × volume traded. NaN when no bar of the window traded.
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

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const c = src.close;
    // needsVolume: the engine never runs this kernel on data without volume.
    const v = src.volume!;
    const o = out[0];
    const ratios = this.ratios;
    const d = ratios.data;
    for (let i = from; i < to; i++) {
      if (i > 0) {
        const dollar = c[i] * v[i];
        ratios.push(dollar > 0 ? (Math.abs(Math.log(c[i] / c[i - 1])) / dollar) * SCALE : Number.NaN);
      }
      if (!ratios.full) {
        o[i - from] = Number.NaN;
        continue;
      }
      let s = 0;
      let n = 0;
      const start = ratios.start;
      for (let k = start; k < start + WINDOW; k++) {
        const x = d[k];
        if (!Number.isNaN(x)) {
          s += x;
          n++;
        }
      }
      o[i - from] = n > 0 ? s / n : Number.NaN;
    }
  }
}
