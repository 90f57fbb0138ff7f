/**
 * The contract every windowed model view keeps: samples are produced on demand into caller-sized
 * buffers, never as one (n, L, f) tensor (1M windows × 60 × 200 float32 would be 48 GB). Memory is
 * O(batch · sample size) whatever n is.
 *
 * A view answers, per 1m row t, whether t has a complete window (`hasWindow`), and writes the samples
 * of given rows into a flat row-major Float32Array (`fill`). A window at t reads rows ≤ t only.
 */
import { ConfigError, DataError } from "../core/errors.ts";

export interface LazyView {
  /** Shape of one sample, e.g. [L, f]; a batch of b samples is [b, ...sampleShape], row-major. */
  readonly sampleShape: readonly number[];
  /** Number of 1m rows the view is defined over. */
  readonly length: number;
  /** Whether row t has a complete window (rows without one are excluded, never padded). */
  hasWindow(t: number): boolean;
  /** Writes the samples of `rows` (each with a window) into out[k · sampleSize ...]. */
  fill(rows: Int32Array, out: Float32Array): void;
}

export interface Batch {
  /** The 1m rows of this batch's samples, in order. */
  readonly rows: Int32Array;
  /** [rows.length, ...sampleShape], row-major. */
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

export function sampleSize(view: LazyView): number {
  return view.sampleShape.reduce((a, b) => a * b, 1);
}

/** Splits `rows` into those with a complete window and those without (reported, not padded). */
export function selectWindowRows(
  view: LazyView,
  rows: Int32Array,
): { rows: Int32Array; excluded: Int32Array } {
  const keep: number[] = [];
  const drop: number[] = [];
  for (const t of rows) (view.hasWindow(t) ? keep : drop).push(t);
  return { rows: Int32Array.from(keep), excluded: Int32Array.from(drop) };
}

/** Throws a DataError naming the first row that lies outside the view or has no complete window. */
export function checkRows(view: LazyView, rows: Int32Array): void {
  for (const t of rows) {
    if (!(t >= 0 && t < view.length) || !view.hasWindow(t)) {
      throw new DataError(
        `row ${t} has no complete window in this view: select rows with selectWindowRows first`,
        { row: t },
      );
    }
  }
}

/** Samples of `rows` as one array: for small row sets (tests, one live prediction). */
export function materialize(view: LazyView, rows: Int32Array): Batch {
  checkRows(view, rows);
  const data = new Float32Array(rows.length * sampleSize(view));
  view.fill(rows, data);
  return { rows, data, shape: [rows.length, ...view.sampleShape] };
}

/**
 * Batches of at most `batchSize` samples over `rows` (each must have a window). With `reuse`, every
 * batch is written into the same buffer (the previous batch is overwritten): use it when each batch
 * is consumed before the next is requested.
 */
export function* batches(
  view: LazyView,
  rows: Int32Array,
  batchSize: number,
  opts: { reuse?: boolean } = {},
): Generator<Batch> {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ConfigError(`batch size ${batchSize} must be a positive whole number`);
  }
  checkRows(view, rows);
  const size = sampleSize(view);
  const shared = opts.reuse ? new Float32Array(Math.min(batchSize, rows.length) * size) : null;
  for (let start = 0; start < rows.length; start += batchSize) {
    const part = rows.subarray(start, Math.min(start + batchSize, rows.length));
    const data = shared ? shared.subarray(0, part.length * size) : new Float32Array(part.length * size);
    view.fill(part, data);
    yield { rows: part, data, shape: [part.length, ...view.sampleShape] };
  }
}
