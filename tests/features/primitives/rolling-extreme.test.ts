import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RollingExtreme } from "../../../src/features/primitives/rolling-extreme.ts";

describe("RollingExtreme", () => {
  it("equals Math.max / Math.min over the last `window` values", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 15 }),
        // Few distinct values so ties are frequent.
        fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 80 }),
        (w, xs) => {
          const hi = new RollingExtreme(w, "max");
          const lo = new RollingExtreme(w, "min");
          xs.forEach((x, i) => {
            hi.push(x);
            lo.push(x);
            if (i + 1 < w) {
              expect(hi.value).toBeNaN();
              expect(lo.value).toBeNaN();
              return;
            }
            const win = xs.slice(i + 1 - w, i + 1);
            expect(hi.value).toBe(Math.max(...win));
            expect(lo.value).toBe(Math.min(...win));
          });
        },
      ),
    );
  });

  it("is NaN while a NaN is inside the window", () => {
    const hi = new RollingExtreme(2, "max");
    for (const x of [5, Number.NaN]) hi.push(x);
    expect(hi.value).toBeNaN();
    hi.push(1);
    expect(hi.value).toBeNaN();
    hi.push(2);
    expect(hi.value).toBe(2);
  });
});
