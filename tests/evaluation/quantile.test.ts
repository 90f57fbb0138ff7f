import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DataError } from "../../src/core/errors.ts";
import { QuantileMetricsSchema, quantileLevel, quantileMetrics } from "../../src/evaluation/quantile.ts";

const F = (xs: number[]) => Float64Array.from(xs);
const heads = (q05: number[], q50: number[], q95: number[]) =>
  new Map([
    ["q95", F(q95)],
    ["q05", F(q05)],
    ["q50", F(q50)],
  ]);

describe("quantileMetrics: hand-computed", () => {
  it("three rows: pinball per level, band coverage and width", () => {
    // y = 0, 2, -1; q05 = -1, q50 = 0, q95 = 1 on every row.
    // q05 (τ .05): e = 1, 3, 0 → .05, .15, 0 → mean .2/3
    // q50 (τ .5):  e = 0, 2, -1 → 0, 1, .5 → mean 1.5/3
    // q95 (τ .95): e = -1, 1, -2 → .05, .95, .1 → mean 1.1/3
    const m = quantileMetrics(heads([-1, -1, -1], [0, 0, 0], [1, 1, 1]), F([0, 2, -1]));
    expect(m.levels).toEqual([0.05, 0.5, 0.95]);
    expect(m.pinball.q05).toBeCloseTo(0.2 / 3, 15);
    expect(m.pinball.q50).toBeCloseTo(1.5 / 3, 15);
    expect(m.pinball.q95).toBeCloseTo(1.1 / 3, 15);
    expect(m.mean_pinball).toBeCloseTo((0.2 + 1.5 + 1.1) / 9, 15);
    expect(m.band).toEqual(["q05", "q95"]);
    expect(m.band_nominal).toBe(0.9);
    expect(m.band_coverage).toBeCloseTo(2 / 3, 15); // 0 and -1 inside [-1, 1]; 2 outside
    expect(m.band_width).toBe(2);
    expect(m.crossings).toBe(0);
    expect(QuantileMetricsSchema.parse(m)).toEqual(m);
  });

  it("skips NaN rows, counts crossed heads, refuses infinities and one head", () => {
    const m = quantileMetrics(heads([0, Number.NaN, 2], [1, 0, 1], [2, 1, 3]), F([1, 0, Number.NaN]));
    expect(m.n).toBe(1);
    expect(m.skipped).toBe(2);
    const crossed = quantileMetrics(heads([0, 2], [1, 1], [2, 3]), F([1, 1]));
    expect(crossed.crossings).toBe(1);
    expect(() => quantileMetrics(heads([0], [1], [Number.POSITIVE_INFINITY]), F([1]))).toThrow(DataError);
    expect(() => quantileMetrics(new Map([["q50", F([1])]]), F([1]))).toThrow(/at least two/);
    expect(() => quantileLevel("median")).toThrow(/qNN/);
    const empty = quantileMetrics(heads([], [], []), F([]));
    expect(empty.mean_pinball).toBeNull();
    expect(empty.band_coverage).toBeNull();
  });
});

describe("quantileMetrics: properties", () => {
  it("pinball is non-negative, zero only for a perfect point; coverage of a band holding every y is 1", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (ys, spread) => {
          const y = F(ys);
          const lo = F(ys.map((v) => v - spread));
          const hi = F(ys.map((v) => v + spread));
          const m = quantileMetrics(heads([...lo], ys, [...hi]), y);
          expect(m.band_coverage).toBe(1);
          expect(m.pinball.q50).toBe(0);
          for (const v of Object.values(m.pinball)) expect(v!).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
});
