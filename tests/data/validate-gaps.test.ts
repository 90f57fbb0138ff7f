/**
 * The validation loop over typed arrays (first problem in row order, whatever its kind) and the
 * gap report.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Bars } from "../../src/data/bars.ts";
import { gapReport, listGaps } from "../../src/data/gaps.ts";
import { describeProblem, findFirstProblem } from "../../src/data/validate.ts";

const M = 60_000;
function bars(rows: Array<[number, number, number, number, number]>, volume: number[] | null = null): Bars {
  return {
    length: rows.length,
    ts: new Float64Array(rows.map((r) => r[0])),
    open: new Float64Array(rows.map((r) => r[1])),
    high: new Float64Array(rows.map((r) => r[2])),
    low: new Float64Array(rows.map((r) => r[3])),
    close: new Float64Array(rows.map((r) => r[4])),
    volume: volume ? new Float64Array(volume) : null,
  };
}

describe("findFirstProblem", () => {
  it("accepts consistent bars, including open/close on the high or low", () => {
    expect(
      findFirstProblem(
        bars([
          [0, 10, 11, 9, 10],
          [M, 11, 11, 9, 9],
          [5 * M, 9, 9, 9, 9],
        ]),
      ),
    ).toBeNull();
  });

  it("reports the earliest row whatever the kinds of later problems", () => {
    const p = findFirstProblem(
      bars([
        [0, 10, 11, 9, 10],
        [M, 10, 9.5, 9.75, 10], // high < low: row index 1
        [M, Number.NaN, 11, 9, 10], // duplicate and NaN later
      ]),
    );
    expect(p).toEqual({ kind: "high-below-low", index: 1, column: "high", high: 9.5, low: 9.75 });
    expect(describeProblem(p as Exclude<typeof p & object, { kind: "not-finite" }>)).toBe(
      "high 9.5 < low 9.75",
    );
  });

  it.each([
    [[[0, Number.POSITIVE_INFINITY, 11, 9, 10]], { kind: "not-finite", index: 0, column: "open" }],
    [[[Number.NaN, 10, 11, 9, 10]], { kind: "not-finite", index: 0, column: "timestamp" }],
    [[[0, 10, 11, -1, 10]], { kind: "non-positive", index: 0, column: "low" }],
    [[[0, 12, 11, 9, 10]], { kind: "outside-range", index: 0, column: "open" }],
    [[[0, 10, 11, 9, 8]], { kind: "outside-range", index: 0, column: "close" }],
    [
      [
        [M, 10, 11, 9, 10],
        [0, 10, 11, 9, 10],
      ],
      { kind: "unsorted-ts", index: 1, column: "timestamp" },
    ],
    [
      [
        [M, 10, 11, 9, 10],
        [M, 10, 11, 9, 10],
      ],
      { kind: "duplicate-ts", index: 1, column: "timestamp" },
    ],
  ] as const)("finds %j", (rows, expected) => {
    expect(
      findFirstProblem(bars(rows as unknown as Array<[number, number, number, number, number]>)),
    ).toMatchObject(expected);
  });

  it("checks volume only when there is one", () => {
    expect(findFirstProblem(bars([[0, 10, 11, 9, 10]], [-1]))).toMatchObject({
      kind: "negative-volume",
      index: 0,
    });
    expect(findFirstProblem(bars([[0, 10, 11, 9, 10]], [Number.NaN]))).toMatchObject({
      kind: "not-finite",
      column: "volume",
    });
    expect(findFirstProblem(bars([[0, 10, 11, 9, 10]], [0]))).toBeNull();
  });

  it("never passes bars that break an OHLC or ordering rule (property)", () => {
    const row = fc.tuple(
      fc.integer({ min: 0, max: 50 }),
      fc.double({ min: -5, max: 200, noNaN: true }),
      fc.double({ min: -5, max: 200, noNaN: true }),
      fc.double({ min: -5, max: 200, noNaN: true }),
      fc.double({ min: -5, max: 200, noNaN: true }),
    );
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 20 }), (rows) => {
        const b = bars(rows.map(([t, o, h, l, c]) => [t * M, o, h, l, c]));
        let valid = true;
        for (let i = 0; i < b.length; i++) {
          const [o, h, l, c] = [b.open[i], b.high[i], b.low[i], b.close[i]];
          if (!(o > 0 && h > 0 && l > 0 && c > 0 && h >= l && o >= l && o <= h && c >= l && c <= h))
            valid = false;
          if (i > 0 && b.ts[i] <= b.ts[i - 1]) valid = false;
        }
        return (findFirstProblem(b) === null) === valid;
      }),
    );
  });
});

describe("gapReport", () => {
  it("counts gaps of more than 60 s, the largest and where it starts, and the missing minutes", () => {
    const ts = new Float64Array([0, M, 2 * M, 5 * M, 6 * M, 16 * M, 17 * M]);
    expect(gapReport(ts)).toEqual({
      count: 2,
      largestMs: 10 * M,
      largestAfterTs: 6 * M,
      totalMissingMinutes: 2 + 9,
    });
    expect(listGaps(ts)).toEqual([
      { afterTs: 2 * M, beforeTs: 5 * M },
      { afterTs: 6 * M, beforeTs: 16 * M },
    ]);
    expect(listGaps(ts, 5 * M)).toEqual([{ afterTs: 6 * M, beforeTs: 16 * M }]);
  });

  it("reports no gap for contiguous bars, one bar or none", () => {
    const none = { count: 0, largestMs: 0, largestAfterTs: null, totalMissingMinutes: 0 };
    expect(gapReport(new Float64Array([0, M, 2 * M]))).toEqual(none);
    expect(gapReport(new Float64Array([0]))).toEqual(none);
    expect(gapReport(new Float64Array([]))).toEqual(none);
  });
});
