import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DataError } from "../../src/core/errors.ts";
import { averageRanks } from "../../src/evaluation/inputs.ts";
import { RegressionMetricsSchema, regressionMetrics } from "../../src/evaluation/regression.ts";
import { close, f64, goldens } from "./goldens.ts";

const F = (xs: number[]) => Float64Array.from(xs);

describe("regressionMetrics: hand-computed", () => {
  it("three rows", () => {
    // errors 0.5, −1, 0 → rmse √(1.25/3), mae 0.5. pred 1.5, 1, 3 vs real 1, 2, 3:
    // pearson = Σdxdy / √(ΣdxΣdy) with means 11/6 and 2.
    const m = regressionMetrics(F([1.5, 1, 3]), F([1, 2, 3]));
    expect(m.rmse).toBeCloseTo(Math.sqrt(1.25 / 3), 15);
    expect(m.mae).toBeCloseTo(0.5, 15);
    const dx = [1.5 - 11 / 6, 1 - 11 / 6, 3 - 11 / 6];
    const dy = [-1, 0, 1];
    const sxy = dx.reduce((s, v, i) => s + v * dy[i], 0);
    const r = sxy / Math.sqrt(dx.reduce((s, v) => s + v * v, 0) * 2);
    expect(m.pearson).toBeCloseTo(r, 14);
    // ranks of pred: 2, 1, 3; of real: 1, 2, 3 → ρ = 1 − 6·Σd²/(n(n²−1)) = 1 − 6·2/24 = 0.5.
    expect(m.spearman).toBeCloseTo(0.5, 15);
    expect(m.directional_accuracy).toBe(1);
    expect(RegressionMetricsSchema.parse(m)).toEqual(m);
  });

  it("directional accuracy compares signs, a zero matching only a zero", () => {
    const m = regressionMetrics(F([0.1, -0.2, 0, 0, 0.3]), F([0.5, 0.1, 0, -0.1, -0.2]));
    expect(m.directional_accuracy).toBe(2 / 5);
  });

  it("a constant side gives null correlations; NaN rows are skipped and counted", () => {
    const m = regressionMetrics(F([1, 1, 1, Number.NaN]), F([1, 2, 3, 4]));
    expect(m.n).toBe(3);
    expect(m.skipped).toBe(1);
    expect(m.pearson).toBeNull();
    expect(m.spearman).toBeNull();
    expect(regressionMetrics(F([]), F([])).rmse).toBeNull();
    expect(regressionMetrics(F([1]), F([2])).pearson).toBeNull();
  });

  it("rejects infinite values and unequal lengths", () => {
    expect(() => regressionMetrics(F([Number.POSITIVE_INFINITY]), F([1]))).toThrow(DataError);
    expect(() => regressionMetrics(F([1, 2]), F([1]))).toThrow(DataError);
  });
});

describe("regressionMetrics: scipy / scikit-learn goldens", () => {
  for (const c of goldens.regression) {
    it(`${c.name}: matches pearsonr, spearmanr, mean_squared_error, mean_absolute_error`, () => {
      const m = regressionMetrics(f64(c.predicted), f64(c.realised));
      for (const [key, want] of Object.entries(c.expected)) {
        const got = m[key as keyof typeof m] as number | null;
        expect(close(got, want, 1e-11), `${key}: ${got} vs ${want}`).toBe(true);
      }
    });
  }
});

describe("properties", () => {
  const pairs = fc.array(fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: -50, max: 50 })), {
    minLength: 3,
    maxLength: 40,
  });

  it("Spearman is invariant to strictly increasing transforms; Pearson is symmetric", () => {
    fc.assert(
      fc.property(pairs, (rows) => {
        const x = Float64Array.from(rows, (r) => r[0] / 100);
        const y = Float64Array.from(rows, (r) => r[1] / 100);
        const m = regressionMetrics(x, y);
        const t = regressionMetrics(
          x.map((v) => Math.exp(3 * v)),
          y,
        );
        if (m.spearman === null) expect(t.spearman).toBeNull();
        else expect(t.spearman).toBeCloseTo(m.spearman, 12);
        const swapped = regressionMetrics(y, x);
        if (m.pearson === null) expect(swapped.pearson).toBeNull();
        else expect(swapped.pearson).toBeCloseTo(m.pearson, 14);
      }),
    );
  });

  it("average ranks sum to n(n+1)/2 and tied values share a rank", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 50 }), (xs) => {
        const x = Float64Array.from(xs);
        const r = averageRanks(x);
        const n = xs.length;
        expect(r.reduce((s, v) => s + v, 0)).toBeCloseTo((n * (n + 1)) / 2, 9);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (x[i] === x[j]) expect(r[i]).toBe(r[j]);
      }),
    );
  });
});
