/**
 * The window input of sequence models: what the worker is sent (windowFrame with `impute`), what
 * onnxruntime is fed in Node (windowFill, used by train's evaluation and by mlf predict) and what the
 * view gives (WindowTensorView with `impute`) must be the same float32 values bit for bit, each row
 * preprocessed exactly like a tabular model's row.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { modelInputRowMajor, transformOf } from "../../src/models/preprocessing.ts";
import { windowFill, windowLengthOf, windowWarmupBars } from "../../src/models/window-runner.ts";
import { fitScaler } from "../../src/scalers/fit-scaler.ts";
import type { FeatureColumns } from "../../src/views/feature-frame.ts";
import { materialize } from "../../src/views/lazy-view.ts";
import { WindowTensorView } from "../../src/views/window-tensor.ts";
import { windowFrame } from "../../src/workers/window-frames.ts";

function frameOf(values: number[][]): FeatureColumns {
  return {
    length: values[0]!.length,
    featureNames: values.map((_, j) => `f${j}`),
    features: values.map((v) => Float32Array.from(v)),
  };
}

describe("window input", () => {
  it("golden: scaled with the train scaler, NaN imputed to 0, oldest row first", () => {
    const frame = frameOf([
      [1, 2, 3, Number.NaN, 5],
      [10, 20, 30, 40, 50],
    ]);
    const scaler = fitScaler("standard", frame.featureNames, frame.features, Int32Array.of(0, 1, 2));
    const t = transformOf(frame.featureNames, scaler);
    const out = new Float32Array(2 * 3 * 2);
    windowFill(frame, t, [3, 4], 3)(0, 2, out);
    // train rows 0..2: f0 mean 2, population std sqrt(2/3); f1 mean 20, std 10·sqrt(2/3).
    const s0 = Math.sqrt(2 / 3);
    const s1 = 10 * Math.sqrt(2 / 3);
    const expected = [
      [2, 20],
      [3, 30],
      [Number.NaN, 40],
      [3, 30],
      [Number.NaN, 40],
      [5, 50],
    ].flatMap(([a, b]) => [Number.isNaN(a!) ? 0 : Math.fround((a! - 2) / s0), Math.fround((b! - 20) / s1)]);
    expect(Array.from(out)).toEqual(expected);
    expect(() => windowFill(frame, t, [1], 3)).toThrow(/row 1 has no window of 3 bars/);
  });

  it("property: the worker's window frame and Node's windows are bit-identical, and each row equals the tabular input", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(
          fc.oneof(fc.float({ noDefaultInfinity: true, min: -1e6, max: 1e6 }), fc.constant(Number.NaN)),
          {
            minLength: 12,
            maxLength: 40,
          },
        ),
        fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
        (L, f, flat, picks) => {
          const n = Math.floor(flat.length / f);
          fc.pre(n >= L);
          const frame = frameOf(Array.from({ length: f }, (_, j) => flat.slice(j * n, (j + 1) * n)));
          const rows = Int32Array.from(new Set(picks.map((p) => L - 1 + (p % (n - L + 1))))).sort();
          const scaler = fitScaler(
            "standard",
            frame.featureNames,
            frame.features,
            Int32Array.from({ length: n }, (_, i) => i),
          );
          const t = transformOf(frame.featureNames, scaler);
          const node = new Float32Array(rows.length * L * f);
          windowFill(frame, t, rows, L)(0, rows.length, node);
          const wf = windowFrame(frame, rows, L, { scaler, impute: true });
          // The serving view with the same rule, gathered from columns and from its staged copy.
          for (const stage of [false, true]) {
            const view = materialize(new WindowTensorView(frame, L, { scaler, impute: true, stage }), rows);
            expect(Buffer.from(view.data.buffer).equals(Buffer.from(node.buffer))).toBe(true);
          }
          const cols = wf.columns.slice(0, f).map(([, v]) => v);
          rows.forEach((row, k) => {
            const end = wf.sampleFrameRows[k]!;
            for (let l = 0; l < L; l++) {
              const tab = new Float32Array(f);
              modelInputRowMajor(frame, t, Int32Array.of(row - L + 1 + l), 0, 1, tab);
              for (let j = 0; j < f; j++) {
                const v = node[(k * L + l) * f + j]!;
                expect(Object.is(v, cols[j]![end - L + 1 + l]!)).toBe(true);
                expect(Object.is(v, tab[j]!)).toBe(true);
                expect(Number.isFinite(v)).toBe(true);
              }
            }
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("window lengths come from seq_len of window_tensor models only", () => {
    const tab = { id: "lgb", view: "feature_matrix" as const, config: { seq_len: 99 } };
    const seq = { id: "tcn", view: "window_tensor" as const, config: { seq_len: 16 } };
    expect(windowLengthOf(tab)).toBeNull();
    expect(windowLengthOf(seq)).toBe(16);
    expect(windowWarmupBars([tab, seq, { ...seq, config: { seq_len: 4 } }])).toBe(15);
    expect(windowWarmupBars([tab])).toBe(0);
    expect(() => windowLengthOf({ id: "x", view: "window_tensor", config: {} })).toThrow(
      /base_models x: config.seq_len/,
    );
  });
});
