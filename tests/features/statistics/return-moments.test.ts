import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runIndicator } from "../../../src/features/run-kernel.ts";
import { seriesFromBars } from "../../../src/features/series.ts";
import { specs } from "../../../src/features/statistics/index.ts";
import { returnMoments } from "../../../src/features/statistics/return-moments.ts";
import type { IndicatorSpec } from "../../../src/features/types.ts";
import { describeIndicator, loadIndicatorFixture } from "../golden-extra-harness.ts";

describe("statistics family", () => {
  for (const spec of specs) describeIndicator(spec as IndicatorSpec, { abs: 1e-9, rel: 1e-9 });

  it("negating every log return (c -> 1/c) flips mean and skew and keeps std and kurtosis", () => {
    const { bars } = loadIndicatorFixture("ret_moments20");
    const inv = { ...bars, close: bars.close.map((c) => 1 / c) };
    const a = runIndicator(returnMoments, seriesFromBars(bars));
    const b = runIndicator(returnMoments, seriesFromBars(inv));
    for (let i = 20; i < bars.length; i++) {
      expect(b[0][i]).toBeCloseTo(-a[0][i], 12);
      expect(b[1][i]).toBeCloseTo(a[1][i], 12);
      expect(b[2][i]).toBeCloseTo(-a[2][i], 8);
      expect(b[3][i]).toBeCloseTo(a[3][i], 8);
    }
  });

  it("skew and kurtosis are NaN, std 0, on a window of equal returns", () => {
    fc.assert(
      fc.property(fc.double({ min: -0.01, max: 0.01, noNaN: true }), (r) => {
        const n = 30;
        const close = Float64Array.from({ length: n }, (_, i) => 100 * Math.exp(r * i));
        const ts = Float64Array.from({ length: n }, (_, i) => i * 60_000);
        const bars = { length: n, ts, open: close, high: close, low: close, close, volume: null };
        const [, std, skew, kurt] = runIndicator(returnMoments, seriesFromBars(bars));
        // exp(r·i) rounding makes the returns differ in the last bits unless r = 0: check only r = 0 exactly.
        if (r === 0) {
          expect(std[25]).toBe(0);
          expect(skew[25]).toBeNaN();
          expect(kurt[25]).toBeNaN();
        } else {
          expect(Math.abs(std[25])).toBeLessThan(1e-12);
        }
      }),
    );
  });
});
