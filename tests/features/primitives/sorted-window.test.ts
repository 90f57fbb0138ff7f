import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SortedWindow } from "../../../src/features/primitives/sorted-window.ts";

describe("SortedWindow", () => {
  it("counts exactly like a linear scan of the last `window` values, ties included", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        // Few distinct values so that ties and duplicate removals are frequent.
        fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: -6, max: 6 }),
        (window, values, probe) => {
          const w = new SortedWindow(window);
          values.forEach((v, t) => {
            w.push(v / 4);
            const held = values.slice(Math.max(0, t + 1 - window), t + 1).map((x) => x / 4);
            const x = probe / 4;
            expect(w.full).toBe(t + 1 >= window);
            expect(w.countBelow(x)).toBe(held.filter((h) => h < x).length);
            expect(w.countAtMost(x)).toBe(held.filter((h) => h <= x).length);
            expect(w.countBelow(v / 4)).toBe(held.filter((h) => h < v / 4).length);
          });
        },
      ),
    );
  });

  it("rejects a window that is not a positive integer", () => {
    expect(() => new SortedWindow(0)).toThrow(/window 0 must be a positive integer/);
  });
});
