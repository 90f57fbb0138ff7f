/**
 * Contract tests over the whole registry through the engine, on real data (TX with volume, ES
 * without): no look-ahead (prefix test), batch equals bar by bar, determinism. They pick up every
 * family as it is registered; a failure names the column and the first row that differs.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { DAY_MS, MINUTE_MS } from "../../src/core/timeframes.ts";
import { type Bars, sliceBars } from "../../src/data/bars.ts";
import { loadBars } from "../../src/data/ingest/index.ts";
import { FeatureEngine } from "../../src/features/engine/feature-engine.ts";
import { realDataPath } from "../helpers/real-data.ts";

/** Every column for bars, pushed in blocks of `block` rows. */
function computeAll(bars: Bars, block: number): { names: string[]; cols: Float32Array[] } {
  const engine = new FeatureEngine({ hasVolume: bars.volume !== null });
  const cols = engine.columns.map(() => new Float32Array(bars.length));
  for (let from = 0; from < bars.length; from += block) {
    const to = Math.min(bars.length, from + block);
    engine.push(
      bars,
      from,
      to,
      cols.map((c) => c.subarray(from, to)),
    );
  }
  return { names: engine.columns.map((c) => c.name), cols };
}

/** Bitwise comparison of rows [0, rows): NaN payloads included. Returns the first difference. */
function firstDifference(
  a: { names: string[]; cols: Float32Array[] },
  b: { names: string[]; cols: Float32Array[] },
  rows: number,
): string | null {
  expect(b.names).toEqual(a.names);
  for (let j = 0; j < a.cols.length; j++) {
    const x = new Uint32Array(a.cols[j].buffer, a.cols[j].byteOffset, rows);
    const y = new Uint32Array(b.cols[j].buffer, b.cols[j].byteOffset, rows);
    for (let i = 0; i < rows; i++) {
      if (x[i] !== y[i]) return `${a.names[j]} row ${i}: ${a.cols[j][i]} vs ${b.cols[j][i]}`;
    }
  }
  return null;
}

/** Cut points (number of rows kept) that stress the resampler: inside bins, at bin ends, around gaps. */
function cutPoints(bars: Bars): { label: string; rows: number }[] {
  const n = bars.length;
  const minuteOfHour = (i: number) => Math.floor(bars.ts[i] / MINUTE_MS) % 60;
  const after = (start: number, pred: (i: number) => boolean) => {
    for (let i = start; i < n - 1; i++) if (pred(i)) return i;
    throw new Error(`no row after ${start} matches`);
  };
  const gapAfter = (i: number) => bars.ts[i + 1] - bars.ts[i] > 30 * MINUTE_MS;
  const inBin = after(Math.floor(n * 0.3), (i) => minuteOfHour(i) === 37 && !gapAfter(i));
  const binEnd = after(Math.floor(n * 0.45), (i) => minuteOfHour(i) === 59);
  // A gap whose last bar leaves a 25m or 45m bin open (its last minute is missing).
  const minuteOfDay = (i: number) => Math.floor((bars.ts[i] % DAY_MS) / MINUTE_MS);
  const leavesBinOpen = (i: number) => (minuteOfDay(i) + 1) % 25 !== 0 || (minuteOfDay(i) + 1) % 45 !== 0;
  const beforeGap = after(Math.floor(n * 0.55), (i) => gapAfter(i) && leavesBinOpen(i));
  const midGap = after(Math.floor(n * 0.75), gapAfter);
  return [
    { label: "inside 1h/45m/25m bins (minute 37)", rows: inBin + 1 },
    { label: "at the last minute of an hour", rows: binEnd + 1 },
    { label: "last bar before a gap, bins still open", rows: beforeGap + 1 },
    { label: "first bar after that gap, gapped bins close", rows: beforeGap + 2 },
    { label: "inside another gap", rows: midGap + 1 },
    { label: "early, warm-up still running", rows: 1500 },
  ];
}

