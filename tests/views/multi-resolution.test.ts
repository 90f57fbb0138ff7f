import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.ts";
import { type Bars, sliceBars } from "../../src/data/bars.ts";
import { batches, materialize, selectWindowRows } from "../../src/views/lazy-view.ts";
import {
  concatenatedDefaults,
  type MultiResolutionOptions,
  MultiResolutionView,
} from "../../src/views/multi-resolution.ts";

const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 6, 0, 0); // a UTC midnight

function makeBars(ts: readonly number[], withVolume: boolean, seed = 1): Bars {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
  const n = ts.length;
  const b = {
    length: n,
    ts: Float64Array.from(ts),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: withVolume ? new Float64Array(n) : null,
  };
  let c = 5000;
  for (let i = 0; i < n; i++) {
    const o = c;
    c = o + Math.round((rand() - 0.5) * 20) * 0.25;
    b.open[i] = o;
    b.close[i] = c;
    b.high[i] = Math.max(o, c) + Math.round(rand() * 8) * 0.25;
    b.low[i] = Math.min(o, c) - Math.round(rand() * 8) * 0.25;
    if (b.volume) b.volume[i] = 1 + Math.floor(rand() * 500);
  }
  return b;
}

/**
 * Independent reference: the `tfMin` bins (anchored on UTC midnight, never spanning it) that are
 * complete at the close of row t — their end is ≤ ts[t] + 1 minute — aggregated from the rows in them.
 */
function completedBins(b: Bars, tfMin: number, t: number): number[][] {
  const tfMs = tfMin * MIN;
  const bins = new Map<number, number[]>();
  const end = new Map<number, number>();
  for (let i = 0; i <= t; i++) {
    const day = Math.floor(b.ts[i] / DAY) * DAY;
    const start = day + Math.floor((b.ts[i] - day) / tfMs) * tfMs;
    end.set(start, Math.min(start + tfMs, day + DAY));
    const v = b.volume ? b.volume[i] : 0;
    const cur = bins.get(start);
    if (!cur) bins.set(start, [b.open[i], b.high[i], b.low[i], b.close[i], v]);
    else
      bins.set(start, [
        cur[0],
        Math.max(cur[1], b.high[i]),
        Math.min(cur[2], b.low[i]),
        b.close[i],
        cur[4] + v,
      ]);
  }
  return [...bins.keys()]
    .sort((x, y) => x - y)
    .filter((k) => end.get(k)! <= b.ts[t] + MIN)
    .map((k) => bins.get(k)!);
}

const TF_MIN: Record<string, number> = { "1m": 1, "5m": 5, "15m": 15, "1h": 60 };

/** The window at t by the reference, flattened like the view (raw values). */
function referenceSample(b: Bars, opts: MultiResolutionOptions, t: number): number[] | null {
  const C = b.volume ? 5 : 4;
  const out: number[] = [];
  for (let k = 0; k < opts.timeframes.length; k++) {
    const len = opts.layout === "stacked" ? opts.lengths[0] : opts.lengths[k];
    const done = completedBins(b, TF_MIN[opts.timeframes[k]], t);
    if (done.length < len) return null;
    for (const bar of done.slice(done.length - len)) out.push(...bar.slice(0, C));
  }
  return out;
}

/** Minutes with session gaps, a weekend-sized hole and a crossing of UTC midnight. */
function gappyTimes(steps: readonly number[], startMinute: number): number[] {
  const ts: number[] = [];
  let t = T0 + startMinute * MIN;
  for (const s of steps) {
    ts.push(t);
    t += s * MIN;
  }
  return ts;
}

describe("MultiResolutionView: shapes", () => {
  const b = makeBars(
    Array.from({ length: 400 }, (_, i) => T0 + i * MIN),
    true,
  );
  it("concatenated 60 + 12 + 4 (+1) rows of 5 channels; stacked (T, L, 5)", () => {
    expect(new MultiResolutionView(b, concatenatedDefaults()).sampleShape).toEqual([76, 5]);
    expect(new MultiResolutionView(b, concatenatedDefaults(true)).sampleShape).toEqual([77, 5]);
    const st = new MultiResolutionView(b, {
      layout: "stacked",
      timeframes: ["1m", "5m", "15m"],
      lengths: [20],
    });
    expect(st.sampleShape).toEqual([3, 20, 5]);
    expect(materialize(st, Int32Array.of(399)).shape).toEqual([1, 3, 20, 5]);
  });

  it("leaves volume out (4 channels) when the data has none", () => {
    const nv = { ...b, volume: null };
    expect(new MultiResolutionView(nv, concatenatedDefaults()).sampleShape).toEqual([76, 4]);
  });

  it("first eligible row: 60 completed 1h bars need the close of minute 3599", () => {
    const long = makeBars(
      Array.from({ length: 3700 }, (_, i) => T0 + i * MIN),
      false,
    );
    const v = new MultiResolutionView(long, { layout: "stacked", timeframes: ["1m", "1h"], lengths: [60] });
    expect(v.hasWindow(3598)).toBe(false);
    expect(v.hasWindow(3599)).toBe(true);
  });

  it("rejects inconsistent options", () => {
    expect(
      () => new MultiResolutionView(b, { layout: "concatenated", timeframes: ["1m", "5m"], lengths: [3] }),
    ).toThrow(ConfigError);
    expect(
      () => new MultiResolutionView(b, { layout: "stacked", timeframes: ["1m", "5m"], lengths: [3, 3] }),
    ).toThrow(/one window length/);
  });
});

