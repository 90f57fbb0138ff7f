import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WindowBuffer } from "../../../src/features/primitives/window-buffer.ts";

describe("WindowBuffer", () => {
  it("always exposes the last `window` values, oldest first, as one slice", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.double({ noNaN: true }), { minLength: 1, maxLength: 60 }),
        (window, values) => {
          const b = new WindowBuffer(window);
          values.forEach((v, t) => {
            b.push(v);
            expect(b.full).toBe(t + 1 >= window);
            expect(b.data[b.newest]).toBe(v);
            if (b.full) {
              const slice = Array.from(b.data.subarray(b.start, b.start + window));
              expect(slice).toEqual(values.slice(t + 1 - window, t + 1));
            }
          });
        },
      ),
    );
  });

  it("rejects a window that is not a positive integer", () => {
    expect(() => new WindowBuffer(2.5)).toThrow(/window 2.5 must be a positive integer/);
  });
});
