/**
 * End to end for the sequence models: fitted by a real Python worker through the pool on window frames
 * (src/workers/window-frames.ts: bars sent once plus window_end marks) cut from real TX bars, the
 * returned ONNX graph run in onnxruntime-node on the windows the serving view (WindowTensorView)
 * builds for the same rows: every output within 1e-4 of the worker's torch predictions (measured
 * ~1e-7). Also: windows holding NaN are excluded by the view and NaN natively, quantiles are monotone,
 * and a refit with the same seed returns the same ONNX bytes. Plus the frame layout itself.
 */
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import type { FeatureColumns } from "../../src/views/feature-frame.ts";
import { materialize, selectWindowRows } from "../../src/views/lazy-view.ts";
import { WindowTensorView } from "../../src/views/window-tensor.ts";
import type { FitOutcome } from "../../src/workers/jobs.ts";
import type { WorkerPool } from "../../src/workers/pool.ts";
import { samplePredictions, WINDOW_END, windowFrame } from "../../src/workers/window-frames.ts";
import { realDataPath } from "../helpers/real-data.ts";
import { startPool } from "./helpers.ts";
import { maxAbsDiff, txFeatureMatrix } from "./tx-features.ts";

const TOLERANCE = 1e-4;
const L = 16;
const TRAINING = { seq_len: L, max_epochs: 3, batch_size: 128, learning_rate: 3e-3 };
const MODELS = {
  lstm: { params: { hidden_size: 8, num_layers: 1 }, outputs: ["p_up", "E_r"] },
  patchtst: {
    params: { patch_length: 4, stride: 2, d_model: 8, n_heads: 2, n_layers: 1, d_ff: 16 },
    outputs: ["p_up", "E_r", "q05", "q50", "q95"],
  },
} as const;
const TARGET_OF = { p_up: "target_label", E_r: "target_ret" } as Record<string, string>;

const range = (a: number, b: number) => Int32Array.from({ length: b - a }, (_, i) => a + i);

describe("window frames", () => {
  const frame: FeatureColumns = {
    length: 10,
    featureNames: ["a", "b"],
    features: [
      Float32Array.from({ length: 10 }, (_, i) => i),
      Float32Array.from({ length: 10 }, (_, i) => 10 * i),
    ],
  };

  it("sends each bar once, merges overlapping windows and marks the samples", () => {
    const f = windowFrame(frame, Int32Array.from([3, 4, 9]), 3, { targets: [["y", range(100, 110)]] });
    expect(Array.from(f.sourceRows)).toEqual([1, 2, 3, 4, 7, 8, 9]);
    expect(Array.from(f.sampleFrameRows)).toEqual([2, 3, 6]);
    const cols = new Map(f.columns);
    expect([...cols.keys()]).toEqual(["a", "b", WINDOW_END, "y"]);
    expect(Array.from(cols.get(WINDOW_END)!)).toEqual([0, 0, 1, 1, 0, 0, 1]);
    expect(Array.from(cols.get("y")!)).toEqual([
      Number.NaN,
      Number.NaN,
      103,
      104,
      Number.NaN,
      Number.NaN,
      109,
    ]);
    expect(f.inputShape).toEqual([3, 2]);
    // Every marked row's L-row window in the frame is the view's window.
    const view = materialize(new WindowTensorView(frame, 3), Int32Array.from([3, 4, 9]));
    f.sampleFrameRows.forEach((r, k) => {
      const cut = [];
      for (let i = r - 2; i <= r; i++) cut.push(cols.get("a")![i], cols.get("b")![i]);
      expect(cut).toEqual(Array.from(view.data.subarray(k * 6, (k + 1) * 6)));
    });
    expect(Array.from(samplePredictions(f, Float64Array.from([0, 1, 2, 3, 4, 5, 6])))).toEqual([2, 3, 6]);
  });

  it("refuses rows without a full window or out of order", () => {
    expect(() => windowFrame(frame, Int32Array.from([1]), 3)).toThrow(/window row 1/);
    expect(() => windowFrame(frame, Int32Array.from([5, 4]), 3)).toThrow(/strictly increasing/);
  });
});

