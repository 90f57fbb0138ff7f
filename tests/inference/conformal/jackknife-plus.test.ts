import { describe, expect, it } from "vitest";
import { BundleError, DataError } from "../../../src/core/errors.ts";
import { assembleOof, purgedKFold } from "../../../src/cv/index.ts";
import { Xoshiro128 } from "../../../src/data/synth/prng.ts";
import {
  fitJackknifePlus,
  JackknifePlusJsonSchema,
  loadConformal,
} from "../../../src/inference/conformal/index.ts";
import { heteroscedastic } from "./helpers.ts";

const F = (xs: number[]) => Float64Array.from(xs);

/** Brute force from the definition: sort all n shifted residuals. */
function bruteForce(residuals: number[][], mu: number[], coverage: number) {
  const n = residuals.flat().length;
  const minus = residuals.flatMap((r, f) => r.map((v) => mu[f] - v)).sort((a, b) => a - b);
  const plus = residuals.flatMap((r, f) => r.map((v) => mu[f] + v)).sort((a, b) => a - b);
  const kLo = Math.floor((n + 1) * (1 - coverage) + 1e-9);
  const kHi = Math.ceil((n + 1) * coverage - 1e-9);
  return [minus[kLo - 1], plus[kHi - 1]];
}

describe("jackknife+ (CV+)", () => {
  it("hand example: residuals per fold, ranks ⌊(n+1)α⌋ and ⌈(n+1)(1−α)⌉", () => {
    // 19 samples in 2 folds; coverage 0.9 → α = 0.1, kLo = 2, kHi = 18.
    const foldOf = Int32Array.from({ length: 19 }, (_, i) => (i < 10 ? 0 : 1));
    const y = Float64Array.from({ length: 19 }, (_, i) => i);
    const oof = new Float64Array(19); // residual of sample i = i
    const f = fitJackknifePlus({ oof, y, foldOf, nFolds: 2, coverage: 0.9 });
    const json = JackknifePlusJsonSchema.parse(f.toJSON());
    expect(json.residuals).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [10, 11, 12, 13, 14, 15, 16, 17, 18],
    ]);
    const out = f.apply({ foldPoints: [F([0, 100]), F([1, -100])] });
    for (const [i, mu] of [
      [0, [0, 1]],
      [1, [100, -100]],
    ] as const) {
      const [lo, hi] = bruteForce(json.residuals, [...mu], 0.9);
      expect([out.lower[i], out.upper[i]]).toEqual([lo, hi]);
      expect(out.uncertainty[i]).toBe(hi - lo);
    }
    expect(out.lower[0]).toBe(-16); // 2nd smallest of {0 − 0…9} ∪ {1 − 10…18} = {0, …, −9} ∪ {−9, …, −17}
  });

  it("matches brute force on random residuals and fold predictions", () => {
    const rng = new Xoshiro128(3);
    const n = 157;
    const foldOf = Int32Array.from({ length: n }, () => rng.nextUint32() % 4);
    const y = Float64Array.from({ length: n }, () => rng.normal());
    const oof = Float64Array.from({ length: n }, () => rng.normal());
    for (const coverage of [0.8, 0.9, 0.95]) {
      const f = fitJackknifePlus({ oof, y, foldOf, nFolds: 4, coverage });
      const residuals = JackknifePlusJsonSchema.parse(f.toJSON()).residuals;
      const folds = Array.from({ length: 4 }, () => Float64Array.from({ length: 30 }, () => rng.normal()));
      const out = f.apply({ foldPoints: folds });
      for (let i = 0; i < 30; i++) {
        expect([out.lower[i], out.upper[i]]).toEqual(
          bruteForce(
            residuals,
            folds.map((p) => p[i]),
            coverage,
          ),
        );
      }
    }
  });

  it("with purged K-fold OOF of a fitted line: coverage of fresh rows ≈ 0.9 (≥ 1 − 2α guaranteed)", async () => {
    const rng = new Xoshiro128(11);
    const n = 3000;
    const train = heteroscedastic(n, rng);
    const samples = {
      rows: Int32Array.from({ length: n }, (_, i) => i),
      t1Index: Int32Array.from({ length: n }, (_, i) => i),
      n,
    };
    const iso = { purgeBars: 0, embargoBars: 0 };
    const { folds } = purgedKFold(samples, { nFolds: 5, ...iso });
    // Least-squares line per fold.
    const lines = folds.map((f) => {
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let sxy = 0;
      for (const r of f.train) {
        sx += train.x[r];
        sy += train.y[r];
        sxx += train.x[r] ** 2;
        sxy += train.x[r] * train.y[r];
      }
      const m = f.train.length;
      const b = (m * sxy - sx * sy) / (m * sxx - sx * sx);
      return { a: (sy - b * sx) / m, b };
    });
    const oof = await assembleOof(
      samples,
      folds,
      (f, k) => ({ E_r: Float64Array.from(f.test, (r) => lines[k].a + lines[k].b * train.x[r]) }),
      { outputs: ["E_r"], isolation: iso },
    );
    const jk = fitJackknifePlus({
      oof: oof.predictions.E_r,
      y: train.y,
      foldOf: oof.foldOf,
      nFolds: 5,
      coverage: 0.9,
    });
    const test = heteroscedastic(5000, rng);
    const out = jk.apply({ foldPoints: lines.map((l) => Float64Array.from(test.x, (x) => l.a + l.b * x)) });
    let covered = 0;
    for (let i = 0; i < 5000; i++) if (test.y[i] >= out.lower[i] && test.y[i] <= out.upper[i]) covered++;
    expect(covered / 5000).toBeGreaterThan(0.88);
    expect(covered / 5000).toBeLessThan(0.93);
  });

  it("refusals and JSON checks", () => {
    const foldOf = Int32Array.from([0, 1, 0, 1]);
    const args = { oof: new Float64Array(4), y: F([1, 2, 3, 4]), foldOf, nFolds: 2 };
    expect(() => fitJackknifePlus({ ...args, coverage: 0.9 })).toThrow(
      /4 calibration rows cannot give 0.9 coverage.*at least 9 rows/,
    );
    expect(() => fitJackknifePlus({ ...args, nFolds: 1, coverage: 0.5 })).toThrow(DataError);
    expect(() => fitJackknifePlus({ ...args, foldOf: Int32Array.from([0, 1, 2, 0]), coverage: 0.5 })).toThrow(
      /foldOf\[2\] is 2/,
    );
    const f = fitJackknifePlus({ ...args, coverage: 0.5 });
    expect(() => f.apply({ foldPoints: [F([0])] })).toThrow(/1 fold predictions for 2 folds/);
    const json = f.toJSON() as Record<string, unknown>;
    expect(() => loadConformal({ ...json, residuals: [[2, 1], [0]] })).toThrow(/residuals must be ascending/);
    expect(() => loadConformal({ ...json, fitted_on: { rows: 9, split: "x" } })).toThrow(BundleError);
  });
});
