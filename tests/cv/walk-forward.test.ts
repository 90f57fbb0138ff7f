import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.ts";
import { CvRecordSchema, checkFoldIsolation, walkForward } from "../../src/cv/index.ts";
import { arr, expectedTrain, fixedHorizon, isolationArb, samplesArb, wellFormed } from "./helpers.ts";

describe("walkForward: hand-computed", () => {
  it("expanding: 4 blocks of 5, purge by window (h = 1) and margin 1", () => {
    // Samples 0–19 (t1 = r + 1); blocks 0–4, 5–9, 10–14, 15–19; tests are blocks 1–3.
    const s = fixedHorizon(21, 1);
    const { folds, record } = walkForward(s, { nFolds: 3, mode: "expanding", purgeBars: 1, embargoBars: 50 });
    expect(folds.map((f) => arr(f.test))).toEqual([
      [5, 6, 7, 8, 9],
      [10, 11, 12, 13, 14],
      [15, 16, 17, 18, 19],
    ]);
    // Row 4 reaches bar 5 and is in the margin: dropped. The embargo has nothing after the test to drop.
    expect(folds.map((f) => arr(f.train))).toEqual([
      [0, 1, 2, 3],
      [0, 1, 2, 3, 4, 5, 6, 7, 8],
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
    ]);
    expect(record.folds.map((f) => f.embargoed)).toEqual([0, 0, 0]);
    expect(record.params).toEqual({ n_folds: 3, mode: "expanding", purge_bars: 1, embargo_bars: 50 });
  });

  it("rolling: the window of samples right before the test block", () => {
    const s = fixedHorizon(21, 0);
    const { folds, record } = walkForward(s, {
      nFolds: 3,
      mode: "rolling",
      window: 6,
      purgeBars: 2,
      embargoBars: 0,
    });
    expect(folds.map((f) => arr(f.train))).toEqual([
      [0, 1, 2],
      [4, 5, 6, 7],
      [9, 10, 11, 12],
    ]);
    expect(record.params.window).toBe(6);
    // Default window = block 0's size.
    const d = walkForward(s, { nFolds: 3, mode: "rolling", purgeBars: 0, embargoBars: 0 });
    expect(d.folds.map((f) => f.train.length)).toEqual([5, 5, 5]);
    expect(d.record.params.window).toBe(5);
  });
});

describe("walkForward: properties", () => {
  const params = fc.record({
    iso: isolationArb,
    k: fc.integer({ min: 1, max: 5 }),
    rolling: fc.boolean(),
    window: fc.integer({ min: 1, max: 40 }),
  });

  it("never trains on the future; train = what the rule allows among earlier samples; block 0 never tested", () => {
    fc.assert(
      fc.property(samplesArb(6), params, (s, { iso, k, rolling, window }) => {
        fc.pre(s.rows.length >= k + 1);
        const p = rolling
          ? { nFolds: k, mode: "rolling" as const, window, ...iso }
          : { nFolds: k, mode: "expanding" as const, ...iso };
        let folds: ReturnType<typeof walkForward>["folds"];
        try {
          ({ folds } = walkForward(s, p));
        } catch (e) {
          expect(e).toBeInstanceOf(ConfigError);
          return;
        }
        expect(wellFormed(s, folds)).toBe(true);
        const m = s.rows.length;
        const firstBlockEnd = Math.floor(m / (k + 1));
        folds.forEach((f, j) => {
          const testStart = f.test[0];
          // Every training label ends before the test block starts.
          for (const r of f.train) expect(s.t1Index[r]).toBeLessThan(testStart);
          const before = arr(s.rows).filter((r) => r < testStart);
          const candidates = rolling ? before.slice(Math.max(0, before.length - window)) : before;
          expect(arr(f.train)).toEqual(expectedTrain(s, f.test, candidates, iso.purgeBars, iso.embargoBars));
          expect(f.test.length).toBe(
            Math.floor(((j + 2) * m) / (k + 1)) - Math.floor(((j + 1) * m) / (k + 1)),
          );
        });
        const tested = new Set(folds.flatMap((f) => arr(f.test)));
        for (let i = 0; i < firstBlockEnd; i++) expect(tested.has(s.rows[i])).toBe(false);
        expect(tested.size).toBe(m - firstBlockEnd);
        checkFoldIsolation(s, folds, iso);
      }),
      { numRuns: 300 },
    );
  });

  it("expanding training sets are nested", () => {
    const { folds } = walkForward(fixedHorizon(300, 5), {
      nFolds: 4,
      mode: "expanding",
      purgeBars: 3,
      embargoBars: 3,
    });
    for (let j = 1; j < folds.length; j++) {
      const later = new Set(arr(folds[j].train));
      for (const r of folds[j - 1].train) expect(later.has(r)).toBe(true);
    }
  });
});

describe("walkForward: record and refusals", () => {
  it("record parses; refusals are ConfigErrors naming the field", () => {
    const s = fixedHorizon(60, 2);
    const { record } = walkForward(s, { nFolds: 2, mode: "expanding", purgeBars: 0, embargoBars: 0 });
    expect(CvRecordSchema.parse(JSON.parse(JSON.stringify(record)))).toEqual(record);
    expect(() => walkForward(s, { nFolds: 0, mode: "expanding", purgeBars: 0, embargoBars: 0 })).toThrow(
      /n_folds 0/,
    );
    expect(() =>
      walkForward(s, { nFolds: 2, mode: "expanding", window: 5, purgeBars: 0, embargoBars: 0 }),
    ).toThrow(/mode rolling only/);
    expect(() =>
      walkForward(s, { nFolds: 2, mode: "rolling", window: 0, purgeBars: 0, embargoBars: 0 }),
    ).toThrow(/window 0/);
    expect(() =>
      walkForward(s, { nFolds: 2, mode: "sideways" as "rolling", purgeBars: 0, embargoBars: 0 }),
    ).toThrow(/expanding" or "rolling/);
    expect(() => walkForward(s, { nFolds: 2, mode: "expanding", purgeBars: 40, embargoBars: 0 })).toThrow(
      /no training sample/,
    );
  });
});
