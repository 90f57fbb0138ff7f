/**
 * One base model of a config: fitted on a Python worker on the train rows (early stopping on the val
 * rows), handed back as ONNX, then run here in onnxruntime-node on the val and test rows. Those ONNX
 * predictions are what evaluation, calibration and the bundle use; the worker's native predictions
 * on the same rows are kept only to measure parity, and a model whose ONNX graph does not reproduce
 * them within PARITY_TOLERANCE is refused.
 *
 * A `feature_matrix` model reads one preprocessed feature row per sample; a `window_tensor` model
 * reads the L rows ending at the sample (window-runner.ts), sent to the worker as window frames
 * (window-frames.ts). Every split row has a full window past the feature warm-up (Dataset.sampleStart),
 * so both kinds score the same rows and nothing downstream sees a missing prediction.
 */
import type { BaseModelConfig } from "../config/schema.ts";
import { ConfigError, WorkerError } from "../core/errors.ts";
import { modelInputColumns, modelInputRowMajor, transformOf } from "../models/preprocessing.ts";
import { windowFill, windowLengthOf } from "../models/window-runner.ts";
import { findModel, type OutputName } from "../registry/index.ts";
import type { ColumnSet } from "../workers/arrow-frames.ts";
import type { WorkerPool } from "../workers/pool.ts";
import type { outputNames as OUTPUT_HEADS } from "../workers/protocol/messages.ts";
import { type WindowFrame, windowFrame } from "../workers/window-frames.ts";
import type { Dataset } from "./dataset.ts";
import { fitChecked } from "./fit-checked.ts";

export { PARITY_TOLERANCE } from "./fit-checked.ts";

/** The column each output head is fitted on. */
export const OUTPUT_TARGETS: Partial<Record<OutputName, "target_label" | "target_ret">> = {
  p_up: "target_label",
  E_r: "target_ret",
  q05: "target_ret",
  q50: "target_ret",
  q95: "target_ret",
};

export interface FittedBaseModel {
  id: string;
  name: string;
  outputs: readonly OutputName[];
  params: Record<string, unknown>;
  /** The input the ONNX graph takes: feature rows, or windows of L rows. */
  view: "feature_matrix" | "window_tensor";
  /** One sample's shape: [f] or [L, f]. */
  inputShape: number[];
  onnx: Uint8Array;
  inputName: string;
  opset: number;
  fitSeconds: number;
  attempts: number;
  workerMetrics: Record<string, number>;
  libraryVersions: Record<string, string>;
  /** ONNX-in-Node predictions per output, aligned with split.val / split.test. */
  val: Map<string, Float64Array>;
  test: Map<string, Float64Array>;
  parity: Record<string, { rows: number; max_abs_diff: number }>;
}

function targetColumn(ds: Dataset, column: "target_label" | "target_ret", rows: Int32Array): Float32Array {
  const src = column === "target_label" ? ds.labels.label : ds.labels.ret;
  const out = new Float32Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = src[rows[k]!]!;
  return out;
}

