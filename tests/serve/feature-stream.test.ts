/**
 * The live stream against the batch engine: bar by bar, in ragged chunks, after refused bars and
 * after a snapshot/restore, every row is bit-identical to the batch computation of the same bars.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { featuresWithRolls, memoryFeatureRun } from "../../src/rolls/features.ts";
import { rollsFromContracts } from "../../src/rolls/rolls.ts";
import { barsFromJson } from "../../src/serve/bar-input.ts";
import { ServeError } from "../../src/serve/errors.ts";
import type { FeaturePlanSpec } from "../../src/serve/feature-plan.ts";
import { FeatureStream } from "../../src/serve/feature-stream.ts";
import { decodeSnapshot, encodeSnapshot, restoreStream, rowSha256 } from "../../src/serve/snapshot.ts";
import { barJson, barsJson, batchFeatures, FAST_FAMILIES, synthBars } from "./fixtures.ts";

const N = 3000;
const bars = synthBars(N, 11);
const selection = { hasVolume: true, families: FAST_FAMILIES };
let batch: { names: string[]; cols: Float32Array[] };
let plan: FeaturePlanSpec;

/** Index of the first column whose float32 bits differ from batch row `i`, or -1. */
function rowDiff(row: readonly Float32Array[], i: number): number {
  const a = new Uint32Array(1);
  const b = new Uint32Array(1);
  const fa = new Float32Array(a.buffer);
  const fb = new Float32Array(b.buffer);
  for (let j = 0; j < row.length; j++) {
    fa[0] = row[j][0];
    fb[0] = batch.cols[j][i];
    if (a[0] !== b[0]) return j;
  }
  return -1;
}

function expectRow(stream: FeatureStream, i: number): void {
  const j = rowDiff(stream.engine(plan.key).row, i);
  expect(j, j >= 0 ? `${batch.names[j]} at row ${i}` : "").toBe(-1);
}

function accept(stream: FeatureStream, from: number, to: number): void {
  stream.accept(barsFromJson(barsJson(bars, from, to)));
}

/** The ServeError a refused request throws. */
function refusal(fn: () => void): ServeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ServeError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

beforeAll(() => {
  batch = batchFeatures(selection, bars);
  plan = { key: "p", selection, names: batch.names, adjust: null, replayBars: 0 };
});

