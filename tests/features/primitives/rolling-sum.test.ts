import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RollingSum } from "../../../src/features/primitives/rolling-sum.ts";

describe("RollingSum", () => {
  it("equals the direct window sum within the drift bound and is NaN until full", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 15 }),
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { maxLength: 80 }),
        (w, xs) => {
          const rs = new RollingSum(w);
          xs.forEach((x, i) => {
            rs.push(x);
            if (i + 1 < w) {
              expect(rs.value).toBeNaN();
              return;
            }
            const win = xs.slice(i + 1 - w, i + 1);
            const direct = win.reduce((a, b) => a + b, 0);
            // Drift comes from values added since the last anchor (at most 2w pushes back).
            const scale = xs.slice(Math.max(0, i + 1 - 2 * w), i + 1).reduce((a, b) => a + Math.abs(b), 0);
            expect(Math.abs(rs.value - direct)).toBeLessThanOrEqual(4 * w * Number.EPSILON * scale + 1e-280);
          });
        },
      ),
    );
  });

  it("is exact right after a re-anchor, whatever drift came before", () => {
    const rs = new RollingSum(4);
    const xs = [1e16, 1, 1, 1, 1, 1, 1, 1];
    for (const x of xs) rs.push(x);
    // 8 pushes = 2 anchors: the window [1,1,1,1] sums to exactly 4 although 1e16 passed through.
    expect(rs.value).toBe(4);
  });

  it("sums a window of zeros to exactly 0 whatever passed through before", () => {
    const rs = new RollingSum(5);
    for (const x of [0.1, 1e-3, 0.7, 1 / 3, 0.2, 0.3]) rs.push(x);
    for (let i = 0; i < 5; i++) rs.push(0);
    expect(rs.value).toBe(0);
    expect(rs.partial).toBe(0);
  });

  it("is NaN while a NaN is inside the window, then recovers", () => {
    const rs = new RollingSum(3);
    for (const x of [1, Number.NaN, 2, 3]) rs.push(x);
    expect(rs.value).toBeNaN();
    rs.push(4);
    expect(rs.value).toBe(9);
    expect(rs.mean).toBe(3);
  });
});
