import { ALL_TIMEFRAMES } from "../../core/timeframes.ts";
import { RollingSum } from "../primitives/rolling-sum.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";
import { requireVolume } from "./require-volume.ts";

const WINDOW = 20;

/**
 * The bar's volume relative to the mean volume of the last 20 bars (the bar included): v / mean20(v).
 * Unitless, 1 = an average bar. Warmup 19. NaN when the 20 bars have no volume at all.
 */
class VolumeRatio20Kernel implements FeatureKernel {
  private readonly volumes = new RollingSum(WINDOW);

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const volume = requireVolume(src, "volume_ratio20");
    const o = out[0];
    const sum = this.volumes;
    for (let i = from; i < to; i++) {
      const v = volume[i];
      sum.push(v);
      const mean = sum.value / WINDOW; // NaN until the window is full
      o[i - from] = mean > 0 ? v / mean : Number.NaN;
    }
  }
}

export const volumeRatio20: IndicatorSpec = {
  kind: "indicator",
  id: "volume_ratio20",
  family: "volume",
  timeframes: ALL_TIMEFRAMES,
  needsVolume: true,
  outputs: [
    {
      name: "volume_ratio20",
      definition: "volume / mean volume of the last 20 bars (bar included), unitless (NaN if that mean is 0)",
    },
  ],
  warmup: WINDOW - 1,
  create: () => new VolumeRatio20Kernel(),
};
