import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.ts";
import { chronologicalSplit, type SplitParams, type SplitResult } from "../../src/splits/chronological.ts";
import { splitViolations } from "./split-invariants.ts";

/** Every row labelled with window [i, i+h] while i+h < n; the last h rows unlabelled. */
function fixedHorizon(n: number, h: number): { t1Index: Int32Array } {
  return { t1Index: Int32Array.from({ length: n }, (_, i) => (i + h < n ? i + h : -1)) };
}

describe("chronologicalSplit: hand-computed", () => {
  it("cuts, purges and embargoes a 20-row series as worked out by hand", () => {
    // 18 labelled rows: train 9 (rows 0–8), val 4 (9–12), test 5 (13–17).
    // Train: rows 7, 8 reach row 9 (t1 = i + 2) → purged. Val: 9 embargoed; 11 reaches 13 and 12 lies in
    // the 1-bar purge margin → purged. Test: 13 embargoed.
    const r = chronologicalSplit(fixedHorizon(20, 2), 20, {
      train: 0.5,
      val: 0.25,
      test: 0.25,
      purge: 1,
      embargo: 1,
    });
    expect(Array.from(r.train)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(r.val)).toEqual([10]);
    expect(Array.from(r.test)).toEqual([14, 15, 16, 17]);
    expect(r.boundaries).toEqual({ trainStart: 0, valStart: 9, testStart: 13, end: 20 });
    expect(r.dropped).toEqual({ purged: 4, embargoed: 2, unlabeled: 2 });
  });

  it("the purge margin drops rows whose window does not reach the boundary", () => {
    const r = chronologicalSplit(fixedHorizon(40, 1), 40, {
      train: 0.5,
      val: 0.25,
      test: 0.25,
      purge: 5,
      embargo: 0,
    });
    // 39 labelled: train rows 0–18, valStart 19; margin drops 14–18 (18 also by its window).
    expect(r.train[r.train.length - 1]).toBe(13);
    expect(r.boundaries.valStart).toBe(19);
  });

  it("skips unlabelled rows when cutting by fraction", () => {
    const t1Index = Int32Array.from({ length: 12 }, (_, i) => (i % 2 === 0 && i < 11 ? i + 1 : -1));
    // Labelled rows 0,2,4,6,8,10: 4 train, 1 val, 1 test.
    const r = chronologicalSplit({ t1Index }, 12, {
      train: 4 / 6,
      val: 1 / 6,
      test: 1 / 6,
      purge: 0,
      embargo: 0,
    });
    expect(Array.from(r.train)).toEqual([0, 2, 4, 6]);
    expect(Array.from(r.val)).toEqual([8]);
    expect(Array.from(r.test)).toEqual([10]);
    expect(r.dropped.unlabeled).toBe(6);
  });

  it("an embargo that swallows a split is a ConfigError, not an empty split", () => {
    expect(() =>
      chronologicalSplit(fixedHorizon(1000, 5), 1000, {
        train: 0.7,
        val: 0.15,
        test: 0.15,
        purge: 60,
        embargo: 1440,
      }),
    ).toThrow(/val split is empty.*splits.embargo/);
  });

  it("rejects fractions that do not sum to 1 and negative purge", () => {
    const l = fixedHorizon(100, 1);
    expect(() =>
      chronologicalSplit(l, 100, { train: 0.7, val: 0.2, test: 0.2, purge: 0, embargo: 0 }),
    ).toThrow(ConfigError);
    expect(() =>
      chronologicalSplit(l, 100, { train: 0.7, val: 0.15, test: 0.15, purge: -1, embargo: 0 }),
    ).toThrow(/splits.purge/);
  });
});

const arbCase = fc
  .record({
    n: fc.integer({ min: 1, max: 4000 }),
    maxH: fc.integer({ min: 1, max: 200 }),
    unlabeledRate: fc.integer({ min: 0, max: 60 }).map((p) => p / 100),
    seed: fc.integer(),
    train: fc.integer({ min: 1, max: 90 }),
    val: fc.integer({ min: 1, max: 90 }),
    test: fc.integer({ min: 1, max: 90 }),
    purge: fc.integer({ min: 0, max: 150 }),
    embargo: fc.integer({ min: 0, max: 600 }),
  })
  .map((c) => {
    // Random label windows of 1..maxH bars (first touch anywhere before the vertical barrier).
    let s = c.seed >>> 0 || 1;
    const rand = () => {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      return (s >>> 0) / 2 ** 32;
    };
    const t1Index = new Int32Array(c.n);
    for (let i = 0; i < c.n; i++) {
      const h = 1 + Math.floor(rand() * c.maxH);
      t1Index[i] = i + c.maxH < c.n && rand() >= c.unlabeledRate ? i + h : -1;
    }
    const sum = c.train + c.val + c.test;
    const cfg: SplitParams = {
      train: c.train / sum,
      val: c.val / sum,
      test: 1 - c.train / sum - c.val / sum,
      purge: c.purge,
      embargo: c.embargo,
    };
    return { n: c.n, t1Index, cfg };
  });

describe("chronologicalSplit: properties", () => {
  it("no leakage across boundaries, embargo respected, order kept, counts add up, nothing dropped needlessly", () => {
    let checked = 0;
    fc.assert(
      fc.property(arbCase, ({ n, t1Index, cfg }) => {
        let r: SplitResult;
        try {
          r = chronologicalSplit({ t1Index }, n, cfg);
        } catch (e) {
          expect(e).toBeInstanceOf(ConfigError);
          return;
        }
        checked++;
        expect(splitViolations(r, t1Index, n, cfg)).toEqual([]);
      }),
      { numRuns: 400 },
    );
    // The generator must exercise the invariants, not only the error path.
    expect(checked).toBeGreaterThan(100);
  });
});