function concatRows(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * The model inputs of a run, built once and shared by every base model: scaled feature columns of the
 * train, val and val+test rows, and the target columns; for each window length of the config, the
 * window frames of the same rows. Built before any worker starts, so the seconds this takes on
 * millions of rows never starve the workers' heartbeats.
 */
export interface ModelFrames {
  train: ColumnSet;
  valid: ColumnSet;
  predict: ColumnSet;
  predictRows: Int32Array;
  targets: { train: Map<string, Float32Array>; valid: Map<string, Float32Array> };
  /** Window frames by window length L (targets included in train and valid). */
  windows: Map<number, { train: WindowFrame; valid: WindowFrame; predict: WindowFrame }>;
}

const TARGET_COLUMNS = ["target_label", "target_ret"] as const;

/** The window frame of `rows` (scaled and imputed like every model input), targets included when asked. */
export function windowFrameOf(ds: Dataset, rows: Int32Array, L: number, withTargets: boolean): WindowFrame {
  return windowFrame(ds.frame, rows, L, {
    scaler: ds.scaler,
    impute: true,
    ...(withTargets
      ? {
          targets: TARGET_COLUMNS.map(
            (t) => [t, t === "target_label" ? ds.labels.label : ds.labels.ret] as const,
          ),
        }
      : {}),
  });
}

/** The frame columns a fit needs: features (and window_end), plus only the targets its heads use. */
export function fitColumns(frame: WindowFrame, targets: readonly string[]): ColumnSet {
  return frame.columns.filter(
    ([name]) => !(TARGET_COLUMNS as readonly string[]).includes(name) || targets.includes(name),
  );
}

export function buildModelFrames(ds: Dataset, windowLengths: readonly number[] = []): ModelFrames {
  const { split } = ds;
  const predictRows = concatRows(split.val, split.test);
  const named = (rows: Int32Array): ColumnSet => {
    const features = modelInputColumns(ds.frame, ds.scaler, rows);
    return ds.frame.featureNames.map((name, j) => [name, features[j]!] as const);
  };
  const targets = (rows: Int32Array) =>
    new Map((["target_label", "target_ret"] as const).map((t) => [t, targetColumn(ds, t, rows)] as const));
  return {
    train: named(split.train),
    valid: named(split.val),
    predict: named(predictRows),
    predictRows,
    targets: { train: targets(split.train), valid: targets(split.val) },
    windows: new Map(
      [...new Set(windowLengths)].map((L) => [
        L,
        {
          train: windowFrameOf(ds, split.train, L, true),
          valid: windowFrameOf(ds, split.val, L, true),
          predict: windowFrameOf(ds, predictRows, L, false),
        },
      ]),
    ),
  };
}

export async function fitBaseModel(
  pool: WorkerPool,
  model: BaseModelConfig,
  ds: Dataset,
  frames: ModelFrames,
  seed: number,
): Promise<FittedBaseModel> {
  const entry = findModel(model.name);
  if (entry === undefined) throw new WorkerError("WORKER_FAILED", `model "${model.name}" is not registered`);
  const outputs = model.outputs as OutputName[];
  const heads = outputs.map((name) => {
    const target = OUTPUT_TARGETS[name];
    if (target === undefined) {
      throw new WorkerError(
        "WORKER_FAILED",
        `model "${model.id}": output ${name} has no training target yet`,
        {
          model: model.id,
        },
      );
    }
    return { name: name as (typeof OUTPUT_HEADS)[number], target };
  });
  const targets = [...new Set(heads.map((h) => h.target))];
  const { split } = ds;
  const { predictRows } = frames;
  const withTargets = (columns: ColumnSet, t: Map<string, Float32Array>): ColumnSet => [
    ...columns,
    ...targets.map((name) => [name, t.get(name)!] as const),
  ];

  const f = ds.frame.featureNames.length;
  const transform = transformOf(ds.frame.featureNames, ds.scaler);
  const base = {
    what: `model "${model.id}"`,
    fitter: entry.fitter,
    params: model.config,
    seed,
    heads,
    features: f,
    predictRows: predictRows.length,
  };
  const L = windowLengthOf(model);
  if (model.view !== "feature_matrix" && L === null) {
    throw new ConfigError(
      `base_models ${model.id}: view ${model.view} is not trained by mlf train yet; use feature_matrix or window_tensor`,
      `base_models.${model.id}.view`,
    );
  }
  let fit: Awaited<ReturnType<typeof fitChecked>>;
  if (L === null) {
    fit = await fitChecked(pool, {
      ...base,
      train: withTargets(frames.train, frames.targets.train),
      valid: withTargets(frames.valid, frames.targets.valid),
      predict: frames.predict,
      fill: (from, to, out) => modelInputRowMajor(ds.frame, transform, predictRows, from, to, out),
    });
  } else {
    const w = frames.windows.get(L);
    if (w === undefined) throw new ConfigError(`no window frames were built for L = ${L}`, "base_models");
    fit = await fitChecked(pool, {
      ...base,
      train: fitColumns(w.train, targets),
      valid: fitColumns(w.valid, targets),
      predict: w.predict.columns,
      fill: windowFill(ds.frame, transform, predictRows, L),
      window: { shape: w.train.inputShape, sampleFrameRows: w.predict.sampleFrameRows },
    });
  }
  const { outcome, predictions: viaOnnx, parity } = fit;

  const nVal = split.val.length;
  const val = new Map<string, Float64Array>();
  const test = new Map<string, Float64Array>();
  for (const [name, values] of viaOnnx) {
    val.set(name, values.slice(0, nVal));
    test.set(name, values.slice(nVal));
  }
  return {
    id: model.id,
    name: model.name,
    outputs,
    params: model.config,
    view: L === null ? "feature_matrix" : "window_tensor",
    inputShape: L === null ? [f] : [L, f],
    onnx: outcome.onnx.bytes,
    inputName: outcome.onnx.inputName,
    opset: outcome.onnx.opset,
    fitSeconds: outcome.fitSeconds,
    attempts: outcome.attempts,
    workerMetrics: outcome.metrics,
    libraryVersions: outcome.libraryVersions,
    val,
    test,
    parity,
  };
}
