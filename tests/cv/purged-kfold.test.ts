import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError, DataError } from "../../src/core/errors.ts";
import { CvRecordSchema, checkFoldIsolation, FoldIsolationError, purgedKFold } from "../../src/cv/index.ts";
import {
  arr,
  expectedTrain,
  fixedHorizon,
  isolationArb,
  samplesArb,
  spansOf,
  wellFormed,
} from "./helpers.ts";

describe("purgedKFold: hand-computed", () => {
  it("purges overlapping windows and the margin, embargoes after every fold (20 rows, h = 2, K = 3)", () => {
    // Samples 0–17 (t1 = r + 2); folds 0–5, 6–11, 12–17; purge 1, embargo 2.
    const s = fixedHorizon(20, 2);
    const { folds, record } = purgedKFold(s, { nFolds: 3, purgeBars: 1, embargoBars: 2 });
    expect(folds.map((f) => arr(f.test))).toEqual([
      [0, 1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10, 11],
      [12, 13, 14, 15, 16, 17],
    ]);
    // Fold 0 covers bars [0, 7]: 6, 7 overlap; 8, 9 are the embargo.
    expect(arr(folds[0].train)).toEqual([10, 11, 12, 13, 14, 15, 16, 17]);
    // Fold 1 covers [6, 13]: 4, 5 reach bar 6 (5 is also in the margin); 12, 13 overlap; 14, 15 embargo.
    expect(arr(folds[1].train)).toEqual([0, 1, 2, 3, 16, 17]);
    // Fold 2 covers [12, 19]: 10, 11 reach bar 12; nothing after it.
    expect(arr(folds[2].train)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(record.folds.map((f) => [f.purged, f.embargoed, f.test_spans])).toEqual([
      [2, 2, [[0, 7]]],
      [4, 2, [[6, 13]]],
      [2, 0, [[12, 19]]],
    ]);
    expect(record.params).toEqual({ n_folds: 3, purge_bars: 1, embargo_bars: 2 });
  });

  it("the purge margin drops samples whose window does not reach the fold", () => {
    const s = fixedHorizon(40, 0); // windows of one bar: only the margin can purge
    const { folds } = purgedKFold(s, { nFolds: 2, purgeBars: 5, embargoBars: 0 });
    expect(arr(folds[1].train)).toEqual(Array.from({ length: 15 }, (_, i) => i)); // 15–19 in the margin
    expect(arr(folds[0].train)).toEqual(Array.from({ length: 20 }, (_, i) => 20 + i));
  });
});

describe("purgedKFold: properties", () => {
  const params = fc.tuple(isolationArb, fc.integer({ min: 2, max: 6 }));

  it("train = exactly the samples the rule allows; no train window meets a test span or its embargo", () => {
    fc.assert(
      fc.property(samplesArb(6), params, (s, [iso, k]) => {
        fc.pre(s.rows.length >= k);
        let result: ReturnType<typeof purgedKFold>;
        try {
          result = purgedKFold(s, { nFolds: k, ...iso });
        } catch (e) {
          // Only an emptied training set may refuse; check that the rule really empties one.
          expect(e).toBeInstanceOf(ConfigError);
          const m = s.rows.length;
          const emptied = Array.from({ length: k }, (_, j) => {
            const test = arr(s.rows).slice(Math.floor((j * m) / k), Math.floor(((j + 1) * m) / k));
            return expectedTrain(s, test, s.rows, iso.purgeBars, iso.embargoBars).length === 0;
          });
          expect(emptied).toContain(true);
          return;
        }
        const { folds } = result;
        expect(wellFormed(s, folds)).toBe(true);
        for (const f of folds) {
          expect(arr(f.train)).toEqual(expectedTrain(s, f.test, s.rows, iso.purgeBars, iso.embargoBars));
          for (const [a, b] of spansOf(s, f.test)) {
            for (const r of f.train) {
              const e = s.t1Index[r];
              // The window [r, e] is disjoint from [a, b + embargo] …
              expect(e < a || r > b + iso.embargoBars).toBe(true);
              // … and does not start in the purge margin.
              expect(r < a - iso.purgeBars || r > b).toBe(true);
            }
          }
        }
        checkFoldIsolation(s, folds, iso);
      }),
      { numRuns: 300 },
    );
  });

  it("the embargo is applied after every test fold, not only the last", () => {
    fc.assert(
      fc.property(
        samplesArb(8),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 2, max: 5 }),
        (s, emb, k) => {
          fc.pre(s.rows.length >= k);
          let folds: ReturnType<typeof purgedKFold>["folds"];
          try {
            ({ folds } = purgedKFold(s, { nFolds: k, purgeBars: 0, embargoBars: emb }));
          } catch {
            return;
          }
          for (const f of folds) {
            const end = Math.max(...arr(f.test).map((r) => s.t1Index[r]));
            const train = new Set(arr(f.train));
            for (const r of s.rows) if (r > end && r <= end + emb) expect(train.has(r)).toBe(false);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("every sample is tested exactly once, folds are contiguous and differ in size by at most one", () => {
    fc.assert(
      fc.property(samplesArb(4), fc.integer({ min: 2, max: 8 }), (s, k) => {
        fc.pre(s.rows.length >= k);
        let folds: ReturnType<typeof purgedKFold>["folds"];
        try {
          ({ folds } = purgedKFold(s, { nFolds: k, purgeBars: 0, embargoBars: 0 }));
        } catch {
          return; // every window overlapped a fold: no training left (tested above)
        }
        expect(folds.flatMap((f) => arr(f.test))).toEqual(arr(s.rows));
        const sizes = folds.map((f) => f.test.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe("purgedKFold: record and refusals", () => {
  it("the record is valid JSON, deterministic and hashes the rows", () => {
    const s = fixedHorizon(500, 7);
    const a = purgedKFold(s, { nFolds: 5, purgeBars: 3, embargoBars: 10 });
    const b = purgedKFold(s, { nFolds: 5, purgeBars: 3, embargoBars: 10 });
    const json = JSON.parse(JSON.stringify(a.record));
    expect(CvRecordSchema.parse(json)).toEqual(a.record);
    expect(a.record).toEqual(b.record);
    expect(a.record.method).toBe("purged_kfold");
    expect(a.record.samples).toBe(493);
    expect(new Set(a.record.folds.map((f) => f.test_sha256)).size).toBe(5);
  });

  it("refuses bad parameters and samples with typed errors", () => {
    const s = fixedHorizon(30, 2);
    expect(() => purgedKFold(s, { nFolds: 1, purgeBars: 0, embargoBars: 0 })).toThrow(ConfigError);
    expect(() => purgedKFold(s, { nFolds: 2.5, purgeBars: 0, embargoBars: 0 })).toThrow(/n_folds/);
    expect(() => purgedKFold(s, { nFolds: 29, purgeBars: 0, embargoBars: 0 })).toThrow(/cannot fill/);
    expect(() => purgedKFold(s, { nFolds: 3, purgeBars: -1, embargoBars: 0 })).toThrow(/purge_bars/);
    expect(() => purgedKFold(s, { nFolds: 2, purgeBars: 0, embargoBars: 100 })).toThrow(/no training sample/);
    const unsorted = { ...s, rows: Int32Array.from([3, 2, 5]) };
    expect(() => purgedKFold(unsorted, { nFolds: 2, purgeBars: 0, embargoBars: 0 })).toThrow(DataError);
    const unlabelled = { ...s, rows: Int32Array.from([1, 2, 29]) };
    expect(() => purgedKFold(unlabelled, { nFolds: 2, purgeBars: 0, embargoBars: 0 })).toThrow(
      /only labelled rows/,
    );
    expect(() => purgedKFold({ ...s, n: 31 }, { nFolds: 2, purgeBars: 0, embargoBars: 0 })).toThrow(
      /t1Index has 30 rows/,
    );
  });
});

describe("checkFoldIsolation", () => {
  const s = fixedHorizon(100, 3);
  const iso = { purgeBars: 2, embargoBars: 4 };
  const { folds } = purgedKFold(s, { nFolds: 4, ...iso });
  const withTrain = (k: number, extra: number) => {
    const copy = folds.map((f) => ({ train: f.train, test: f.test }));
    copy[k] = {
      test: folds[k].test,
      train: Int32Array.from([...arr(folds[k].train), extra].sort((a, b) => a - b)),
    };
    return copy;
  };

  it("passes on the splitter's folds and names the fold and row of each kind of leak", () => {
    expect(() => checkFoldIsolation(s, folds, iso)).not.toThrow();
    // Fold 1 tests rows 24–47 and covers bars [24, 50].
    const cases: [number, RegExp][] = [
      [30, /fold 1: row 30 is in both train and test/],
      [22, /fold 1: train row 22 has label window \[22, 25\] overlapping the test span \[24, 50\]/],
      [51, /fold 1: train row 51 starts within the 4-bar embargo after the test span \[24, 50\]/],
    ];
    for (const [row, message] of cases) {
      const bad = withTrain(1, row);
      expect(() => checkFoldIsolation(s, bad, iso)).toThrow(message);
      try {
        checkFoldIsolation(s, bad, iso);
      } catch (e) {
        expect(e).toBeInstanceOf(FoldIsolationError);
        expect((e as FoldIsolationError).fold).toBe(1);
        expect((e as FoldIsolationError).row).toBe(row);
      }
    }
    // The margin: with windows of 0 bars, row 20 is 2 bars before a fold starting at 22.
    const s0 = fixedHorizon(88, 0);
    const f0 = purgedKFold(s0, { nFolds: 4, purgeBars: 2, embargoBars: 0 }).folds;
    const bad = f0.map((f, k) =>
      k === 1 ? { test: f.test, train: Int32Array.from([...arr(f.train), 20].sort((a, b) => a - b)) } : f,
    );
    expect(() => checkFoldIsolation(s0, bad, { purgeBars: 2, embargoBars: 0 })).toThrow(/purge margin/);
    expect(() => checkFoldIsolation(s, withTrain(0, 1000), iso)).toThrow(/not one of the samples/);
  });
});
