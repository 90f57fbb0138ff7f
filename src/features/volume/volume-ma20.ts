import { ALL_TIMEFRAMES } from "../../core/timeframes.ts";
import { RollingSum } from "../primitives/rolling-sum.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";
import { requireVolume } from "./require-volume.ts";

const WINDOW = 20;

/**
 * Natural log of the mean volume of the last 20 bars: ln(mean20(v)), ln(contracts per bar). The log
 * makes the level comparable across contracts and timeframes for tree models and linear ones alike.
 * Warmup 19. NaN when the mean is 0 (ln 0 is −∞, not a usable feature value).
 */
class VolumeMa20Kernel implements FeatureKernel {
  private readonly volumes = new RollingSum(WINDOW);

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const volume = requireVolume(src, "volume_ma20");
    const o = out[0];
    const sum = this.volumes;
    for (let i = from; i < to; i++) {
      sum.push(volume[i]);
      const mean = sum.value / WINDOW; // NaN until the window is full
      o[i - from] = mean > 0 ? Math.log(mean) : Number.NaN;
    }
  }
}

export const volumeMa20: IndicatorSpec = {
  kind: "indicator",
  id: "volume_ma20",
  family: "volume",
  timeframes: ALL_TIMEFRAMES,
  needsVolume: true,
  outputs: [
    {
      name: "volume_ma20",
      definition: "ln of the mean volume of the last 20 bars, ln(volume units) (NaN if that mean is 0)",
    },
  ],
  warmup: WINDOW - 1,
  create: () => new VolumeMa20Kernel(),
};
