import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DAY_MS, MINUTE_MS, TIMEFRAMES, type TimeframeId } from "../../../src/core/timeframes.ts";
import type { Bars } from "../../../src/data/bars.ts";
import { resampleBatch } from "../../../src/features/engine/resample-batch.ts";
import { Resampler } from "../../../src/features/engine/resampler.ts";

const T0 = Date.UTC(2025, 0, 6); // a Monday, UTC midnight

/** Bars at the given minute offsets from T0; prices derived from the offset so bins are checkable. */
function barsAt(minutes: readonly number[], withVolume = true): Bars {
  const n = minutes.length;
  const ts = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  minutes.forEach((m, i) => {
    ts[i] = T0 + m * MINUTE_MS;
    const p = 100 + ((m * 7) % 13);
    open[i] = p;
    close[i] = p + ((m % 3) - 1) * 0.25;
    high[i] = Math.max(open[i], close[i]) + 0.5 + (m % 2);
    low[i] = Math.min(open[i], close[i]) - 0.5 - (m % 5) * 0.25;
    volume[i] = 1 + (m % 11);
  });
  return { length: n, ts, open, high, low, close, volume: withVolume ? volume : null };
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, k) => a + k);

/** Independent reference: group rows by bin, then decide each bin's visibility row from scratch. */
function referenceResample(bars: Bars, minutes: number) {
  const tfMs = minutes * MINUTE_MS;
  const groups = new Map<number, number[]>();
  const order: number[] = [];
  for (let i = 0; i < bars.length; i++) {
    const t = bars.ts[i];
    const day = Math.floor(t / DAY_MS) * DAY_MS;
    const start = day + Math.floor((t - day) / tfMs) * tfMs;
    if (!groups.has(start)) {
      groups.set(start, []);
      order.push(start);
    }
    groups.get(start)!.push(i);
  }
  const out: { ts: number; o: number; h: number; l: number; c: number; v: number; n: number; at: number }[] =
    [];
  for (const start of order) {
    const rows = groups.get(start)!;
    const day = Math.floor(start / DAY_MS) * DAY_MS;
    const end = Math.min(start + tfMs, day + DAY_MS);
    const last = rows[rows.length - 1];
    // Visible at its own last minute, else at the first later row; never if no later row exists.
    let at = -1;
    if (bars.ts[last] === end - MINUTE_MS) at = last;
    else if (last + 1 < bars.length) at = last + 1;
    if (at < 0) continue;
    out.push({
      ts: start,
      o: bars.open[rows[0]],
      h: Math.max(...rows.map((r) => bars.high[r])),
      l: Math.min(...rows.map((r) => bars.low[r])),
      c: bars.close[last],
      v: rows.reduce((s, r) => s + bars.volume![r], 0),
      n: rows.length,
      at,
    });
  }
  const visible = new Int32Array(bars.length);
  for (let i = 0; i < bars.length; i++) visible[i] = out.filter((b) => b.at <= i).length;
  return { bars: out, visible };
}

function expectMatchesReference(bars: Bars, tf: TimeframeId, minutes: number) {
  const { series, visible } = resampleBatch(bars, tf);
  const ref = referenceResample(bars, minutes);
  expect(series.length).toBe(ref.bars.length);
  for (let k = 0; k < ref.bars.length; k++) {
    const b = ref.bars[k];
    expect([series.ts[k], series.open[k], series.high[k], series.low[k], series.close[k]]).toEqual([
      b.ts,
      b.o,
      b.h,
      b.l,
      b.c,
    ]);
    expect(series.volume![k]).toBe(b.v);
    expect(series.count[k]).toBe(b.n);
  }
  expect(Array.from(visible)).toEqual(Array.from(ref.visible));
}

