/**
 * The input of a window model (ONNX input `windows`, float32 [batch, L, f]) and its batched run.
 *
 * The window ending at bar t is the model-input rows t−L+1 … t, oldest first, each row preprocessed
 * exactly like a tabular model's row (preprocessing.ts: scale in float64, round to float32,
 * non-finite → 0). Training sends the worker the same values (window-frames.ts with `impute`), so the
 * worker's windows, the ONNX predictions train keeps, and `mlf predict`'s windows are bit-identical.
 * Rows before L−1 have no window: a run's first sample row is past the feature warm-up by L−1 bars
 * (dataset.ts), so every sample's window holds bars past the warm-up only.
 */
import type { BaseModelConfig } from "../config/schema.ts";
import { ConfigError, DataError } from "../core/errors.ts";
import type { FeatureColumns } from "../views/feature-frame.ts";
import { runBatched, type TabularSession } from "./onnx-runner.ts";
import { type ColumnTransform, modelInputRowMajor } from "./preprocessing.ts";

/**
 * The window length L of a window_tensor model (its `seq_len`, registry/models/sequence-params.ts), or
 * null for a model that reads feature rows.
 */
export function windowLengthOf(model: Pick<BaseModelConfig, "id" | "view" | "config">): number | null {
  if (model.view !== "window_tensor") return null;
  const L = model.config.seq_len;
  if (typeof L !== "number" || !Number.isInteger(L) || L < 1) {
    throw new ConfigError(
      `base_models ${model.id}: config.seq_len (the window length in bars) must be a positive whole number for view window_tensor`,
      `base_models.${model.id}.config.seq_len`,
    );
  }
  return L;
}

/** Bars the windows of `models` reach back beyond a sample's own bar: the longest L − 1, or 0. */
export function windowWarmupBars(models: ReadonlyArray<Pick<BaseModelConfig, "id" | "view" | "config">>) {
  let extra = 0;
  for (const m of models) extra = Math.max(extra, (windowLengthOf(m) ?? 1) - 1);
  return extra;
}

/** Float32 values per onnxruntime call (16 MiB): bounds memory whatever L·f is. */
export const WINDOW_BATCH_VALUES = 1 << 22;

/** Samples per batch for windows of L × f values (at least one). */
export function windowBatchSamples(L: number, f: number): number {
  return Math.max(1, Math.floor(WINDOW_BATCH_VALUES / (L * f)));
}

/**
 * fill(from, to, out) writing the windows ending at rows[from..to) as [to−from, L, f] into `out`.
 * Every row must be at least L−1 (a DataError names the first that is not).
 */
export function windowFill(
  frame: FeatureColumns,
  transform: ColumnTransform,
  rows: ArrayLike<number>,
  L: number,
): (from: number, to: number, out: Float32Array) => void {
  for (let k = 0; k < rows.length; k++) {
    const t = rows[k]!;
    if (!(t >= L - 1 && t < frame.length)) {
      throw new DataError(`row ${t} has no window of ${L} bars in a frame of ${frame.length} rows`, {
        row: t,
      });
    }
  }
  let index = new Int32Array(0);
  return (from, to, out) => {
    const n = (to - from) * L;
    if (index.length < n) index = new Int32Array(n);
    for (let k = from, o = 0; k < to; k++) {
      const first = rows[k]! - L + 1;
      for (let l = 0; l < L; l++) index[o++] = first + l;
    }
    modelInputRowMajor(frame, transform, index, 0, n, out);
  };
}

/** A window model's outputs for the windows ending at `rows`. */
export function runWindows(
  session: TabularSession,
  frame: FeatureColumns,
  transform: ColumnTransform,
  rows: ArrayLike<number>,
  L: number,
  outputs: readonly string[],
): Promise<Map<string, Float64Array>> {
  const f = frame.features.length;
  return runBatched(
    session,
    rows.length,
    [L, f],
    outputs,
    windowFill(frame, transform, rows, L),
    windowBatchSamples(L, f),
  );
}