async function fitWindows(
  pool: WorkerPool,
  modelId: keyof typeof MODELS,
  data: TxWindows,
): Promise<FitOutcome> {
  const spec = MODELS[modelId];
  const targets = [
    ["target_label", data.target],
    ["target_ret", data.ret],
  ] as const;
  const train = windowFrame(data.frame, range(100, 3000), L, { targets });
  const valid = windowFrame(data.frame, range(3000, 3600), L, { targets });
  const predict = windowFrame(data.frame, data.predictRows, L);
  return pool.fit({
    modelId,
    params: { ...TRAINING, ...spec.params },
    seed: 7,
    view: "window_tensor",
    inputShape: train.inputShape,
    outputs: spec.outputs.map((name) => ({ name, target: TARGET_OF[name] ?? "target_ret" })),
    train: train.columns,
    valid: valid.columns,
    predict: predict.columns,
    timeoutMs: 180_000,
  });
}

interface TxWindows {
  frame: FeatureColumns;
  target: Float32Array;
  ret: Float32Array;
  predictRows: Int32Array;
}

function txWindows(path: string): TxWindows {
  const { features, target, ret } = txFeatureMatrix(path, 5);
  const keep = features.filter(([name]) => ["ret_lag0", "range_bp", "log_volume"].includes(name));
  const frame: FeatureColumns = {
    length: target.length,
    featureNames: keep.map(([n]) => n),
    features: keep.map(([, v]) => v),
  };
  return { frame, target, ret, predictRows: range(3600, 4000) };
}

const tx = realDataPath("tx");
describe.skipIf(tx === undefined)(
  "sequence models: worker (torch) vs ONNX in onnxruntime-node on TX windows",
  () => {
    for (const modelId of Object.keys(MODELS) as Array<keyof typeof MODELS>) {
      it(`${modelId}: every output within ${TOLERANCE} on the serving view's windows`, async () => {
        const data = txWindows(tx!);
        const { pool } = await startPool();
        const outcome = await fitWindows(pool, modelId, data);
        expect(outcome.onnx.inputName).toBe("windows");
        expect(outcome.onnx.outputNames).toEqual([...MODELS[modelId].outputs]);
        const predict = windowFrame(data.frame, data.predictRows, L);
        const view = new WindowTensorView(data.frame, L, { requireFinite: true });
        const { rows, excluded } = selectWindowRows(view, data.predictRows);
        expect(rows.length).toBeGreaterThan(350);
        const batch = materialize(view, rows);
        const session = await ort.InferenceSession.create(outcome.onnx.bytes, { intraOpNumThreads: 1 });
        const out = await session.run({
          windows: new ort.Tensor("float32", batch.data, batch.shape as number[]),
        });
        const position = new Map(Array.from(data.predictRows, (t, k) => [t, k]));
        const diffs: Record<string, number> = {};
        const values: Record<string, Float64Array> = {};
        for (const head of MODELS[modelId].outputs) {
          const tensor = out[head]!;
          expect(tensor.type, head).toBe("float64");
          expect(tensor.dims, head).toEqual([rows.length]);
          const all = samplePredictions(predict, outcome.predictions.columns.get(head) as Float64Array);
          const native = Float64Array.from(rows, (t) => all[position.get(t)!]!);
          for (const t of excluded) expect(all[position.get(t)!], `${head} at ${t}`).toBeNaN();
          values[head] = tensor.data as Float64Array;
          diffs[head] = maxAbsDiff(native, values[head]);
          expect(diffs[head], head).toBeLessThanOrEqual(TOLERANCE);
        }
        if (values.q50 !== undefined) {
          for (let i = 0; i < rows.length; i++) {
            expect(values.q05![i]!).toBeLessThanOrEqual(values.q50[i]!);
            expect(values.q50[i]!).toBeLessThanOrEqual(values.q95![i]!);
          }
        }
        console.info(
          `${modelId} on TX windows (${rows.length} rows, fit ${outcome.fitSeconds.toFixed(2)} s): ` +
            Object.entries(diffs)
              .map(([h, d]) => `max |Δ${h}| ${d.toExponential(2)}`)
              .join(", "),
        );
        if (modelId === "lstm") {
          const again = await fitWindows(pool, modelId, data);
          expect(Buffer.from(again.onnx.bytes).equals(Buffer.from(outcome.onnx.bytes))).toBe(true);
        }
      });
    }
  },
);