describe("Resampler: hand-built gap cases (5m)", () => {
  it("a complete bin becomes visible exactly at its last minute", () => {
    const { series, visible } = resampleBatch(barsAt(range(0, 12)), "5m");
    // rows 0..11 = minutes 0..11: bin 0 visible at minute 4, bin 5 at minute 9, bin 10 never (partial).
    expect(Array.from(visible)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2]);
    expect(series.length).toBe(2);
    expect(Array.from(series.ts.subarray(0, 2))).toEqual([T0, T0 + 5 * MINUTE_MS]);
    expect(Array.from(series.count.subarray(0, 2))).toEqual([5, 5]);
  });

  it("a bin whose last minute is missing becomes visible at the first later row", () => {
    // minutes 0..3 then 6: bin 0 (4 bars) closes at row 4 (minute 6).
    const { series, visible } = resampleBatch(barsAt([0, 1, 2, 3, 6]), "5m");
    expect(Array.from(visible)).toEqual([0, 0, 0, 0, 1]);
    expect(series.count[0]).toBe(4);
  });

  it("two bins can complete at one row", () => {
    // minutes 0..2, then 9 (last minute of bin 5): bins 0 and 5 both complete at row 3.
    const { series, visible } = resampleBatch(barsAt([0, 1, 2, 9]), "5m");
    expect(Array.from(visible)).toEqual([0, 0, 0, 2]);
    expect(Array.from(series.ts.subarray(0, 2))).toEqual([T0, T0 + 5 * MINUTE_MS]);
    expect(Array.from(series.count.subarray(0, 2))).toEqual([3, 1]);
  });

  it("never emits a partial trailing bin", () => {
    const { series, visible } = resampleBatch(barsAt([0, 1, 2, 3]), "5m");
    expect(series.length).toBe(0);
    expect(Array.from(visible)).toEqual([0, 0, 0, 0]);
  });

  it("aggregates OHLCV over present minutes only", () => {
    const bars = barsAt([0, 2, 4]);
    const { series } = resampleBatch(bars, "5m");
    expect(series.open[0]).toBe(bars.open[0]);
    expect(series.close[0]).toBe(bars.close[2]);
    expect(series.high[0]).toBe(Math.max(...bars.high));
    expect(series.low[0]).toBe(Math.min(...bars.low));
    expect(series.volume![0]).toBe(bars.volume![0] + bars.volume![1] + bars.volume![2]);
  });

  it("keeps volume null when the data has none", () => {
    expect(resampleBatch(barsAt(range(0, 10), false), "5m").series.volume).toBeNull();
  });
});

describe("Resampler: day boundaries", () => {
  it("25m leaves a short last bin (23:45-24:00, 15 minutes) that closes at 23:59", () => {
    const mins = range(23 * 60, 24 * 60 + 30); // 23:00 to 00:29 next day
    const { series, visible } = resampleBatch(barsAt(mins), "25m");
    // 1440 = 57 * 25 + 15. Bins anchored on midnight: 22:55 (partial here: 23:00..23:19), 23:20,
    // 23:45 (short: 15 minutes), then 00:00 of the next day.
    expect(Array.from(series.ts.subarray(0, series.length)).map((t) => (t - T0) / MINUTE_MS)).toEqual([
      22 * 60 + 55,
      23 * 60 + 20,
      23 * 60 + 45,
      24 * 60,
    ]);
    expect(Array.from(series.count.subarray(0, 4))).toEqual([20, 25, 15, 25]);
    expect(visible[mins.indexOf(23 * 60 + 59)]).toBe(3);
    expect(visible[mins.indexOf(23 * 60 + 58)]).toBe(2);
  });

  it("a bin never spans midnight even when the day's last minutes are missing", () => {
    const mins = [...range(23 * 60 + 50, 23 * 60 + 57), ...range(24 * 60, 24 * 60 + 3)];
    const { series, visible } = resampleBatch(barsAt(mins), "1h");
    expect(series.length).toBe(1);
    expect(series.ts[0]).toBe(T0 + 23 * 60 * MINUTE_MS);
    // closed at the first row of the next day
    expect(visible[mins.indexOf(24 * 60)]).toBe(1);
  });
});

describe("Resampler: streaming equals batch", () => {
  it("pushing one row at a time gives the same series and visibility", () => {
    const mins = [...range(0, 37), ...range(50, 53), 59, ...range(61, 200), ...range(1430, 1500)];
    const bars = barsAt(mins);
    for (const tf of TIMEFRAMES.filter((t) => t.id !== "1m")) {
      const id = tf.id as Exclude<TimeframeId, "1m">;
      const batch = resampleBatch(bars, id);
      const r = new Resampler(id, true, 1);
      const vis = new Int32Array(bars.length);
      for (let i = 0; i < bars.length; i++) r.push(bars, i, i + 1, vis.subarray(i, i + 1));
      expect(Array.from(vis)).toEqual(Array.from(batch.visible));
      expect(Array.from(r.series.close.subarray(0, r.series.length))).toEqual(
        Array.from(batch.series.close.subarray(0, batch.series.length)),
      );
    }
  });
});

describe("resampleBatch vs an independent group-by (property)", () => {
  it("matches on random gap patterns for every timeframe", () => {
    const gapPattern = fc.array(
      fc.oneof(
        { weight: 8, arbitrary: fc.constant(1) },
        { weight: 2, arbitrary: fc.integer({ min: 2, max: 90 }) },
      ),
      { minLength: 1, maxLength: 400 },
    );
    fc.assert(
      fc.property(gapPattern, fc.integer({ min: 0, max: 2 * 1440 }), (steps, startMin) => {
        const mins: number[] = [];
        let m = startMin;
        for (const s of steps) {
          mins.push(m);
          m += s;
        }
        const bars = barsAt(mins);
        for (const tf of TIMEFRAMES) expectMatchesReference(bars, tf.id, tf.minutes);
      }),
      { numRuns: 150 },
    );
  });
});
