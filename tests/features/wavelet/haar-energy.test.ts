import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runIndicator } from "../../../src/features/run-kernel.ts";
import { seriesFromBars } from "../../../src/features/series.ts";
import type { IndicatorSpec } from "../../../src/features/types.ts";
import { haarEnergy } from "../../../src/features/wavelet/haar-energy.ts";
import { specs } from "../../../src/features/wavelet/index.ts";
import { describeIndicator } from "../golden-extra-harness.ts";

function seriesOfReturns(returns: number[]) {
  const n = returns.length + 1;
  const close = new Float64Array(n);
  close[0] = 1000;
  for (let i = 1; i < n; i++) close[i] = close[i - 1] * Math.exp(returns[i - 1]);
  const ts = Float64Array.from({ length: n }, (_, i) => i * 60_000);
  return seriesFromBars({ length: n, ts, open: close, high: close, low: close, close, volume: null });
}

describe("wavelet family", () => {
  for (const spec of specs) describeIndicator(spec as IndicatorSpec, { abs: 1e-15, rel: 1e-8 });

  it("energies add up to the window's sum of squared returns (Parseval)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -0.02, max: 0.02, noNaN: true }), { minLength: 64, maxLength: 90 }),
        (r) => {
          const s = seriesOfReturns(r);
          const cols = runIndicator(haarEnergy, s, 5);
          const t = s.length - 1;
          const x = Array.from({ length: 64 }, (_, k) => Math.log(s.close[t - k] / s.close[t - k - 1]));
          const sumSq = x.reduce((a, v) => a + v * v, 0);
          const total = cols[0][t] + cols[1][t] + cols[2][t] + cols[3][t];
          expect(Math.abs(total - sumSq)).toBeLessThanOrEqual(1e-12 + 1e-8 * sumSq);
          if (sumSq > 1e-20) {
            const shares = cols[4][t] + cols[5][t] + cols[6][t];
            expect(shares).toBeGreaterThanOrEqual(0);
            expect(shares).toBeLessThanOrEqual(1 + 1e-12);
          }
        },
      ),
    );
  });

  it("an alternating return series puts all energy in D1; a constant drift puts it in A3", () => {
    const alt = seriesOfReturns(Array.from({ length: 70 }, (_, i) => (i % 2 ? 0.001 : -0.001)));
    const a = runIndicator(haarEnergy, alt).map((c) => c[70]);
    expect(a[4]).toBeCloseTo(1, 9);
    expect(a[3]).toBeLessThan(1e-15);
    const drift = seriesOfReturns(new Array(70).fill(0.001));
    const d = runIndicator(haarEnergy, drift).map((c) => c[70]);
    expect(d[4] + d[5] + d[6]).toBeLessThan(1e-9);
    expect(d[3]).toBeCloseTo(64e-6, 12);
  });

  it("is NaN for the shares when the 64 returns are all zero", () => {
    const flat = seriesOfReturns(new Array(70).fill(0));
    const cols = runIndicator(haarEnergy, flat);
    expect(cols[0][70]).toBe(0);
    expect(cols[4][70]).toBeNaN();
  });
});
