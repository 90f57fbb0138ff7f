/**
 * Multi-resolution OHLCV windows from the 1m bars: for each timeframe the last `len` *completed* bars
 * visible at the close of 1m row t (src/features/engine/resample-batch.ts: a higher-timeframe bar is
 * visible only once its bin has closed, so a partial bin never enters a window).
 *
 * - concatenated: (n, Σ len_tf, C) — e.g. 60 × 1m + 12 × 5m + 4 × 15m (+ 1 × 1h) = 76 (77) rows,
 *   blocks in the given timeframe order, oldest bar first inside each block.
 * - stacked: (n, T, L, C) — the same L bars for each of T timeframes.
 * C is 5 (open, high, low, close, volume) when the data has volume, else 4: a missing volume is left
 * out, never filled with a fake value.
 * normalize "none" gives raw prices and volumes; "relative" gives ln(price / close_1m[t]) (the last
 * known price, so the window is scale-free and still causal) and ln(1 + volume).
 * Rows where any timeframe has fewer than `len` completed bars are excluded (hasWindow false).
 */
import { ConfigError } from "../core/errors.ts";
import type { TimeframeId } from "../core/timeframes.ts";
import type { Bars } from "../data/bars.ts";
import { resampleBatch } from "../features/engine/resample-batch.ts";
import type { SeriesView } from "../features/types.ts";
import type { LazyView } from "./lazy-view.ts";

export type MultiResolutionLayout = "concatenated" | "stacked";
export type OhlcvNormalization = "none" | "relative";

export interface MultiResolutionOptions {
  readonly layout: MultiResolutionLayout;
  /** Timeframes, finest first by convention. */
  readonly timeframes: readonly TimeframeId[];
  /** Bars per timeframe (concatenated), or one length for all (stacked). */
  readonly lengths: readonly number[];
  readonly normalize?: OhlcvNormalization;
}

/** The concatenated layout: 60 × 1m, 12 × 5m, 4 × 15m, plus 1 × 1h with `hourly`. */
export function concatenatedDefaults(hourly = false): MultiResolutionOptions {
  return hourly
    ? { layout: "concatenated", timeframes: ["1m", "5m", "15m", "1h"], lengths: [60, 12, 4, 1] }
    : { layout: "concatenated", timeframes: ["1m", "5m", "15m"], lengths: [60, 12, 4] };
}

interface Track {
  readonly series: SeriesView;
  readonly visible: Int32Array;
  readonly len: number;
}

export class MultiResolutionView implements LazyView {
  readonly sampleShape: readonly number[];
  readonly length: number;
  readonly channels: number;
  private readonly tracks: readonly Track[];
  private readonly relative: boolean;

  constructor(
    private readonly bars: Bars,
    opts: MultiResolutionOptions,
  ) {
    const { layout, timeframes, lengths } = opts;
    if (timeframes.length === 0)
      throw new ConfigError("a multi-resolution view needs at least one timeframe");
    if (new Set(timeframes).size !== timeframes.length) {
      throw new ConfigError(`timeframes ${timeframes.join(", ")} repeat one`);
    }
    const lens = layout === "stacked" ? timeframes.map(() => lengths[0]) : lengths;
    if (layout === "stacked" ? lengths.length !== 1 : lengths.length !== timeframes.length) {
      throw new ConfigError(
        layout === "stacked"
          ? "a stacked view takes one window length for all timeframes"
          : `${timeframes.length} timeframes need ${timeframes.length} window lengths, got ${lengths.length}`,
      );
    }
    for (const len of lens) {
      if (!Number.isInteger(len) || len < 1)
        throw new ConfigError(`window length ${len} must be a positive whole number`);
    }
    this.length = bars.length;
    this.channels = bars.volume ? 5 : 4;
    this.relative = (opts.normalize ?? "none") === "relative";
    this.tracks = timeframes.map((tf, k) => ({ ...resampleBatch(bars, tf), len: lens[k] }));
    this.sampleShape =
      layout === "stacked"
        ? [timeframes.length, lens[0], this.channels]
        : [lens.reduce((a, b) => a + b, 0), this.channels];
  }

  hasWindow(t: number): boolean {
    if (!(t >= 0 && t < this.length)) return false;
    for (const tr of this.tracks) if (tr.visible[t] < tr.len) return false;
    return true;
  }

  fill(rows: Int32Array, out: Float32Array): void {
    const C = this.channels;
    const rowSize = this.sampleShape.reduce((a, b) => a * b, 1);
    for (let k = 0; k < rows.length; k++) {
      const t = rows[k];
      const ref = this.bars.close[t];
      let o = k * rowSize;
      for (const { series, visible, len } of this.tracks) {
        const first = visible[t] - len;
        const vol = series.volume;
        for (let b = first; b < first + len; b++) {
          if (this.relative) {
            out[o] = Math.log(series.open[b] / ref);
            out[o + 1] = Math.log(series.high[b] / ref);
            out[o + 2] = Math.log(series.low[b] / ref);
            out[o + 3] = Math.log(series.close[b] / ref);
            if (vol) out[o + 4] = Math.log1p(vol[b]);
          } else {
            out[o] = series.open[b];
            out[o + 1] = series.high[b];
            out[o + 2] = series.low[b];
            out[o + 3] = series.close[b];
            if (vol) out[o + 4] = vol[b];
          }
          o += C;
        }
      }
    }
  }
}
