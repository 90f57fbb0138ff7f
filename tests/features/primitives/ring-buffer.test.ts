import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RingBuffer } from "../../../src/features/primitives/ring-buffer.ts";

const values = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 60 });

describe("RingBuffer", () => {
  it("holds the last `capacity` values in order", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), values, (cap, xs) => {
        const ring = new RingBuffer(cap);
        for (const x of xs) ring.push(x);
        const kept = xs.slice(Math.max(0, xs.length - cap));
        expect(ring.count).toBe(kept.length);
        expect(ring.full).toBe(kept.length === cap);
        for (let k = 0; k < kept.length; k++) expect(ring.ago(k)).toBe(kept[kept.length - 1 - k]);
        expect(ring.ago(kept.length)).toBeNaN();
        if (kept.length > 0) expect(ring.oldest()).toBe(kept[0]);
        // Sum runs oldest → newest: bit-equal to a left fold of the kept values.
        expect(ring.sum()).toBe(kept.reduce((a, b) => a + b, 0));
      }),
    );
  });

  it("std is the two-pass population std and exactly 0 on a constant window", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), values, (cap, xs) => {
        const ring = new RingBuffer(cap);
        for (const x of xs) ring.push(x);
        const kept = xs.slice(Math.max(0, xs.length - cap));
        if (kept.length === 0) {
          expect(ring.std()).toBeNaN();
          return;
        }
        const m = kept.reduce((a, b) => a + b, 0) / kept.length;
        const v = kept.reduce((a, b) => a + (b - m) ** 2, 0) / kept.length;
        const constant = kept.every((x) => x === kept[0]);
        expect(ring.std()).toBe(constant ? 0 : Math.sqrt(v));
      }),
    );
    const ring = new RingBuffer(50);
    // 0.1 * 50 / 50 rounds away from 0.1: a naive std would be ~1e-17, not 0.
    for (let i = 0; i < 50; i++) ring.push(0.1);
    expect(ring.std()).toBe(0);
  });

  it("rejects a non-positive capacity", () => {
    expect(() => new RingBuffer(0)).toThrow(/capacity 0 must be a positive integer/);
  });
});
