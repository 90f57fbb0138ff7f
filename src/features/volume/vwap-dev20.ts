import { ALL_TIMEFRAMES } from "../../core/timeframes.ts";
import { RollingSum } from "../primitives/rolling-sum.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";
import { requireVolume } from "./require-volume.ts";

const WINDOW = 20;

/**
 * Deviation of the close from the rolling 20-bar VWAP of typical price:
 * close / (Σ tp·volume / Σ volume) − 1 with tp = (high + low + close) / 3. A fraction of price.
 * Warmup 19. NaN when the window's volume is 0 (VWAP undefined). Sums are RollingSums (O(1),
 * re-anchored every 20 bars, exact for integer volumes).
 */
class VwapDev20Kernel implements FeatureKernel {
  private readonly priceVolume = new RollingSum(WINDOW);
  private readonly volumes = new RollingSum(WINDOW);

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const { high, low, close } = src;
    const volume = requireVolume(src, "vwap_dev20");
    const o = out[0];
    const pv = this.priceVolume;
    const vs = this.volumes;
    for (let i = from; i < to; i++) {
      const v = volume[i];
      pv.push(((high[i] + low[i] + close[i]) / 3) * v);
      vs.push(v);
      const sv = vs.value; // NaN until the window is full
      o[i - from] = sv > 0 ? close[i] / (pv.value / sv) - 1 : Number.NaN;
    }
  }
}

export const vwapDev20: IndicatorSpec = {
  kind: "indicator",
  id: "vwap_dev20",
  family: "volume",
  timeframes: ALL_TIMEFRAMES,
  needsVolume: true,
  outputs: [
    {
      name: "vwap_dev20",
      definition: "close / rolling 20-bar VWAP of typical price (H+L+C)/3 − 1, fraction (NaN if no volume)",
    },
  ],
  warmup: WINDOW - 1,
  create: () => new VwapDev20Kernel(),
};