describe("MultiResolutionView: exact values on a hand-made series", () => {
  // Ten minutes from midnight: 5m bins [0,5) and [5,10). Rows: open = close of previous, see makeBars.
  const b = makeBars(
    Array.from({ length: 10 }, (_, i) => T0 + i * MIN),
    true,
    7,
  );
  const v = new MultiResolutionView(b, { layout: "concatenated", timeframes: ["1m", "5m"], lengths: [3, 2] });

  it("is eligible only once two 5m bins have closed (row 9)", () => {
    expect(
      Array.from(
        selectWindowRows(
          v,
          Int32Array.from({ length: 10 }, (_, i) => i),
        ).rows,
      ),
    ).toEqual([9]);
  });

  it("window at row 9 = 1m rows 7, 8, 9 then the two 5m bars", () => {
    const got = Array.from(materialize(v, Int32Array.of(9)).data);
    const row = (i: number) => [b.open[i], b.high[i], b.low[i], b.close[i], b.volume![i]];
    const agg = (from: number) => {
      const r = [from, from + 1, from + 2, from + 3, from + 4];
      return [
        b.open[from],
        Math.max(...r.map((i) => b.high[i])),
        Math.min(...r.map((i) => b.low[i])),
        b.close[from + 4],
        r.reduce((s, i) => s + b.volume![i], 0),
      ];
    };
    expect(got).toEqual([...row(7), ...row(8), ...row(9), ...agg(0), ...agg(5)].map(Math.fround));
  });

  it("relative normalisation: ln(price / close[t]) and ln(1 + volume)", () => {
    const rel = new MultiResolutionView(b, {
      layout: "concatenated",
      timeframes: ["1m", "5m"],
      lengths: [3, 2],
      normalize: "relative",
    });
    const got = materialize(rel, Int32Array.of(9)).data;
    expect(got[0]).toBe(Math.fround(Math.log(b.open[7] / b.close[9])));
    expect(got[4]).toBe(Math.fround(Math.log1p(b.volume![7])));
    expect(got[13]).toBe(0); // close of row 9 relative to itself
  });
});

const arbSeries = fc.record({
  steps: fc.array(fc.oneof({ weight: 12, arbitrary: fc.constant(1) }, fc.integer({ min: 2, max: 200 })), {
    minLength: 1,
    maxLength: 260,
    size: "max",
  }),
  startMinute: fc.integer({ min: 0, max: 1439 }),
  withVolume: fc.boolean(),
  seed: fc.integer({ min: 1, max: 1e6 }),
  layout: fc.constantFrom("concatenated", "stacked"),
  hourly: fc.boolean(),
  len1m: fc.integer({ min: 1, max: 12 }),
  lenHtf: fc.integer({ min: 1, max: 4 }),
});

describe("MultiResolutionView: properties", () => {
  it("equals the completed-bins reference (no partial bin, no row after t), across gaps and midnight", () => {
    let compared = 0;
    fc.assert(
      fc.property(arbSeries, (c) => {
        const b = makeBars(gappyTimes(c.steps, c.startMinute), c.withVolume, c.seed);
        const timeframes = c.hourly ? (["1m", "5m", "15m", "1h"] as const) : (["1m", "5m", "15m"] as const);
        const opts: MultiResolutionOptions =
          c.layout === "stacked"
            ? { layout: "stacked", timeframes, lengths: [c.lenHtf] }
            : {
                layout: "concatenated",
                timeframes,
                lengths: [c.len1m, c.lenHtf, c.lenHtf, 1].slice(0, timeframes.length),
              };
        const v = new MultiResolutionView(b, opts);
        const mismatches: number[] = [];
        for (let t = 0; t < b.length; t++) {
          const want = referenceSample(b, opts, t);
          if ((want !== null) !== v.hasWindow(t)) {
            mismatches.push(t);
            continue;
          }
          if (want === null) continue;
          compared++;
          const got = Array.from(materialize(v, Int32Array.of(t)).data);
          if (got.some((x, k) => x !== Math.fround(want[k]))) mismatches.push(t);
          // Prefix: the same window computed from the bars cut just after t.
          const cut = new MultiResolutionView(sliceBars(b, 0, t + 1), opts);
          const gotCut = materialize(cut, Int32Array.of(t)).data;
          if (gotCut.some((x, k) => x !== got[k])) mismatches.push(t);
        }
        expect(mismatches).toEqual([]);
      }),
      { numRuns: 60 },
    );
    // The generator must reach eligible windows, not only warm-up rows.
    expect(compared).toBeGreaterThan(500);
  });

  it("lazy batches equal direct materialisation", () => {
    fc.assert(
      fc.property(arbSeries, fc.integer({ min: 1, max: 9 }), (c, batchSize) => {
        const b = makeBars(gappyTimes(c.steps, c.startMinute), c.withVolume, c.seed);
        const v = new MultiResolutionView(b, {
          layout: "stacked",
          timeframes: ["1m", "5m"],
          lengths: [c.lenHtf],
        });
        const { rows } = selectWindowRows(
          v,
          Int32Array.from({ length: b.length }, (_, i) => i),
        );
        const direct = materialize(v, rows).data;
        const joined = [...batches(v, rows, batchSize)].flatMap((x) => Array.from(x.data));
        expect(joined).toEqual(Array.from(direct));
      }),
      { numRuns: 60 },
    );
  });
});
