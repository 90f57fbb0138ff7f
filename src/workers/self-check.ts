/**
 * End-to-end check of a worker installation (`mlf workers check`): fit the logistic model on a
 * deterministic synthetic feature matrix, run the returned ONNX graph in onnxruntime-node on the rows
 * the worker predicted natively, and compare. Catches a broken Python env, a converter that changed,
 * or an onnxruntime mismatch on a new machine before a real run does.
 */
import * as ort from "onnxruntime-node";
import { WorkerError } from "../core/errors.ts";
import type { FitRequest } from "./jobs.ts";
import type { WorkerPool } from "./pool.ts";

export const PARITY_TOLERANCE = 1e-6;

export interface SelfCheckResult {
  model: string;
  worker: string;
  rows: number;
  fitSeconds: number;
  maxAbsDiff: number;
  tolerance: number;
  metrics: Record<string, number>;
  libraryVersions: Record<string, string>;
}

/** Deterministic features (LCG) and a target that depends on two of them plus noise. */
function syntheticMatrix(rows: number, seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  const names = ["f0", "f1", "f2", "f3"];
  const cols = names.map(() => new Float32Array(rows));
  const target = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    for (const c of cols) c[i] = next() * 4;
    target[i] = 1.5 * cols[0]![i]! - cols[2]![i]! + next() > 0 ? 1 : -1;
  }
  return { features: names.map((n, j) => [n, cols[j]!] as const), target };
}

export async function runSelfCheck(
  pool: WorkerPool,
  options: { rows: number; seed: number; onProgress?: FitRequest["onProgress"] },
): Promise<SelfCheckResult> {
  const { features, target } = syntheticMatrix(options.rows, options.seed);
  const split = Math.floor(options.rows * 0.8);
  const slice = (a: number, b: number) => features.map(([n, v]) => [n, v.subarray(a, b)] as const);
  const predict = slice(split, options.rows);
  const out = await pool.fit({
    modelId: "logistic",
    params: {},
    seed: options.seed,
    view: "feature_matrix",
    inputShape: [features.length],
    outputs: [{ name: "p_up", target: "target_label" }],
    train: [...slice(0, split), ["target_label", target.subarray(0, split)]],
    predict,
    ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
  });
  const n = options.rows - split;
  const input = new Float32Array(n * features.length);
  predict.forEach(([, v], j) => {
    for (let i = 0; i < n; i++) input[i * features.length + j] = v[i]!;
  });
  const session = await ort.InferenceSession.create(out.onnx.bytes);
  const result = await session.run({
    [out.onnx.inputName]: new ort.Tensor("float32", input, [n, features.length]),
  });
  const viaOnnx = result.p_up?.data as Float64Array | undefined;
  const native = out.predictions.columns.get("p_up");
  if (viaOnnx === undefined || native === undefined || viaOnnx.length !== native.length) {
    throw new WorkerError(
      "WORKER_FAILED",
      `model "logistic": the ONNX graph or the predictions lack p_up for ${n} rows`,
      {
        model: "logistic",
      },
    );
  }
  let maxAbsDiff = 0;
  for (let i = 0; i < n; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(viaOnnx[i]! - native[i]!));
  if (!(maxAbsDiff <= PARITY_TOLERANCE)) {
    throw new WorkerError(
      "WORKER_FAILED",
      `model "logistic": ONNX in onnxruntime-node differs from the worker's predictions by ${maxAbsDiff} (tolerance ${PARITY_TOLERANCE})`,
      { model: "logistic" },
    );
  }
  return {
    model: out.modelId,
    worker: out.workerId,
    rows: options.rows,
    fitSeconds: out.fitSeconds,
    maxAbsDiff,
    tolerance: PARITY_TOLERANCE,
    metrics: out.metrics,
    libraryVersions: out.libraryVersions,
  };
}
