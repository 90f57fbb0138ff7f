import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { closeLocation } from "../../../src/features/microstructure/close-location.ts";
import { corwinSchultz } from "../../../src/features/microstructure/corwin-schultz.ts";
import { specs } from "../../../src/features/microstructure/index.ts";
import { normalCdf } from "../../../src/features/microstructure/normal-cdf.ts";
import { rollSpread } from "../../../src/features/microstructure/roll-spread.ts";
import { tickDirection } from "../../../src/features/microstructure/tick-direction.ts";
import { runIndicator } from "../../../src/features/run-kernel.ts";
import { seriesFromBars } from "../../../src/features/series.ts";
import type { IndicatorSpec } from "../../../src/features/types.ts";
import { describeIndicator } from "../golden-extra-harness.ts";

function ohlc(open: number[], high: number[], low: number[], close: number[]) {
  const n = close.length;
  const ts = Float64Array.from({ length: n }, (_, i) => i * 60_000);
  return seriesFromBars({
    length: n,
    ts,
    open: Float64Array.from(open),
    high: Float64Array.from(high),
    low: Float64Array.from(low),
    close: Float64Array.from(close),
    volume: new Float64Array(n).fill(10),
  });
}

function closesOnly(close: number[]) {
  return ohlc(close, close, close, close);
}

describe("microstructure family", () => {
  for (const spec of specs) {
    // bulk_volume's Φ is an erfc approximation (fractional error < 1.2e-7) against the exact math.erfc.
    const tol = spec.id === "bulk_volume" ? { abs: 3e-7, rel: 0 } : { abs: 1e-12, rel: 1e-9 };
    describeIndicator(spec as IndicatorSpec, tol);
  }

  it("normalCdf matches reference values of Φ to a fractional 1.2e-7 of the nearer tail", () => {
    const reference: [number, number][] = [
      [0, 0.5],
      [1, 0.8413447460685429],
      [-1.959963984540054, 0.025],
      [3, 0.9986501019683699],
      [-4.5, 3.3976731247300535e-6],
      [0.3, 0.6179114221889527],
    ];
    for (const [z, p] of reference)
      expect(Math.abs(normalCdf(z) - p)).toBeLessThanOrEqual(1.2e-7 * Math.min(p, 1 - p));
    expect(normalCdf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(normalCdf(Number.NEGATIVE_INFINITY)).toBe(0);
  });

  it("recovers the spread of a pure bid-ask bounce (Roll 1984)", () => {
    // Closes alternate between bid 99.875 and ask 100.125: Δp = ±0.25, cov(Δp_t, Δp_t-1) = -0.25²·20/19.
    const close = Array.from({ length: 40 }, (_, i) => (i % 2 ? 100.125 : 99.875));
    const roll = runIndicator(rollSpread, closesOnly(close))[0];
    expect(roll[30]).toBeCloseTo((2 * 0.25 * Math.sqrt(20 / 19)) / close[30], 14);
  });

  it("gives a zero Roll spread on a trend (positive serial covariance)", () => {
    const close = Array.from({ length: 40 }, (_, i) => 100 + 0.25 * i + (i % 3 === 0 ? 0.25 : 0));
    const roll = runIndicator(rollSpread, closesOnly(close))[0];
    for (let i = 21; i < 40; i++) expect(roll[i]).toBeGreaterThanOrEqual(0);
  });

  it("classifies by the tick rule, carrying the side through unchanged closes", () => {
    const side = runIndicator(tickDirection, closesOnly([10, 10, 11, 11, 10, 10, 10, 12]), 1)[0];
    expect(Array.from(side)).toEqual([Number.NaN, 0, 1, 1, -1, -1, -1, 1]);
  });

  it("Corwin-Schultz is 0 for bars of equal range that do not move (no spread signal) and >= 0 always", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -3, max: 3 }), fc.integer({ min: 0, max: 6 })), {
          minLength: 22,
          maxLength: 50,
        }),
        (steps) => {
          let mid = 1000;
          const o: number[] = [];
          const h: number[] = [];
          const l: number[] = [];
          const c: number[] = [];
          for (const [move, range] of steps) {
            mid += move * 0.25;
            o.push(mid);
            c.push(mid);
            h.push(mid + range * 0.125);
            l.push(mid - range * 0.125);
          }
          const cs = runIndicator(corwinSchultz, ohlc(o, h, l, c))[0];
          const loc = runIndicator(closeLocation, ohlc(o, h, l, c))[0];
          for (let i = 20; i < steps.length; i++) {
            expect(cs[i]).toBeGreaterThanOrEqual(0);
            if (!Number.isNaN(loc[i])) expect(Math.abs(loc[i])).toBeLessThanOrEqual(1 + 1e-12);
          }
        },
      ),
    );
  });
});
