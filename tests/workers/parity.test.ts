/**
 * End to end: logistic regression fitted by a real Python worker, its ONNX graph run in
 * onnxruntime-node on the same rows the worker predicted natively (predict_proba): max |Δp| <= 1e-6.
 * Once on real TX 1-minute bars (lagged returns, range, volume; target = next bar up, masked across
 * contract rolls), once on synthetic data that always runs.
 */
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import type { FitOutcome } from "../../src/workers/jobs.ts";
import { realDataPath } from "../helpers/real-data.ts";
import { startPool } from "./helpers.ts";
import { type Columns, maxAbsDiff, rowMajor, slice, txFeatureMatrix } from "./tx-features.ts";

async function onnxPUp(outcome: FitOutcome, features: Columns): Promise<Float64Array> {
  const session = await ort.InferenceSession.create(outcome.onnx.bytes, { intraOpNumThreads: 1 });
  const rows = features[0]![1].length;
  const input = new ort.Tensor("float32", rowMajor(features), [rows, features.length]);
  const out = await session.run({ [outcome.onnx.inputName]: input });
  const pUp = out.p_up;
  if (pUp === undefined) throw new Error(`ONNX outputs ${Object.keys(out).join(", ")} lack p_up`);
  return Float64Array.from(pUp.data as Float64Array);
}

async function fitAndCompare(features: Columns, target: Float32Array, cut: [number, number, number, number]) {
  const { pool } = await startPool();
  const [a, b, c, d] = cut;
  const predict = slice(features, c, d);
  const outcome = await pool.fit({
    modelId: "logistic",
    params: { C: 0.5, max_iter: 500 },
    seed: 11,
    view: "feature_matrix",
    inputShape: [features.length],
    outputs: [{ name: "p_up", target: "target_label" }],
    train: [...slice(features, a, b), ["target_label", target.subarray(a, b)]],
    valid: [...slice(features, b, c), ["target_label", target.subarray(b, c)]],
    predict,
    timeoutMs: 120_000,
  });
  const native = outcome.predictions.columns.get("p_up")!;
  expect(native).toBeInstanceOf(Float64Array);
  expect(native.length).toBe(d - c);
  const viaOnnx = await onnxPUp(outcome, predict);
  return { outcome, native, viaOnnx };
}

describe("logistic regression: native predict_proba vs ONNX in onnxruntime-node", () => {
  it("synthetic feature matrix: max |Δp| <= 1e-6", async () => {
    const n = 6000;
    let s = 12345;
    const rand = () => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s / 2 ** 32 - 0.5;
    };
    const features: Columns = Array.from(
      { length: 4 },
      (_, j) => [`f${j}`, Float32Array.from({ length: n }, () => rand() * (j + 1))] as const,
    );
    const target = Float32Array.from({ length: n }, (_, i) => {
      const z = 2 * features[0]![1][i]! - features[2]![1][i]! + 0.3 * rand();
      return z > 0 ? 1 : -1;
    });
    const { outcome, native, viaOnnx } = await fitAndCompare(features, target, [0, 4000, 5000, 6000]);
    expect(maxAbsDiff(native, viaOnnx)).toBeLessThanOrEqual(1e-6);
    expect(outcome.metrics.valid_accuracy).toBeGreaterThan(0.8); // the signal is learnable
    expect(outcome.libraryVersions["scikit-learn"]).toMatch(/^\d+\.\d+/);
  });

  const tx = realDataPath("tx");
  it.skipIf(tx === undefined)("real TX bars: max |Δp| <= 1e-6 over the predict rows", async () => {
    const { features, target } = txFeatureMatrix(tx!);
    const n = target.length;
    const { native, viaOnnx } = await fitAndCompare(features, target, [5, 40_000, 50_000, n]);
    const finite = Array.from(native).filter(Number.isFinite).length;
    expect(finite).toBeGreaterThan(0.99 * (n - 50_000));
    expect(maxAbsDiff(native, viaOnnx)).toBeLessThanOrEqual(1e-6);
    for (const p of native) if (Number.isFinite(p)) expect(p > 0 && p < 1).toBe(true);
  });
});
