/**
 * Foundation-model view: 1m OHLC windows (n, L, 4) — rows t−L+1 … t, channels open, high, low, close —
 * z-scored per window with that window's own values only: one mean and one (population) standard
 * deviation over all 4·L prices, so high ≥ close ≥ low still holds after scaling and nothing outside
 * the window (no train-set statistic, no later bar) enters.
 *
 * Flat windows: when std ≤ FLAT_EPSILON · |mean| (every price equal, or a spread at the level of float
 * rounding), the scale is 1 and the window is only centred, i.e. all zeros for a flat window, instead of
 * dividing by (almost) zero. `stats` can receive each window's mean and the scale used, to map a
 * forecast back to prices (price = z · scale + mean).
 */

import { ConfigError } from "../core/errors.ts";
import type { Bars } from "../data/bars.ts";
import type { LazyView } from "./lazy-view.ts";

/** Relative threshold below which a window counts as flat (1e-9 of the price level). */
export const FLAT_EPSILON = 1e-9;

export class FoundationView implements LazyView {
  readonly sampleShape: readonly [number, 4];
  readonly length: number;

  constructor(
    private readonly bars: Pick<Bars, "length" | "open" | "high" | "low" | "close">,
    readonly windowLength: number,
  ) {
    if (!Number.isInteger(windowLength) || windowLength < 2) {
      throw new ConfigError(`foundation window length ${windowLength} must be a whole number ≥ 2`);
    }
    this.length = bars.length;
    this.sampleShape = [windowLength, 4];
  }

  hasWindow(t: number): boolean {
    return t >= this.windowLength - 1 && t < this.length;
  }

  /** `stats`, when given, receives [mean, scale] of sample k at stats[2k], stats[2k + 1]. */
  fill(rows: Int32Array, out: Float32Array, stats?: Float64Array): void {
    const L = this.windowLength;
    const chans = [this.bars.open, this.bars.high, this.bars.low, this.bars.close];
    const count = 4 * L;
    for (let k = 0; k < rows.length; k++) {
      const first = rows[k] - L + 1;
      let sum = 0;
      for (const ch of chans) for (let i = first; i < first + L; i++) sum += ch[i];
      const mean = sum / count;
      let ss = 0;
      for (const ch of chans) {
        for (let i = first; i < first + L; i++) {
          const d = ch[i] - mean;
          ss += d * d;
        }
      }
      const std = Math.sqrt(ss / count);
      const scale = std > FLAT_EPSILON * Math.abs(mean) && std > 0 ? std : 1;
      const base = k * count;
      for (let c = 0; c < 4; c++) {
        const ch = chans[c];
        for (let l = 0; l < L; l++) out[base + l * 4 + c] = (ch[first + l] - mean) / scale;
      }
      if (stats) {
        stats[2 * k] = mean;
        stats[2 * k + 1] = scale;
      }
    }
  }
}
