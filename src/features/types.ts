/**
 * The feature contract. Every indicator is one file under src/features/<family>/<name>.ts exporting
 * one IndicatorSpec (or DerivedSpec), listed once in its family's index.ts.
 *
 * Streaming is the only code path: the engine calls `advance` on consecutive source ranges
 * [from, to) of a growing series. Batch = ranges of 65,536 bars; live = ranges of one bar. A kernel
 * therefore keeps every running quantity in its own state and must produce bit-identical values
 * however the ranges are split. It may read any source bar < to (history), never one >= to.
 */
import type { TimeframeId } from "../core/timeframes.ts";

export type FeatureFamily =
  | "momentum"
  | "volatility"
  | "volume"
  | "microstructure"
  | "regime"
  | "interaction"
  | "wavelet"
  | "statistics"
  | "time";

/**
 * Completed bars of one timeframe. Arrays may be longer than `length` and are replaced when the
 * series grows: read them through `src` inside `advance`, never keep a reference between calls.
 */
export interface SeriesView {
  readonly timeframe: TimeframeId;
  readonly length: number;
  /** Bar start, UTC epoch ms. For higher timeframes, the bin start. */
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  /** null when the data has no volume; specs with needsVolume are then never instantiated. */
  readonly volume: Float64Array | null;
  /** Number of 1m bars aggregated into each bar (1 on the 1m series). */
  readonly count: Float64Array;
}

export interface FeatureKernel {
  /**
   * Compute values for source bars [from, to), writing output k of bar i to out[k][i - from].
   * Write NaN where the value is undefined (warm-up, zero division); never 0 as a stand-in.
   */
  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void;
}

export interface FeatureOutput {
  /** Column stem: the column is `${name}_${timeframe}` (e.g. rsi14_5m). snake_case, no timeframe in it. */
  readonly name: string;
  /** One line: what the value is, with units (e.g. "RSI(14), Wilder smoothing, 0..100"). */
  readonly definition: string;
}

/** An indicator computed on the bars of one or more timeframes. */
export interface IndicatorSpec {
  readonly kind: "indicator";
  /** Registry id, unique: usually the file name. */
  readonly id: string;
  readonly family: FeatureFamily;
  readonly timeframes: readonly TimeframeId[];
  readonly needsVolume: boolean;
  readonly outputs: readonly FeatureOutput[];
  /** Bars of its own timeframe whose values are NaN at the start of a clean series. */
  readonly warmup: number;
  /**
   * CPU time per bar relative to a typical O(1) kernel (1, the default: ~35 ns a bar on the 2-vCPU
   * VM; `bench/features-kernels.ts` measures it). Used only to balance kernels across threads.
   */
  readonly cost?: number;
  /** A fresh kernel with empty state, for one timeframe. */
  create(timeframe: TimeframeId): FeatureKernel;
}

/**
 * A feature computed on the 1m grid from other feature columns already aligned to it (interactions).
 * Inputs are full column names. It runs after every indicator of the same rows.
 */
export interface DerivedSpec {
  readonly kind: "derived";
  readonly id: string;
  readonly family: FeatureFamily;
  readonly inputs: readonly string[];
  /** Full column name (no timeframe appended) and definition. */
  readonly output: FeatureOutput;
  /**
   * Rows [from, to) of the current block: inputs[j][r] is input j at block row r; write out[r], the
   * float64 value. `out` is the float32 output column itself when no other derived spec reads this
   * one (the store rounds to float32 exactly as copying a float64 buffer into it would).
   */
  combine(inputs: readonly Float64Array[], from: number, to: number, out: Float64Array | Float32Array): void;
}

export type FeatureSpec = IndicatorSpec | DerivedSpec;
