/**
 * End to end for the tree fitters: LightGBM and XGBoost fitted by a real Python worker through the pool
 * with both heads (p_up ← target_label, E_r ← target_ret), the returned ONNX graph run in
 * onnxruntime-node on the rows the worker predicted natively: max |Δ| <= 1e-5 on p_up and E_r (the graph
 * computes in float64 and the worker's figures are ~1e-16). Same data, params and seed give
 * byte-identical ONNX. On real TX bars, and on a synthetic matrix that always runs.
 */
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import type { FitOutcome } from "../../src/workers/jobs.ts";
import type { WorkerPool } from "../../src/workers/pool.ts";
import { realDataPath } from "../helpers/real-data.ts";
import { startPool } from "./helpers.ts";
import { type Columns, maxAbsDiff, rowMajor, slice, txFeatureMatrix } from "./tx-features.ts";

const TOLERANCE = 1e-5;
const HEADS = ["p_up", "E_r"] as const;
/** Few trees, one thread: a few seconds per model. */
const PARAMS = { n_estimators: 60, early_stopping_rounds: 10, num_threads: 1 };

interface Data {
  features: Columns;
  target: Float32Array;
  ret: Float32Array;
}

async function fitTrees(
  pool: WorkerPool,
  modelId: string,
  data: Data,
  cut: [number, number, number, number],
) {
  const [a, b, c, d] = cut;
  const { features, target, ret } = data;
  const frame = (start: number, end: number): Columns => [
    ...slice(features, start, end),
    ["target_label", target.subarray(start, end)],
    ["target_ret", ret.subarray(start, end)],
  ];
  return pool.fit({
    modelId,
    params: PARAMS,
    seed: 7,
    view: "feature_matrix",
    inputShape: [features.length],
    outputs: [
      { name: "p_up", target: "target_label" },
      { name: "E_r", target: "target_ret" },
    ],
    train: frame(a, b),
    valid: frame(b, c),
    predict: slice(features, c, d),
    timeoutMs: 120_000,
  });
}

async function viaOnnx(outcome: FitOutcome, features: Columns): Promise<Record<string, Float64Array>> {
  const session = await ort.InferenceSession.create(outcome.onnx.bytes, { intraOpNumThreads: 1 });
  const rows = features[0]![1].length;
  const input = new ort.Tensor("float32", rowMajor(features), [rows, features.length]);
  const out = await session.run({ [outcome.onnx.inputName]: input });
  const values: Record<string, Float64Array> = {};
  for (const head of HEADS) {
    const tensor = out[head];
    expect(tensor?.type, head).toBe("float64");
    expect(tensor?.dims, head).toEqual([rows]);
    values[head] = tensor!.data as Float64Array;
  }
  return values;
}

/** Fits twice (same seed), checks the ONNX bytes are identical and ONNX == native on every predict row. */
async function checkModel(modelId: string, data: Data, cut: [number, number, number, number]) {
  const { pool } = await startPool();
  const first = await fitTrees(pool, modelId, data, cut);
  const second = await fitTrees(pool, modelId, data, cut);
  expect(Buffer.from(second.onnx.bytes).equals(Buffer.from(first.onnx.bytes))).toBe(true);
  expect(first.onnx.outputNames).toEqual([...HEADS]);
  const predict = slice(data.features, cut[2], cut[3]);
  const onnx = await viaOnnx(first, predict);
  const diffs: Record<string, number> = {};
  for (const head of HEADS) {
    const native = first.predictions.columns.get(head);
    expect(native, head).toBeInstanceOf(Float64Array);
    expect(native!.length).toBe(cut[3] - cut[2]);
    diffs[head] = maxAbsDiff(native!, onnx[head]!);
    expect(diffs[head], head).toBeLessThanOrEqual(TOLERANCE);
  }
  return { outcome: first, diffs, native: first.predictions.columns };
}

function syntheticData(n: number): Data {
  let s = 2024;
  const rand = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  const features: Columns = Array.from(
    { length: 5 },
    (_, j) => [`f${j}`, Float32Array.from({ length: n }, () => rand() * (j + 1))] as const,
  );
  const z = Float64Array.from(
    { length: n },
    (_, i) => 2 * features[0]![1][i]! - features[2]![1][i]! + rand(),
  );
  const target = Float32Array.from(z, (v, i) => (i % 50 === 0 ? Number.NaN : Math.sign(v)));
  const ret = Float32Array.from(z, (v, i) => (i % 40 === 0 ? Number.NaN : 1e-3 * v));
  return { features, target, ret };
}

describe.each(["lightgbm", "xgboost"])("%s: native predictions vs ONNX in onnxruntime-node", (modelId) => {
  it("synthetic feature matrix: both heads within 1e-5, identical bytes on refit", async () => {
    const { outcome } = await checkModel(modelId, syntheticData(6000), [0, 4000, 5000, 6000]);
    expect(outcome.metrics.p_up_valid_auc).toBeGreaterThan(0.8); // the signal is learnable
    expect(outcome.metrics.E_r_valid_corr).toBeGreaterThan(0.5);
    expect(outcome.libraryVersions[modelId]).toMatch(/^\d+\.\d+/);
  });

  const tx = realDataPath("tx");
  it.skipIf(tx === undefined)("real TX bars: both heads within 1e-5, identical bytes on refit", async () => {
    const data = txFeatureMatrix(tx!, 5);
    const n = data.target.length;
    const { diffs, native, outcome } = await checkModel(modelId, data, [5, 30_000, 40_000, n]);
    console.info(
      `${modelId} on TX bars: max |Δp_up| ${diffs.p_up}, max |ΔE_r| ${diffs.E_r} over ${n - 40_000} rows; ` +
        `trees p_up ${outcome.metrics.p_up_n_trees}, E_r ${outcome.metrics.E_r_n_trees}`,
    );
    const pUp = Array.from(native.get("p_up")!).filter(Number.isFinite);
    expect(pUp.length).toBeGreaterThan(0.99 * (n - 40_000)); // NaN only where a lag crosses a roll
    for (const p of pUp) expect(p > 0 && p < 1).toBe(true);
  });
});
