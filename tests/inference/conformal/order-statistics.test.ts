import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  kthOfSortedUnion,
  lowerRank,
  minimumRows,
  upperRank,
} from "../../../src/inference/conformal/index.ts";

describe("conformal ranks", () => {
  it("⌈(n+1)·c⌉ and ⌊(n+1)·(1−c)⌋ exactly, including the products that land on integers", () => {
    expect([upperRank(9, 0.9), upperRank(10, 0.9), upperRank(19, 0.9), upperRank(99, 0.95)]).toEqual([
      9, 10, 18, 95,
    ]);
    expect([upperRank(8, 0.9), upperRank(4, 0.8), upperRank(3, 0.5)]).toEqual([9, 4, 2]);
    expect([lowerRank(9, 0.9), lowerRank(19, 0.9), lowerRank(8, 0.9), lowerRank(99, 0.95)]).toEqual([
      1, 2, 0, 5,
    ]);
  });

  it("minimumRows: the fewest rows with a finite interval", () => {
    expect(minimumRows(0.9)).toBe(9);
    expect(minimumRows(0.95)).toBe(19);
    expect(minimumRows(0.5)).toBe(1);
  });
});

describe("kthOfSortedUnion", () => {
  it("equals sorting the union, for every k (property, with ties and empty sequences)", () => {
    const seq = fc
      .array(fc.integer({ min: -20, max: 20 }), { maxLength: 12 })
      .map((a) => a.sort((x, y) => x - y));
    fc.assert(
      fc.property(
        fc.array(seq, { minLength: 1, maxLength: 5 }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        (seqs, shift) => {
          const all = seqs.flatMap((s, f) => s.map((v) => v / 4 + f * shift)).sort((a, b) => a - b);
          for (let k = 1; k <= all.length; k++) {
            const got = kthOfSortedUnion(
              seqs.length,
              (f) => seqs[f].length,
              (f, j) => seqs[f][j] / 4 + f * shift,
              k,
            );
            expect(got).toBe(all[k - 1]);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("refuses a rank beyond the values", () => {
    expect(() =>
      kthOfSortedUnion(
        1,
        () => 2,
        (_, j) => j,
        3,
      ),
    ).toThrow(/exceeds/);
  });
});
