/**
 * The main job's model stage: fit the configured model on a Python worker, then prove the returned
 * ONNX graph reproduces the worker's own predictions in onnxruntime-node before anything is kept.
 *
 * Inputs are the feature columns of the train rows, scaled with the train-fitted scaler and with
 * NaN (warm-up, undefined values) replaced by 0, i.e. the train mean: exactly what serving does with
 * scaler.json, so the model never sees a value serving could not produce. Native predictions are
 * made on the val rows, which is also where the worker's metrics come from.
 */
import * as ort from "onnxruntime-node";
import type { ExperimentConfig, ModelConfig } from "../config/schema.ts";
import { WorkerError } from "../core/errors.ts";
import type { ScalerParams } from "../scalers/scaler-params.ts";
import type { FeatureFrame } from "../views/feature-frame.ts";
import { columnTransform } from "../views/feature-matrix.ts";
import type { ColumnSet } from "../workers/arrow-frames.ts";
import { poolOptionsFromConfig } from "../workers/config.ts";
import { type PoolEvent, WorkerPool } from "../workers/pool.ts";

export const ONNX_PARITY_TOLERANCE = 1e-6;

export interface FittedModel {
  modelId: string;
  onnx: Uint8Array;
  /** Written to model.json: nothing time- or machine-dependent, so reruns give identical bytes. */
  card: {
    model_id: string;
    params: Record<string, unknown>;
    seed: number;
    input: { name: string; shape: [string, number]; dtype: "float32"; features: readonly string[] };
    outputs: readonly string[];
    opset: number;
    preprocessing: string;
    target: string;
    train_rows: number;
    val_rows: number;
    metrics: Record<string, number>;
    onnx_parity: { rows: number; max_abs_diff: number; tolerance: number };
    library_versions: Record<string, string>;
  };
  fitSeconds: number;
}

/** Scaled feature columns for `rows`, NaN → 0 (train mean), plus the target as float32 (NaN kept). */
function modelColumns(
  frame: FeatureFrame,
  scaler: ScalerParams,
  rows: Int32Array,
): { features: ColumnSet; target: Float32Array } {
  const { center, scale } = columnTransform(frame.featureNames, scaler);
  const features = frame.featureNames.map((name, j) => {
    const src = frame.features[j];
    const out = new Float32Array(rows.length);
    const c = center[j];
    const s = scale[j];
    for (let k = 0; k < rows.length; k++) {
      const v = (src[rows[k]] - c) / s;
      out[k] = Number.isFinite(v) ? v : 0;
    }
    return [name, out] as const;
  });
  const labels = frame.targetLabel;
  const target = new Float32Array(rows.length);
  for (let k = 0; k < rows.length; k++) target[k] = labels ? labels[rows[k]] : Number.NaN;
  return { features, target };
}

function rowMajor(columns: ColumnSet, n: number): Float32Array {
  const f = columns.length;
  const out = new Float32Array(n * f);
  columns.forEach(([, v], j) => {
    for (let i = 0; i < n; i++) out[i * f + j] = v[i];
  });
  return out;
}

export async function fitModel(
  model: ModelConfig,
  config: ExperimentConfig,
  frame: FeatureFrame,
  scaler: ScalerParams,
  split: { train: Int32Array; val: Int32Array },
  onEvent?: (event: PoolEvent) => void,
): Promise<FittedModel> {
  const train = modelColumns(frame, scaler, split.train);
  const val = modelColumns(frame, scaler, split.val);
  const pool = await WorkerPool.start({
    ...poolOptionsFromConfig(config.workers),
    ...(onEvent !== undefined ? { onEvent } : {}),
  });
  try {
    const out = await pool.fit({
      modelId: model.id,
      params: model.params,
      seed: config.seed,
      view: "feature_matrix",
      inputShape: [frame.featureNames.length],
      outputs: [{ name: "p_up", target: "target_label" }],
      train: [...train.features, ["target_label", train.target]],
      valid: [...val.features, ["target_label", val.target]],
      predict: val.features,
    });
    const native = out.predictions.columns.get("p_up");
    const n = split.val.length;
    const session = await ort.InferenceSession.create(out.onnx.bytes, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
    });
    const result = await session.run({
      [out.onnx.inputName]: new ort.Tensor("float32", rowMajor(val.features, n), [n, val.features.length]),
    });
    const viaOnnx = result.p_up?.data as Float64Array | Float32Array | undefined;
    if (native === undefined || viaOnnx === undefined || viaOnnx.length !== native.length) {
      throw new WorkerError(
        "WORKER_FAILED",
        `model "${model.id}": the ONNX graph or the predictions lack p_up`,
        {
          model: model.id,
        },
      );
    }
    let maxAbsDiff = 0;
    for (let i = 0; i < n; i++) {
      const d = Math.abs(Number(viaOnnx[i]) - Number(native[i]));
      maxAbsDiff = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(maxAbsDiff, d);
    }
    if (!(maxAbsDiff <= ONNX_PARITY_TOLERANCE)) {
      throw new WorkerError(
        "WORKER_FAILED",
        `model "${model.id}": ONNX in onnxruntime-node differs from the worker's predictions by ${maxAbsDiff} (tolerance ${ONNX_PARITY_TOLERANCE}); the model is not kept`,
        { model: model.id },
      );
    }
    return {
      modelId: out.modelId,
      onnx: out.onnx.bytes,
      fitSeconds: out.fitSeconds,
      card: {
        model_id: out.modelId,
        params: model.params,
        seed: config.seed,
        input: {
          name: out.onnx.inputName,
          shape: ["batch", frame.featureNames.length],
          dtype: "float32",
          features: frame.featureNames,
        },
        outputs: out.onnx.outputNames,
        opset: out.onnx.opset,
        preprocessing: "scaler.json (x - center) / scale per feature, then NaN -> 0",
        target: "p_up = P(target_label = +1)",
        train_rows: split.train.length,
        val_rows: n,
        metrics: out.metrics,
        onnx_parity: { rows: n, max_abs_diff: maxAbsDiff, tolerance: ONNX_PARITY_TOLERANCE },
        library_versions: out.libraryVersions,
      },
    };
  } finally {
    await pool.close();
  }
}