describe("live feature stream", () => {
  it("gives the batch row for every bar fed one at a time", () => {
    const s = new FeatureStream("a", [plan]);
    for (let i = 0; i < N; i++) {
      accept(s, i, i + 1);
      const j = rowDiff(s.engine(plan.key).row, i);
      if (j >= 0) expect.fail(`${batch.names[j]} differs at row ${i}`);
    }
    expect(s.rows).toBe(N);
  });

  it("gives the same rows whatever the chunk sizes (warm-up in one request, then ragged)", () => {
    const s = new FeatureStream("b", [plan]);
    const sizes = [1500, 1, 7, 60, 1, 333, 2, 97];
    let at = 0;
    for (let k = 0; at < N; k++) {
      const to = Math.min(N, at + sizes[k % sizes.length]);
      accept(s, at, to);
      expectRow(s, to - 1);
      at = to;
    }
  });

  it("reports warm only past the warm-up", () => {
    const s = new FeatureStream("c", [plan]);
    accept(s, 0, 100);
    expect(s.isWarm(100)).toBe(false);
    accept(s, 100, 101);
    expect(s.isWarm(100)).toBe(true);
  });

  it("refuses malformed, duplicate, out-of-order and volume-less bars without changing its state", () => {
    const s = new FeatureStream("d", [plan]);
    accept(s, 0, 500);
    const before = { rows: s.rows, ts: s.lastTs, sha: rowSha256(s.engine(plan.key).row) };
    const good = barJson(bars, 500);
    const cases: [string, () => void, string, number][] = [
      ["high below low", () => s.accept(barsFromJson([{ ...good, high: good.low - 1 }])), "BAR_INVALID", 422],
      ["non-positive", () => s.accept(barsFromJson([{ ...good, low: 0 }])), "BAR_INVALID", 422],
      [
        "close outside",
        () => s.accept(barsFromJson([{ ...good, close: good.high + 1 }])),
        "BAR_INVALID",
        422,
      ],
      ["negative volume", () => s.accept(barsFromJson([{ ...good, volume: -1 }])), "BAR_INVALID", 422],
      [
        "infinite",
        () => s.accept(barsFromJson([{ ...good, open: Number.POSITIVE_INFINITY }])),
        "BAR_INVALID",
        422,
      ],
      [
        "seconds",
        () => s.accept(barsFromJson([{ ...good, timestamp: (good.timestamp as number) / 1e6 }])),
        "BAR_INVALID",
        422,
      ],
      [
        "no offset",
        () => s.accept(barsFromJson([{ ...good, timestamp: "2024-01-05 10:00" }])),
        "BAR_INVALID",
        422,
      ],
      ["duplicate", () => accept(s, 499, 500), "BAR_DUPLICATE", 409],
      ["out of order", () => accept(s, 400, 401), "BAR_OUT_OF_ORDER", 409],
      [
        "unsorted in request",
        () => s.accept(barsFromJson([barJson(bars, 501), barJson(bars, 500)])),
        "BAR_OUT_OF_ORDER",
        409,
      ],
      ["duplicate in request", () => s.accept(barsFromJson([good, good])), "BAR_DUPLICATE", 409],
      [
        "no volume",
        () => s.accept(barsFromJson([{ ...good, volume: undefined }].map(({ volume: _, ...b }) => b))),
        "BAR_VOLUME_MISSING",
        422,
      ],
      // A good bar first and a bad one later: nothing of the request is applied.
      [
        "bad later bar",
        () => s.accept(barsFromJson([good, { ...barJson(bars, 501), high: 1 }])),
        "BAR_INVALID",
        422,
      ],
    ];
    for (const [what, fn, code, status] of cases) {
      const e = refusal(fn);
      expect([what, e.code, e.status]).toEqual([what, code, status]);
      expect(e.message.length).toBeGreaterThan(10);
      expect({ rows: s.rows, ts: s.lastTs, sha: rowSha256(s.engine(plan.key).row) }).toEqual(before);
    }
    for (let i = 500; i < 800; i++) accept(s, i, i + 1);
    expectRow(s, 799);
  });

  it("snapshots and restores: the restored stream continues bit for bit", () => {
    const s = new FeatureStream("e", [plan]);
    accept(s, 0, 1777);
    const bytes = encodeSnapshot(s);
    expect(decodeSnapshot(bytes, "snap").header.rows).toBe(1777);
    const r = restoreStream(bytes, [plan], "snap");
    expect(r.id).toBe("e");
    expect(r.rows).toBe(1777);
    expectRow(r, 1776);
    for (let i = 1777; i < N; i++) {
      accept(r, i, i + 1);
      if (rowDiff(r.engine(plan.key).row, i) >= 0) expect.fail(`row ${i} differs after restore`);
    }
  });

  it("refuses a corrupt snapshot and one whose features no longer reproduce", () => {
    const s = new FeatureStream("f", [plan]);
    accept(s, 0, 900);
    const bytes = encodeSnapshot(s);
    const flipped = bytes.slice();
    flipped[flipped.length - 3] ^= 1;
    expect(() => restoreStream(flipped, [plan], "snap")).toThrow(/columns_sha256 mismatch/);
    expect(() => restoreStream(bytes.slice(0, 100), [plan], "snap")).toThrow(/not a usable stream snapshot/);
    // The same key with other columns: the replayed last row cannot match the recorded one.
    const other = batchFeatures({ hasVolume: true, families: ["momentum"] }, bars);
    const changed = {
      key: "p",
      selection: { hasVolume: true, families: ["momentum" as const] },
      names: other.names,
      adjust: null,
      replayBars: 0,
    };
    expect(() => restoreStream(bytes, [changed], "snap")).toThrow(/does not reproduce its last feature row/);
  });

  it("adjusts at rolls point in time exactly as predict's featuresWithRolls (bar by bar, chunks, restore)", async () => {
    // Three contracts; each roll leaves a price jump (later contracts trade 1.5% and 3% higher).
    const rollRows = [1000, 2200];
    const names = ["X1", "X2", "X3"];
    const contractOf = (i: number) => names[rollRows.filter((r) => i >= r).length]!;
    const jumped = {
      ...bars,
      open: bars.open.map((v, i) => v * (1 + 0.015 * rollRows.filter((r) => i >= r).length)),
      high: bars.high.map((v, i) => v * (1 + 0.015 * rollRows.filter((r) => i >= r).length)),
      low: bars.low.map((v, i) => v * (1 + 0.015 * rollRows.filter((r) => i >= r).length)),
      close: bars.close.map((v, i) => v * (1 + 0.015 * rollRows.filter((r) => i >= r).length)),
    };
    const runs = { start: Int32Array.from([0, ...rollRows]), name: names, length: N };
    const rolls = rollsFromContracts(jumped, runs);
    for (const mode of ["adjust_ratio", "adjust_difference"] as const) {
      const replayBars = 300;
      const adjusting: FeaturePlanSpec = {
        ...plan,
        key: mode,
        adjust: mode === "adjust_ratio" ? "ratio" : "difference",
        replayBars,
      };
      const expected = await featuresWithRolls(jumped, rolls, mode, replayBars, {
        whole: memoryFeatureRun(selection),
        selection,
      });
      const check = (s: FeatureStream, i: number) => {
        const row = s.engine(mode).row;
        for (let j = 0; j < row.length; j++) {
          if (!Object.is(row[j][0], expected.features[j][i]))
            expect.fail(`${mode} ${batch.names[j]} at row ${i}`);
        }
      };
      const json = (from: number, to: number) =>
        barsJson(jumped, from, to).map((b, k) => ({ ...b, contract: contractOf(from + k) }));
      const one = new FeatureStream("rolls", [adjusting]);
      for (let i = 0; i < N; i++) {
        one.accept(barsFromJson(json(i, i + 1)));
        check(one, i);
      }
      expect(one.rolls.map((r) => [r.row, r.from, r.to])).toEqual([
        [1000, "X1", "X2"],
        [2200, "X2", "X3"],
      ]);
      // Chunks that straddle the rolls, and a restore from a snapshot taken between them.
      const chunked = new FeatureStream("rolls", [adjusting]);
      for (const [a, b] of [
        [0, 990],
        [990, 1500],
      ]) {
        chunked.accept(barsFromJson(json(a!, b!)));
        check(chunked, b! - 1);
      }
      const restored = restoreStream(encodeSnapshot(chunked), [adjusting], "snap");
      restored.accept(barsFromJson(json(1500, N)));
      check(restored, N - 1);
    }
  });

  it("refuses contracts on a stream that had none, and bars without one on a stream that had them", () => {
    const s = new FeatureStream("g", [plan]);
    accept(s, 0, 10);
    expect(refusal(() => s.accept(barsFromJson([{ ...barJson(bars, 10), contract: "X1" }]))).message).toMatch(
      /earlier bars named no contract/,
    );
    const t = new FeatureStream("h", [plan]);
    t.accept(barsFromJson([{ ...barJson(bars, 0), contract: "X1" }]));
    expect(refusal(() => accept(t, 1, 2)).message).toMatch(/every bar needs one/);
    expect(
      refusal(() => barsFromJson([{ ...barJson(bars, 1), contract: "X1" }, barJson(bars, 2)])).message,
    ).toMatch(/all or none/);
  });
});
