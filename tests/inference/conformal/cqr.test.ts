import { describe, expect, it } from "vitest";
import { Xoshiro128 } from "../../../src/data/synth/prng.ts";
import { CqrJsonSchema, fitCqr } from "../../../src/inference/conformal/index.ts";
import { binomialSd, heteroscedastic } from "./helpers.ts";

const F = (xs: number[]) => Float64Array.from(xs);
const Z95 = 1.6448536269514722;

describe("CQR: hand examples", () => {
  it("Q is the ⌈(n+1)·c⌉-th smallest max(lo − y, y − hi); negative Q narrows the band", () => {
    // Band [0, 10] for every row; y inside at distances giving scores −5, −2, −1, −4, −3.
    const lo = new Float64Array(5);
    const hi = new Float64Array(5).fill(10);
    const f = fitCqr({ lower: lo, upper: hi, y: F([5, 2, 9, 4, 7]), coverage: 0.5 });
    // Scores: max(−5, −5) = −5, max(−2, −8) = −2, max(−9, −1) = −1, max(−4, −6) = −4, max(−7, −3) = −3.
    // k = ⌈6 · 0.5⌉ = 3 → Q = −3.
    expect(CqrJsonSchema.parse(f.toJSON()).quantile).toBe(-3);
    const out = f.apply({ lower: F([0, 0, 1]), upper: F([10, 4, 3]) });
    expect(Array.from(out.lower)).toEqual([3, 2, 2]);
    expect(Array.from(out.upper)).toEqual([7, 2, 2]); // bands narrower than 2·3 collapse to the midpoint
    expect(Array.from(out.uncertainty)).toEqual([4, 0, 0]);
  });

  it("crossed heads are put in order; NaN rows skipped in the fit and kept in apply", () => {
    const f = fitCqr({ lower: F([1, 0, Number.NaN]), upper: F([-1, 2, 0]), y: F([3, -1, 0]), coverage: 0.5 });
    // Rows: [−1, 1] with y = 3 → 2; [0, 2] with y = −1 → 1. k = ⌈1.5⌉ = 2 → Q = 2.
    const json = CqrJsonSchema.parse(f.toJSON());
    expect([json.quantile, json.fitted_on.rows, json.lower_head, json.upper_head]).toEqual([
      2,
      2,
      "q05",
      "q95",
    ]);
    const out = f.apply({ lower: F([1, Number.NaN]), upper: F([-1, 0]) });
    expect(Array.from(out.lower)).toEqual([-3, Number.NaN]);
    expect(Array.from(out.upper)).toEqual([3, Number.NaN]);
  });
});

describe("CQR: coverage and adaptivity on heteroscedastic data", () => {
  it("too-narrow heads are widened to 0.9 coverage; the width follows σ(x)", () => {
    const rng = new Xoshiro128(42);
    // Heads at half the true 5%/95% distance: alone they cover ≈ 59%.
    const heads = (d: ReturnType<typeof heteroscedastic>) => ({
      lower: Float64Array.from(d.point, (p, i) => p - 0.5 * Z95 * d.sigma[i]),
      upper: Float64Array.from(d.point, (p, i) => p + 0.5 * Z95 * d.sigma[i]),
    });
    let covered = 0;
    let rawCovered = 0;
    let total = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      const cal = heteroscedastic(999, rng);
      const f = fitCqr({ ...heads(cal), y: cal.y, coverage: 0.9 });
      const test = heteroscedastic(25, rng);
      const h = heads(test);
      const out = f.apply(h);
      for (let i = 0; i < 25; i++) {
        total++;
        if (test.y[i] >= out.lower[i] && test.y[i] <= out.upper[i]) covered++;
        if (test.y[i] >= h.lower[i] && test.y[i] <= h.upper[i]) rawCovered++;
      }
    }
    const sd = Math.sqrt(binomialSd(0.9, total) ** 2 + 0.09 / (1000 * trials));
    expect(Math.abs(covered / total - 0.9)).toBeLessThan(3.5 * sd);
    expect(rawCovered / total).toBeLessThan(0.7);

    const cal = heteroscedastic(2000, rng);
    const f = fitCqr({ ...heads(cal), y: cal.y, coverage: 0.9 });
    const test = heteroscedastic(2000, rng);
    const { uncertainty } = f.apply(heads(test));
    // Width = Z95·σ + 2Q: affine in σ with the heads' slope, so it rises with the predicted uncertainty.
    const order = Array.from(test.sigma.keys()).sort((a, b) => test.sigma[a] - test.sigma[b]);
    for (let i = 1; i < order.length; i++) {
      expect(uncertainty[order[i]]).toBeGreaterThanOrEqual(uncertainty[order[i - 1]] - 1e-12);
    }
    const [first, last] = [order[0], order[order.length - 1]];
    expect(uncertainty[last] - uncertainty[first]).toBeCloseTo(
      Z95 * (test.sigma[last] - test.sigma[first]),
      9,
    );
    expect(uncertainty[last]).toBeGreaterThan(1.5 * uncertainty[first]);
  });

  it("marginal coverage is exactly k/(n+1) for small n (n = 19 at 0.9: 18/20)", () => {
    const rng = new Xoshiro128(5);
    const trials = 20_000;
    let covered = 0;
    for (let t = 0; t < trials; t++) {
      const cal = heteroscedastic(19, rng);
      const f = fitCqr({ lower: cal.point, upper: cal.point, y: cal.y, coverage: 0.9 });
      const test = heteroscedastic(1, rng);
      const out = f.apply({ lower: test.point, upper: test.point });
      if (test.y[0] >= out.lower[0] && test.y[0] <= out.upper[0]) covered++;
    }
    expect(Math.abs(covered / trials - 0.9)).toBeLessThan(3.5 * binomialSd(0.9, trials));
  });
});
