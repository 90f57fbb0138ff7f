import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ema, SeededEma, wilder } from "../../../src/features/primitives/seeded-ema.ts";
import { trueRange } from "../../../src/features/primitives/true-range.ts";

describe("SeededEma", () => {
  it("is NaN for period − 1 inputs, the SMA at `period`, then the EMA recursion", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { maxLength: 40 }),
        (n, xs) => {
          const e = ema(n);
          const alpha = 2 / (n + 1);
          let ref = Number.NaN;
          xs.forEach((x, i) => {
            const got = e.update(x);
            if (i + 1 < n) {
              expect(got).toBeNaN();
              return;
            }
            if (i + 1 === n) ref = xs.slice(0, n).reduce((a, b) => a + b, 0) / n;
            else ref += alpha * (x - ref);
            expect(got).toBe(ref);
          });
        },
      ),
    );
    expect(wilder(14).alpha).toBe(1 / 14);
  });

  it("skips NaN inputs without disturbing the state", () => {
    const e = new SeededEma(2, 0.5);
    expect(e.update(1)).toBeNaN();
    expect(e.update(Number.NaN)).toBeNaN();
    expect(e.update(3)).toBe(2);
    expect(e.update(Number.NaN)).toBeNaN();
    expect(e.value).toBe(2);
    expect(e.update(4)).toBe(3);
  });

  it("rejects bad parameters with a message naming them", () => {
    expect(() => new SeededEma(0, 0.5)).toThrow(/period 0 must be a positive integer/);
    expect(() => new SeededEma(3, 0)).toThrow(/alpha 0 must be in/);
  });
});

describe("true range", () => {
  it("follows Wilder's definition", () => {
    expect(trueRange(10, 8, 9)).toBe(2);
    expect(trueRange(10, 8, 12)).toBe(4);
    expect(trueRange(10, 8, 5)).toBe(5);
    expect(trueRange(10, 8, Number.NaN)).toBeNaN();
  });
});
