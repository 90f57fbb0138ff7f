import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RollingMoments } from "../../../src/features/primitives/rolling-moments.ts";

function twoPass(win: number[]): { mean: number; variance: number } {
  const mean = win.reduce((a, b) => a + b, 0) / win.length;
  return { mean, variance: win.reduce((a, b) => a + (b - mean) ** 2, 0) / win.length };
}

describe("RollingMoments", () => {
  it("matches a two-pass mean and population variance at any price level", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.array(fc.integer({ min: -400, max: 400 }), { maxLength: 80 }),
        (w, level, ticks) => {
          const xs = ticks.map((k) => level + k * 0.25);
          const m = new RollingMoments(w);
          xs.forEach((x, i) => {
            m.push(x);
            if (i + 1 < w) {
              expect(m.mean).toBeNaN();
              expect(m.variance).toBeNaN();
              return;
            }
            const win = xs.slice(i + 1 - w, i + 1);
            const ref = twoPass(win);
            const spread = Math.max(...win) - Math.min(...win);
            expect(Math.abs(m.mean - ref.mean)).toBeLessThanOrEqual(1e-12 * (Math.abs(ref.mean) + spread));
            // Sums are kept around a recent value: the error scales with the spread, not the level.
            expect(Math.abs(m.variance - ref.variance)).toBeLessThanOrEqual(
              1e-9 * (spread * spread) + 1e-300,
            );
            expect(m.constant).toBe(spread === 0);
          });
        },
      ),
    );
  });

  it("is exact on a constant window although the mean of equal values can round away from them", () => {
    const m = new RollingMoments(50);
    for (let i = 0; i < 30; i++) m.push(i * 7.3);
    for (let i = 0; i < 50; i++) m.push(0.1);
    expect(m.constant).toBe(true);
    expect(m.variance).toBe(0);
    expect(m.std).toBe(0);
    expect(m.mean).toBe(0.1);
    m.push(0.2);
    expect(m.constant).toBe(false);
    expect(m.variance).toBeGreaterThan(0);
  });

  it("is NaN while a NaN is inside the window, then recovers", () => {
    const m = new RollingMoments(3);
    for (const x of [1, Number.NaN, 2, 3]) m.push(x);
    expect(m.mean).toBeNaN();
    m.push(4);
    expect(m.mean).toBe(3);
    expect(m.variance).toBeCloseTo(2 / 3, 15);
  });
});