for (const dataset of ["tx", "es"] as const) {
  const path = realDataPath(dataset);
  describe.skipIf(!path)(`feature contract on ${dataset.toUpperCase()}`, () => {
    let bars: Bars;
    let full: { names: string[]; cols: Float32Array[] };

    beforeAll(async () => {
      const loaded = (await loadBars(path!)).bars;
      // ES: the first 120k rows (three months, with its missing days) keep the test quick.
      bars = sliceBars(loaded, 0, Math.min(loaded.length, 120_000));
      full = computeAll(bars, 65_536);
    });

    it("has the volume columns exactly when the data has volume", () => {
      const engine = new FeatureEngine({ hasVolume: bars.volume !== null });
      expect(engine.columns.some((c) => c.needsVolume)).toBe(bars.volume !== null);
    });

    it("prefix: features on data cut at row t equal the full run's at every row up to t", () => {
      for (const cut of cutPoints(bars)) {
        const part = computeAll(sliceBars(bars, 0, cut.rows), 65_536);
        expect(firstDifference(full, part, cut.rows), `cut ${cut.label} (${cut.rows} rows)`).toBeNull();
      }
    });

    it("batch (blocks of 65,536) equals bar by bar (blocks of 1) and odd blocks", () => {
      const head = sliceBars(bars, 0, 4000);
      const batch = computeAll(head, 65_536);
      expect(firstDifference(batch, computeAll(head, 1), head.length)).toBeNull();
      expect(firstDifference(batch, computeAll(head, 333), head.length)).toBeNull();
      // The full run was itself pushed in blocks: a different split must agree everywhere.
      expect(firstDifference(full, computeAll(bars, 10_007), bars.length)).toBeNull();
    });

    it("live: one row per push into the same arrays (higher timeframes visited only when a bar closed), a block push between, equals the batch", () => {
      const head = sliceBars(bars, 0, 4000);
      const batch = computeAll(head, 65_536);
      const engine = new FeatureEngine({ hasVolume: head.volume !== null });
      const row = engine.columns.map(() => new Float32Array(1));
      const live = { names: batch.names, cols: engine.columns.map(() => new Float32Array(head.length)) };
      // As a served stream does: its last row kept in `row`; a burst of bars goes as one block, after
      // which the row holds the block's last row, copied by the caller (the engine did not write it).
      const block = { from: 2100, to: 2333 };
      for (let i = 0; i < head.length; ) {
        if (i === block.from) {
          const cols = live.cols.map((c) => c.subarray(block.from, block.to));
          engine.push(head, block.from, block.to, cols);
          for (let j = 0; j < row.length; j++) row[j][0] = cols[j][cols[j].length - 1];
          i = block.to;
          continue;
        }
        engine.push(head, i, i + 1, row);
        for (let j = 0; j < row.length; j++) live.cols[j][i] = row[j][0];
        i++;
      }
      expect(firstDifference(batch, live, head.length)).toBeNull();
    });

    it("live: one row per push into arrays that are longer than the data and reallocated as it grows", () => {
      const rows = 3000;
      const engine = new FeatureEngine({ hasVolume: bars.volume !== null });
      const live = {
        names: engine.columns.map((c) => c.name),
        cols: engine.columns.map(() => new Float32Array(rows)),
      };
      let capacity = 0;
      let buf: Bars = bars;
      for (let i = 0; i < rows; i++) {
        if (i + 1 > capacity) {
          // A live server's buffer: doubled and copied, so arrays change identity and carry spare room.
          capacity = Math.max(64, capacity * 2);
          const grow = (a: Float64Array) => {
            const b = new Float64Array(capacity).fill(Number.NaN);
            b.set(a.subarray(0, Math.min(rows, capacity)));
            return b;
          };
          buf = {
            length: 0,
            ts: grow(bars.ts),
            open: grow(bars.open),
            high: grow(bars.high),
            low: grow(bars.low),
            close: grow(bars.close),
            volume: bars.volume ? grow(bars.volume) : null,
          };
        }
        // Rows past i hold real future values: a kernel that reads beyond `length` sees them and fails.
        engine.push(
          { ...buf, length: i + 1 },
          i,
          i + 1,
          live.cols.map((c) => c.subarray(i, i + 1)),
        );
      }
      expect(firstDifference(full, live, rows)).toBeNull();
    });

    it("is deterministic: a second run is bit-identical", () => {
      expect(firstDifference(full, computeAll(bars, 65_536), bars.length)).toBeNull();
    });

    it("every column has finite values somewhere on real data", () => {
      const dead = full.names.filter((_, j) => !full.cols[j].some(Number.isFinite));
      expect(dead, "columns that are NaN on every row").toEqual([]);
    });
  });
}
