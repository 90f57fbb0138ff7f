/**
 * The rows a stream keeps for window models: whatever blocks the rows arrive in, the ring's last L
 * rows are the last L rows of everything appended (golden values and a property), and a stream fed
 * bar by bar keeps exactly the batch frame's rows — across a contract roll, whose replayed rows are
 * not stream rows.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.ts";
import type { Bars } from "../../src/data/bars.ts";
import { fingerprintBars } from "../../src/data/fingerprint.ts";
import { engineFeatureRun, featuresWithRolls, selectionOf } from "../../src/rolls/features.ts";
import { rollsFromContracts } from "../../src/rolls/rolls.ts";
import type { ModelInput } from "../../src/serve/bundle-runtime.ts";
import type { FeaturePlanSpec } from "../../src/serve/feature-plan.ts";
import { FeatureStream } from "../../src/serve/feature-stream.ts";
import { columnsOf, lastRowOf, withWindowOf } from "../../src/serve/window-input.ts";
import { WindowRing } from "../../src/serve/window-ring.ts";
import { removeDir, synthBars, tempDir } from "./fixtures.ts";

/** Two columns: row r is (r, −r). */
function block(from: number, n: number): Float32Array[] {
  return [
    Float32Array.from({ length: n }, (_, k) => from + k),
    Float32Array.from({ length: n }, (_, k) => -(from + k)),
  ];
}

describe("WindowRing", () => {
  it("keeps the last rows across wrap-arounds (golden values)", () => {
    const ring = new WindowRing(2, 3);
    ring.append(block(0, 2), 2);
    expect(ring.rows).toBe(2);
    expect(ring.last(2).map((c) => [...c])).toEqual([
      [0, 1],
      [-0, -1],
    ]);
    for (let r = 2; r < 10; r++) ring.append(block(r, 1), 1);
    expect(ring.rows).toBe(3);
    expect(ring.last(3).map((c) => [...c])).toEqual([
      [7, 8, 9],
      [-7, -8, -9],
    ]);
    ring.append(block(10, 5), 5);
    expect([...ring.last(3)[0]!]).toEqual([12, 13, 14]);
    expect(() => ring.last(4)).toThrow(/window of 4 feature rows/);
    expect(() => new WindowRing(2, 0)).toThrow(/keep must be a positive integer/);
  });

  it("gives copies: the stream moving on does not change a window already taken", () => {
    const ring = new WindowRing(2, 2);
    ring.append(block(0, 2), 2);
    const w = ring.last(2);
    ring.append(block(2, 2), 2);
    expect([...w[0]!]).toEqual([0, 1]);
  });

  it("property: any split of the rows into blocks leaves the last L rows of the whole", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 20 }),
        (keep, sizes) => {
          const ring = new WindowRing(2, keep);
          let total = 0;
          for (const n of sizes) {
            ring.append(block(total, n), n);
            total += n;
          }
          const L = Math.min(keep, total);
          expect(ring.rows).toBe(L);
          const got = ring.last(L);
          for (let l = 0; l < L; l++) {
            expect(got[0]![l]).toBe(total - L + l);
            expect(got[1]![l]).toBe(-(total - L + l));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("window-input helpers", () => {
  it("columnsOf / lastRowOf / withWindowOf read a row-major block as the stream's rows", () => {
    const rows = columnsOf(Float32Array.of(1, 2, 3, 4, 5, 6), ["a", "b"]);
    expect(rows.length).toBe(3);
    expect(rows.features.map((c) => [...c])).toEqual([
      [1, 3, 5],
      [2, 4, 6],
    ]);
    expect(lastRowOf(rows).map((c) => [...c])).toEqual([[5], [6]]);
    const input: ModelInput = { x: new Float32Array(0), scale: null };
    expect(withWindowOf({ windowLength: 0, plan: { key: "k" } }, input, rows)).toBe(input);
    const w = withWindowOf({ windowLength: 2, plan: { key: "k" } }, input, rows).window!;
    expect(w.length).toBe(2);
    expect(w.features.map((c) => [...c])).toEqual([
      [3, 5],
      [4, 6],
    ]);
  });
});

describe("a stream keeping rows for a window model", () => {
  it("holds, bar by bar and across a roll, the batch frame's last rows", async () => {
    const n = 1500;
    const base = synthBars(n, 11);
    // A roll at bar 900 whose open jumps 2% (adjust_ratio replays history into a fresh engine).
    const bars: Bars = { ...base };
    const contracts = Array.from({ length: n }, (_, i) => (i < 900 ? "X1" : "X2"));
    const jump = (a: Float64Array) => a.map((v, i) => (i >= 900 ? v * 1.02 : v));
    Object.assign(bars, {
      open: jump(base.open),
      high: jump(base.high),
      low: jump(base.low),
      close: jump(base.close),
    });
    const config = parseConfig({ features: { families: ["momentum", "statistics"] } });
    const selection = selectionOf(config, true);
    const replay = 300;
    const work = tempDir("mlf-window-ring-");
    let frame: Awaited<ReturnType<typeof featuresWithRolls>>;
    try {
      frame = await featuresWithRolls(
        bars,
        rollsFromContracts(bars, { start: Int32Array.of(0, 900), name: ["X1", "X2"], length: n }),
        "adjust_ratio",
        replay,
        {
          whole: engineFeatureRun({
            config,
            meta: { fingerprint: fingerprintBars(bars), hasVolume: true, warnings: [] },
            workDir: work,
          }),
          selection,
        },
      );
    } finally {
      removeDir(work);
    }
    const names = frame.features.length;
    const L = 5;
    const plan: FeaturePlanSpec = {
      key: "k",
      selection,
      names: frame.featureNames,
      adjust: "ratio",
      replayBars: replay,
      keep: L,
    };
    const stream = new FeatureStream("s", [plan]);
    const e = stream.engine("k");
    expect(e.keep).toBe(L);
    const slice = (a: Float64Array, i: number, k: number) => a.subarray(i, i + k);
    let checked = 0;
    for (let i = 0; i < n; ) {
      // Blocks of 1 near the roll, larger elsewhere: the split must not matter.
      const k = i > 880 && i < 920 ? 1 : Math.min(37, n - i);
      stream.accept({
        length: k,
        ts: slice(bars.ts, i, k),
        open: slice(bars.open, i, k),
        high: slice(bars.high, i, k),
        low: slice(bars.low, i, k),
        close: slice(bars.close, i, k),
        volume: slice(bars.volume!, i, k),
        contracts: contracts.slice(i, i + k),
      });
      i += k;
      if (i < L) continue;
      const w = e.window(L);
      for (let j = 0; j < names; j++) {
        for (let l = 0; l < L; l++) {
          const want = frame.features[j]![i - L + l]!;
          const got = w.features[j]![l]!;
          if (!Object.is(got, want) && !(Number.isNaN(got) && Number.isNaN(want)))
            expect.fail(`${frame.featureNames[j]} row ${i - L + l}: kept ${got}, batch ${want}`);
        }
      }
      checked++;
    }
    expect(stream.rolls.length).toBe(1);
    expect(checked).toBeGreaterThan(60);
  });
});
