/**
 * The preprocessing shared by training and predict: the column-major values sent to workers and the
 * row-major values fed to onnxruntime are the same float32 numbers, non-finite values become 0, and
 * preprocessing.json round-trips exactly and refuses a schema that does not match its names.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BundleError } from "../../src/core/errors.ts";
import {
  modelInputColumns,
  modelInputRowMajor,
  preprocessingFromJson,
  preprocessingToJson,
  transformOf,
} from "../../src/models/preprocessing.ts";
import { warmupBarsOf } from "../../src/models/warmup.ts";
import { fitScaler } from "../../src/scalers/fit-scaler.ts";

const NAMES = ["rsi14_1m", "atr14_5m", "atr14_1h"];

function frameOf(cols: number[][]) {
  return {
    length: cols[0]!.length,
    featureNames: NAMES.slice(0, cols.length),
    features: cols.map((c) => Float32Array.from(c)),
  };
}

describe("model input preprocessing", () => {
  it("column-major (workers) and row-major (onnxruntime) give identical float32 values", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(Number.NaN)), {
            minLength: 8,
            maxLength: 8,
          }),
          {
            minLength: 1,
            maxLength: 3,
          },
        ),
        (cols) => {
          const frame = frameOf(cols);
          const all = Int32Array.from({ length: 8 }, (_, i) => i);
          const scaler = fitScaler("standard", frame.featureNames, frame.features, all.subarray(0, 5));
          const rows = Int32Array.from([7, 0, 3, 5]);
          const colMajor = modelInputColumns(frame, scaler, rows);
          const f = frame.features.length;
          const rowMajor = new Float32Array(rows.length * f);
          modelInputRowMajor(frame, transformOf(frame.featureNames, scaler), rows, 0, rows.length, rowMajor);
          for (let k = 0; k < rows.length; k++) {
            for (let j = 0; j < f; j++) {
              expect(Object.is(rowMajor[k * f + j], colMajor[j]![k])).toBe(true);
              expect(Number.isFinite(rowMajor[k * f + j])).toBe(true);
            }
          }
        },
      ),
    );
  });

  it("scales with train statistics and imputes non-finite values with 0", () => {
    const frame = frameOf([
      [1, 2, 3, Number.NaN, 100],
      [Number.NaN, Number.NaN, Number.NaN, 5, 6],
    ]);
    const scaler = fitScaler("standard", frame.featureNames, frame.features, Int32Array.from([0, 1, 2]));
    const cols = modelInputColumns(frame, scaler, Int32Array.from([0, 1, 2, 3, 4]));
    expect([...cols[0]!]).toEqual([
      Math.fround(-1.224744871391589),
      0,
      Math.fround(1.224744871391589),
      0,
      Math.fround(98 / 0.816496580927726),
    ]);
    // No finite train value: the scaler's center is NaN, so every value is imputed, train-only.
    expect([...cols[1]!]).toEqual([0, 0, 0, 0, 0]);
  });

  it("preprocessing.json round-trips and detects a tampered schema", () => {
    const frame = frameOf([
      [1, 2, 3],
      [4, 5, 7],
    ]);
    const scaler = fitScaler("standard", frame.featureNames, frame.features, Int32Array.from([0, 1, 2]));
    const p = {
      featureNames: frame.featureNames,
      featureConfig: { families: null, exclude: [] },
      hasVolume: true,
      warmupBars: 15,
      scaler,
    };
    const text = preprocessingToJson(p);
    const back = preprocessingFromJson(text);
    expect(back.featureNames).toEqual(frame.featureNames);
    expect(back.scaler.center).toEqual(scaler.center);
    expect(back.scaler.scale).toEqual(scaler.scale);
    expect(preprocessingToJson(back)).toBe(text);
    const json = JSON.parse(text);
    json.feature_names = [...json.feature_names].reverse();
    expect(() => preprocessingFromJson(JSON.stringify(json))).toThrow(BundleError);
  });

  it("warm-up is the largest (warm-up + 1) × timeframe minutes over the columns", () => {
    expect(warmupBarsOf(["rsi14_1m"])).toBe(15);
    expect(warmupBarsOf(["rsi14_1h"])).toBe(15 * 60);
    expect(warmupBarsOf(["rsi14_1m", "atr14_5m", "rsi14_15m"])).toBe(15 * 15);
    expect(() => warmupBarsOf(["no_such_feature"])).toThrow(/not in the feature registry/);
  });
});
