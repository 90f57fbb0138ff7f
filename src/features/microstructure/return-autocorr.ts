import type { TimeframeId } from "../../core/timeframes.ts";
import { WindowBuffer } from "../primitives/window-buffer.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";

const WINDOW = 20;

/**
 * First-order autocorrelation of 1-bar log returns over the last 20 pairs (r_t, r_{t-1}): Pearson
 * correlation as pandas `r.rolling(20).corr(r.shift(1))`. Bid-ask bounce pushes it negative (the
 * signal Roll's estimator is built on), short-term momentum positive. NaN when either leg is constant.
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

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const c = src.close;
    const o = out[0];
    const buf = this.r;
    for (let i = from; i < to; i++) {
      if (i > 0) buf.push(Math.log(c[i] / c[i - 1]));
      o[i - from] = buf.full ? lagCorrelation(buf.data, buf.start) : Number.NaN;
    }
  }
}

/** Correlation of r[s+1 .. s+20] with r[s .. s+19]. */
function lagCorrelation(r: Float64Array, s: number): number {
  let sa = 0;
  let sb = 0;
  for (let k = s + 1; k <= s + WINDOW; k++) {
    sa += r[k];
    sb += r[k - 1];
  }
  const ma = sa / WINDOW;
  const mb = sb / WINDOW;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let k = s + 1; k <= s + WINDOW; k++) {
    const a = r[k] - ma;
    const b = r[k - 1] - mb;
    sab += a * b;
    saa += a * a;
    sbb += b * b;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : Number.NaN;
}
