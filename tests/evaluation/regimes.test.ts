import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DataError } from "../../src/core/errors.ts";
import {
  assignRegime,
  VOLATILITY_REGIMES,
  VolatilityCutsSchema,
  volatilityTerciles,
} from "../../src/evaluation/regimes.ts";

const F = (xs: number[]) => Float64Array.from(xs);

describe("volatilityTerciles", () => {
  it("matches numpy.quantile (linear) on hand-checked cases; NaN and ±Infinity are ignored", () => {
    // np.quantile([5,1,4,2,3,6,7], [1/3, 2/3]) = [3, 5]; np.quantile([1,2,3,4], [1/3, 2/3]) = [2, 3].
    expect(volatilityTerciles(F([5, 1, 4, 2, 3, 6, 7]))).toEqual({ low_high_cut: [3, 5] });
    expect(volatilityTerciles(F([4, Number.NaN, 1, 3, Number.POSITIVE_INFINITY, 2]))).toEqual({
      low_high_cut: [2, 3],
    });
  });

  it("needs at least three finite training values", () => {
    expect(() => volatilityTerciles(F([1, 2, Number.NaN]))).toThrow(DataError);
  });

  it("cuts are ascending JSON that round-trips through the schema", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 3, maxLength: 50 }),
        (xs) => {
          const cuts = volatilityTerciles(F(xs));
          expect(VolatilityCutsSchema.parse(JSON.parse(JSON.stringify(cuts)))).toEqual(cuts);
          // Roughly a third of the training values fall in each regime (exactly when all are distinct).
          const r = assignRegime(F(xs), cuts);
          const low = r.filter((v) => v === 0).length;
          expect(low).toBeGreaterThanOrEqual(Math.floor(xs.length / 3));
        },
      ),
    );
  });
});

describe("assignRegime", () => {
  it("low ≤ c1 < mid ≤ c2 < high; NaN is −1", () => {
    const r = assignRegime(F([0, 1, 1.5, 2, 2.5, Number.NaN, Number.POSITIVE_INFINITY]), {
      low_high_cut: [1, 2],
    });
    expect([...r]).toEqual([0, 0, 1, 1, 2, -1, 2]);
    expect(VOLATILITY_REGIMES[r[4]]).toBe("high");
  });

  it("fitted on train, applied to test: test values never move the cuts", () => {
    const train = F([1, 2, 3, 4, 5, 6]);
    const cuts = volatilityTerciles(train);
    const test = F([100, 200, 300]);
    expect([...assignRegime(test, cuts)]).toEqual([2, 2, 2]);
  });

  it("rejects cuts that are not ascending finite numbers", () => {
    expect(() => assignRegime(F([1]), { low_high_cut: [2, 1] })).toThrow(DataError);
    expect(() => assignRegime(F([1]), { low_high_cut: [Number.NaN, 1] })).toThrow(/volatilityTerciles/);
  });
});
