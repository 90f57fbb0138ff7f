/**
 * Window frames for the worker protocol (proto/README.md, "Window frames"): the bars a set of window
 * samples needs, sent once, instead of L copies of every bar.
 *
 * `windowFrame(frame, rows, L)` selects the source rows the windows ending at `rows` read (t−L+1 … t
 * for each sample t), merges overlapping ranges, and returns them as one frame: the f feature columns
 * (scaled like WindowTensorView: (x − center) / scale computed in float64, stored float32, so the
 * worker's windows are bit-identical to the view's), `window_end` (1 on the samples, 0 on context
 * rows) and, when asked, target columns (the target at the samples, NaN on context rows). The worker
 * cuts the window of a marked frame row r as frame rows r−L+1 … r; ranges are merged only where the
 * source rows are contiguous, so each window is exactly the view's window. Memory: at most
 * min(span, samples·L) rows × (f + 1 + targets) × 4 bytes.
 *
 * The worker's predictions come back one per frame row (NaN on context rows and on windows holding a
 * non-finite value); `samplePredictions` picks the samples' values in `rows` order.
 */
import { DataError } from "../core/errors.ts";
import type { ScalerParams } from "../scalers/scaler-params.ts";
import type { FeatureColumns } from "../views/feature-frame.ts";
import { columnTransform } from "../views/feature-matrix.ts";
import type { ColumnSet } from "./arrow-frames.ts";

/** The marker column of the bar layout (python-workers/.../torch_base/windows.py WINDOW_END). */
export const WINDOW_END = "window_end";

export interface WindowFrameOptions {
  /** Fitted on train rows; the same scaler the serving WindowTensorView applies. */
  readonly scaler?: ScalerParams;
  /** Target columns by name (e.g. target_label, target_ret), indexed by source row. */
  readonly targets?: ReadonlyArray<readonly [name: string, values: ArrayLike<number>]>;
  /**
   * Replace non-finite scaled values by 0, the bundle's impute rule (models/preprocessing.ts), so the
   * frame holds exactly the model-input rows `mlf train` and `mlf predict` feed the ONNX graph.
   */
  readonly impute?: boolean;
}

export interface WindowFrame {
  /** Feature columns (source order), window_end, then the targets: FitRequest.train/valid/predict. */
  readonly columns: ColumnSet;
  /** Source row of every frame row. */
  readonly sourceRows: Int32Array;
  /** Frame row of each sample, in the order of `rows`. */
  readonly sampleFrameRows: Int32Array;
  /** input_shape of the fit: [L, f]. */
  readonly inputShape: [number, number];
}

/** Builds the bar-layout frame of the windows ending at `rows` (strictly increasing, each >= L−1). */
export function windowFrame(
  frame: FeatureColumns,
  rows: Int32Array,
  windowLength: number,
  opts: WindowFrameOptions = {},
): WindowFrame {
  const L = windowLength;
  if (!Number.isInteger(L) || L < 1) {
    throw new DataError(`window length ${L} must be a positive whole number of bars`);
  }
  const source: number[] = [];
  const marks: number[] = [];
  const sampleFrameRows = new Int32Array(rows.length);
  let next = -1; // the first source row not yet in the frame
  for (let k = 0; k < rows.length; k++) {
    const t = rows[k]!;
    if (!(t >= L - 1 && t < frame.length) || (k > 0 && t <= rows[k - 1]!)) {
      throw new DataError(
        `window row ${t} must lie in [${L - 1}, ${frame.length}) and follow the previous row (rows strictly increasing)`,
        { row: t },
      );
    }
    for (let r = Math.max(t - L + 1, next); r <= t; r++) {
      source.push(r);
      marks.push(0);
    }
    next = t + 1;
    marks[marks.length - 1] = 1;
    sampleFrameRows[k] = source.length - 1;
  }
  const sourceRows = Int32Array.from(source);
  const n = sourceRows.length;
  const { center, scale } = columnTransform(frame.featureNames, opts.scaler);
  const columns: Array<readonly [string, Float32Array]> = frame.features.map((col, j) => {
    const out = new Float32Array(n);
    const c = center[j]!;
    const s = scale[j]!;
    for (let i = 0; i < n; i++) out[i] = (col[sourceRows[i]!]! - c) / s;
    if (opts.impute) for (let i = 0; i < n; i++) if (!Number.isFinite(out[i]!)) out[i] = 0;
    return [frame.featureNames[j]!, out] as const;
  });
  columns.push([WINDOW_END, Float32Array.from(marks)]);
  for (const [name, values] of opts.targets ?? []) {
    const out = new Float32Array(n).fill(Number.NaN);
    for (const i of sampleFrameRows) out[i] = values[sourceRows[i]!]!;
    columns.push([name, out]);
  }
  return { columns, sourceRows, sampleFrameRows, inputShape: [L, frame.features.length] };
}

/** The samples' predictions (in `rows` order) from a per-frame-row prediction column. */
export function samplePredictions(frame: WindowFrame, predictions: Float64Array): Float64Array {
  if (predictions.length !== frame.sourceRows.length) {
    throw new DataError(
      `${predictions.length} predictions for a window frame of ${frame.sourceRows.length} rows`,
    );
  }
  return Float64Array.from(frame.sampleFrameRows, (i) => predictions[i]!);
}
