import type { TimeframeId } from "../../core/timeframes.ts";
import { RollingSum } from "../primitives/rolling-sum.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";
import { TickRule } from "./tick-rule.ts";

const WINDOW = 20;

/**
 * Signed-volume (order-flow) imbalance: Σ side_t · v_t / Σ v_t over the last 20 bars, -1..1, with each
 * bar's side from the tick rule (tick-rule.ts). NaN when the 20 bars traded nothing. Running sums,
 * re-anchored every 20 bars (RollingSum); integer volumes keep them exact.
 */
export const signedVolume: IndicatorSpec = {
  kind: "indicator",
  id: "signed_volume",
  family: "microstructure",
  timeframes: ["1m"],
  needsVolume: true,
  outputs: [
    {
      name: "signed_volume_imb20",
      definition: "Σ tick-rule side · volume / Σ volume over 20 bars: buy minus sell share of volume, -1..1",
    },
  ],
  warmup: WINDOW,
  // Relative CPU time per bar (bench/features-kernels.ts), for balancing threads.
  cost: 1.5,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new SignedVolumeKernel();
  },
};

class SignedVolumeKernel implements FeatureKernel {
  private readonly rule = new TickRule();
  private readonly signed = new RollingSum(WINDOW);
  private readonly volume = new RollingSum(WINDOW);

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const v = src.volume!;
    const o = out[0];
    for (let i = from; i < to; i++) {
      const side = this.rule.update(src.close, i);
      if (i > 0) {
        this.signed.push(side * v[i]);
        this.volume.push(v[i]);
      }
      if (!this.volume.full) {
        o[i - from] = Number.NaN;
        continue;
      }
      const total = this.volume.value;
      o[i - from] = total > 0 ? this.signed.value / total : Number.NaN;
    }
  }
}
