import { describe, expect, it } from "vitest";
import { BundleError, ConfigError, DataError } from "../../../src/core/errors.ts";
import { Xoshiro128 } from "../../../src/data/synth/prng.ts";
import {
  fitSplitConformal,
  loadConformal,
  SplitConformalJsonSchema,
} from "../../../src/inference/conformal/index.ts";
import { binomialSd, heteroscedastic } from "./helpers.ts";

const F = (xs: number[]) => Float64Array.from(xs);
const quantileOf = (f: { toJSON(): unknown }) => SplitConformalJsonSchema.parse(f.toJSON()).quantile;

describe("split conformal: finite-sample correction on hand examples", () => {
  // Residuals |y − ŷ| = 1 … n (in scrambled order).
  const residuals = (n: number) => {
    const r = Array.from({ length: n }, (_, i) => ((i * 7) % n) + 1);
    return { point: new Float64Array(n), y: F(r) };
  };

  it("q̂ is the ⌈(n+1)·coverage⌉-th smallest residual", () => {
    expect(quantileOf(fitSplitConformal({ ...residuals(9), coverage: 0.9 }))).toBe(9); // ⌈9⌉ = 9
    expect(quantileOf(fitSplitConformal({ ...residuals(10), coverage: 0.9 }))).toBe(10); // ⌈9.9⌉ = 10
    expect(quantileOf(fitSplitConformal({ ...residuals(19), coverage: 0.9 }))).toBe(18); // ⌈18⌉
    expect(quantileOf(fitSplitConformal({ ...residuals(20), coverage: 0.9 }))).toBe(19); // ⌈18.9⌉
    expect(quantileOf(fitSplitConformal({ ...residuals(4), coverage: 0.5 }))).toBe(3); // ⌈2.5⌉
  });

  it("too few rows for a finite interval is refused, naming the minimum", () => {
    expect(() => fitSplitConformal({ ...residuals(8), coverage: 0.9 })).toThrow(
      /8 calibration rows cannot give 0.9 coverage.*at least 9 rows/,
    );
  });

  it("intervals are ŷ ± q̂ (± q̂·σ when scaled); uncertainty is the width; NaN rows skipped and kept", () => {
    const f = fitSplitConformal({ point: F([0, 0, 0, Number.NaN]), y: F([1, -2, 3, 5]), coverage: 0.5 });
    expect(f.toJSON().fitted_on).toEqual({ rows: 3, split: "val" });
    const out = f.apply({ point: F([1, Number.NaN]) });
    expect(Array.from(out.lower)).toEqual([-1, Number.NaN]); // k = ⌈2⌉ = 2 → q̂ = 2
    expect(Array.from(out.upper)).toEqual([3, Number.NaN]);
    expect(Array.from(out.uncertainty)).toEqual([4, Number.NaN]);
    const scaled = fitSplitConformal({
      point: F([0, 0, 0]),
      y: F([1, -2, 3]),
      scale: F([1, 4, 1]),
      coverage: 0.5,
    });
    expect(quantileOf(scaled)).toBe(1); // scores 1, 0.5, 3
    expect(Array.from(scaled.apply({ point: F([0, 0]), scale: F([2, 0.5]) }).uncertainty)).toEqual([4, 1]);
    expect(() => scaled.apply({ point: F([0]) })).toThrow(/needs scale/);
  });

  it("refusals", () => {
    expect(() => fitSplitConformal({ point: F([0]), y: F([0]), coverage: 1 })).toThrow(ConfigError);
    expect(() => fitSplitConformal({ point: F([0]), y: F([0, 1]), coverage: 0.5 })).toThrow(DataError);
    expect(() => fitSplitConformal({ point: F([0, 0]), y: F([1, Infinity]), coverage: 0.5 })).toThrow(
      /Infinity/,
    );
    expect(() => fitSplitConformal({ point: F([0]), y: F([1]), scale: F([0]), coverage: 0.5 })).toThrow(
      /> 0/,
    );
    expect(() =>
      loadConformal({ method: "split_conformal", coverage: 0.9, quantile: -1, scaled: false }),
    ).toThrow(BundleError);
  });
});

describe("split conformal: coverage on exchangeable data", () => {
  it("marginal coverage is k/(n+1): 10/11 for n = 10 at 0.9 (the (n+1) correction), within 3.5 binomial sd", () => {
    // Without the correction (k = ⌈n·0.9⌉ = 9) coverage would be 9/11 ≈ 0.818.
    const rng = new Xoshiro128(101);
    const trials = 20_000;
    let covered = 0;
    for (let t = 0; t < trials; t++) {
      const cal = heteroscedastic(10, rng);
      const f = fitSplitConformal({ point: cal.point, y: cal.y, coverage: 0.9 });
      const test = heteroscedastic(1, rng);
      const { lower, upper } = f.apply({ point: test.point });
      if (test.y[0] >= lower[0] && test.y[0] <= upper[0]) covered++;
    }
    expect(Math.abs(covered / trials - 10 / 11)).toBeLessThan(3.5 * binomialSd(10 / 11, trials));
  });

  it("n = 999 at 0.9: coverage of fresh rows within 3.5 sd of 0.9; scaled intervals track σ(x)", () => {
    const rng = new Xoshiro128(7);
    const trials = 300;
    let covered = 0;
    let total = 0;
    let widthCorr = 0;
    for (let t = 0; t < trials; t++) {
      const cal = heteroscedastic(999, rng);
      const f = fitSplitConformal({ point: cal.point, y: cal.y, scale: cal.sigma, coverage: 0.9 });
      const test = heteroscedastic(20, rng);
      const { lower, upper, uncertainty } = f.apply({ point: test.point, scale: test.sigma });
      for (let i = 0; i < 20; i++) {
        total++;
        if (test.y[i] >= lower[i] && test.y[i] <= upper[i]) covered++;
      }
      widthCorr += uncertainty[0] / test.sigma[0];
    }
    // Conditional coverage varies with the calibration draw (Beta, sd ≈ 0.0095) and the test draws.
    const sd = Math.sqrt(binomialSd(0.9, total) ** 2 + (0.9 * 0.1) / (1000 * trials));
    expect(Math.abs(covered / total - 0.9)).toBeLessThan(3.5 * sd);
    // Width / σ is the constant 2·q̂: the interval scales with the predicted uncertainty.
    expect(widthCorr / trials).toBeGreaterThan(3);
  });
});
