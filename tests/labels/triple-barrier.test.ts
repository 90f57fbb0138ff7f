import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.ts";
import { type Bars, sliceBars } from "../../src/data/bars.ts";
import { type TripleBarrierParams, tripleBarrierLabels } from "../../src/labels/triple-barrier.ts";
import { wilderAtr } from "../../src/labels/wilder-atr.ts";
import { naiveLabels } from "./naive-labels.ts";

const MIN = 60_000;

/** Bars from [open, high, low, close] rows, one minute apart from t0 unless `ts` is given. */
function bars(rows: readonly (readonly [number, number, number, number])[], ts?: readonly number[]): Bars {
  const n = rows.length;
  return {
    length: n,
    ts: Float64Array.from(ts ?? rows.map((_, i) => 1_700_000_000_000 + i * MIN)),
    open: Float64Array.from(rows.map((r) => r[0])),
    high: Float64Array.from(rows.map((r) => r[1])),
    low: Float64Array.from(rows.map((r) => r[2])),
    close: Float64Array.from(rows.map((r) => r[3])),
    volume: null,
  };
}

// ATR(1) at row 0 is high − low = 2. k = 1, cost = 2 ticks · 0.25 = 0.5:
// upper = 100 + (1 − 0.5/2)·2 = 101.5, lower = 100 − (1 + 0.5/2)·2 = 97.5.
const P: TripleBarrierParams = { k_up: 1, k_down: 1, horizon: 3, cost_ticks: 2, atr_period: 1 };
const ROW0 = [100, 101, 99, 100] as const;
const FLAT = [100, 100.5, 99.5, 100] as const;

describe("tripleBarrierLabels: hand-computed barriers", () => {
  it("upper barrier touched exactly at 101.5 gives +1 at that bar", () => {
    const b = bars([ROW0, FLAT, [100, 101.5, 99.5, 101], FLAT, FLAT]);
    const l = tripleBarrierLabels(b, P, 0.25);
    expect(l.label[0]).toBe(1);
    expect(l.t1Index[0]).toBe(2);
    expect(l.t1[0]).toBe(b.ts[2]);
    expect(l.ret[0]).toBe(Math.log(100 / 100));
  });

  it("a high one cent below the cost-shifted upper barrier is no touch", () => {
    const b = bars([ROW0, FLAT, [100, 101.49, 99.5, 101], FLAT, FLAT]);
    const l = tripleBarrierLabels(b, P, 0.25);
    expect(l.label[0]).toBe(0);
    expect(l.t1Index[0]).toBe(3);
  });

  it("lower barrier at 97.5 gives −1; 97.51 does not", () => {
    const hit = tripleBarrierLabels(bars([ROW0, [100, 100, 97.5, 98], FLAT, FLAT, FLAT]), P, 0.25);
    expect(hit.label[0]).toBe(-1);
    expect(hit.t1Index[0]).toBe(1);
    const miss = tripleBarrierLabels(bars([ROW0, [100, 100, 97.51, 98], FLAT, FLAT, FLAT]), P, 0.25);
    expect(miss.label[0]).toBe(0);
  });

  it("costs move both barriers down: without costs 101.5 would not touch upper 102", () => {
    const b = bars([ROW0, [100, 101.5, 99.5, 101], FLAT, FLAT, FLAT]);
    expect(tripleBarrierLabels(b, { ...P, cost_ticks: 0 }, 0.25).label[0]).toBe(0);
    expect(tripleBarrierLabels(b, P, 0.25).label[0]).toBe(1);
  });

  it("cost larger than k_up·ATR puts upper at or below the entry: a flat next bar is +1", () => {
    // cost = 12 · 0.25 = 3 > k_up·ATR = 2: upper = 100 + (1 − 1.5)·2 = 99, lower = 100 − (1 + 1.5)·2 = 95.
    const b = bars([ROW0, [100, 100, 99.5, 99.8], FLAT, FLAT, FLAT]);
    const l = tripleBarrierLabels(b, { ...P, cost_ticks: 12 }, 0.25);
    expect(l.label[0]).toBe(1);
    expect(l.t1Index[0]).toBe(1);
  });

  it("one bar touching both barriers: open decides, otherwise −1", () => {
    const both = (o: number) =>
      tripleBarrierLabels(bars([ROW0, [o, 102, 97, 100], FLAT, FLAT, FLAT]), P, 0.25);
    expect(both(100).label[0]).toBe(-1);
    expect(both(101.5).label[0]).toBe(1);
    expect(both(97.2).label[0]).toBe(-1);
    expect(both(100).t1Index[0]).toBe(1);
  });

  it("the first touch wins, later bars do not matter", () => {
    const b = bars([ROW0, FLAT, [100, 100, 97, 98], [98, 105, 98, 104], FLAT]);
    const l = tripleBarrierLabels(b, P, 0.25);
    expect(l.label[0]).toBe(-1);
    expect(l.t1Index[0]).toBe(2);
  });

  it("no touch: 0 at the vertical barrier, ret = ln(close[t+h]/close[t])", () => {
    const b = bars([ROW0, FLAT, FLAT, [100, 100.5, 99.5, 100.25], FLAT]);
    const l = tripleBarrierLabels(b, P, 0.25);
    expect(l.label[0]).toBe(0);
    expect(l.t1Index[0]).toBe(3);
    expect(l.t1[0]).toBe(b.ts[3]);
    expect(l.ret[0]).toBe(Math.log(100.25 / 100));
  });

  it("the horizon counts rows across a session gap (vertical barrier 3 rows later whatever the clock)", () => {
    const ts = [0, 1, 2, 1000, 1001].map((m) => 1_700_000_000_000 + m * MIN);
    const b = bars([ROW0, FLAT, FLAT, FLAT, FLAT], ts);
    const l = tripleBarrierLabels(b, P, 0.25);
    expect(l.t1Index[0]).toBe(3);
    expect(l.t1[0]).toBe(ts[3]);
  });

  it("end of data: the last `horizon` rows are unlabelled", () => {
    const b = bars([ROW0, FLAT, FLAT, FLAT, FLAT]);
    // Row 1 (ATR 1, upper 100.5) touches at row 2; row 0 runs to its vertical barrier.
    const l = tripleBarrierLabels(b, P, 0.25);
    expect(Array.from(l.t1Index)).toEqual([3, 2, -1, -1, -1]);
    for (const i of [2, 3, 4]) {
      expect(l.label[i]).toBeNaN();
      expect(l.t1[i]).toBeNaN();
      expect(l.ret[i]).toBeNaN();
    }
  });

  it("ATR warm-up: rows before atr_period − 1 are unlabelled", () => {
    const b = bars([ROW0, FLAT, FLAT, FLAT, FLAT, FLAT, FLAT]);
    const l = tripleBarrierLabels(b, { ...P, atr_period: 3, horizon: 2 }, 0.25);
    expect(Array.from(l.t1Index)).toEqual([-1, -1, 4, 5, 6, -1, -1]);
    expect(l.label[1]).toBeNaN();
  });

  it("a zero ATR (flat market) leaves the row unlabelled: the barriers would collapse", () => {
    const z = [100, 100, 100, 100] as const;
    const l = tripleBarrierLabels(bars([z, z, z, z, z]), { ...P, horizon: 1 }, 0.25);
    expect(Array.from(l.t1Index)).toEqual([-1, -1, -1, -1, -1]);
  });

  it("rejects bad parameters with a ConfigError naming the field", () => {
    const b = bars([ROW0, FLAT]);
    expect(() => tripleBarrierLabels(b, { ...P, horizon: 0 }, 0.25)).toThrow(ConfigError);
    expect(() => tripleBarrierLabels(b, P, 0)).toThrow(/tick_size/);
    expect(() => tripleBarrierLabels(b, { ...P, atr_period: 0 }, 0.25)).toThrow(/labels.atr_period/);
  });
});

describe("wilderAtr", () => {
  it("matches hand-computed values", () => {
    // TR: 2 (h−l), max(1, |101−100|, |100−100|) = 1, max(2, |103−100.5|, |101−100.5|) = 2.5, 1.
    const b = bars([
      [100, 101, 99, 100],
      [100, 101, 100, 100.5],
      [101, 103, 101, 102],
      [102, 102.5, 101.5, 102],
    ]);
    const atr = wilderAtr(b, 2);
    expect(atr[0]).toBeNaN();
    expect(atr[1]).toBe(1.5);
    expect(atr[2]).toBe((1.5 + 2.5) / 2);
    expect(atr[3]).toBe((2 + 1) / 2);
  });
});

/**
 * fc.double favours tiny and extreme values; uniform integers scaled by an irrational step spread
 * prices evenly and make exact barrier ties (where the two barrier formulas could differ by one ulp)
 * practically impossible. Ties are covered by the hand-computed cases above.
 */
const uniform = (min: number, max: number, step: number) =>
  fc.integer({ min: Math.round(min / step), max: Math.round(max / step) }).map((k) => k * step);
const STEP = Math.SQRT2 / 1000;
const arbBars = fc.array(
  fc.record({
    move: uniform(-3, 3, STEP),
    // Now and then a wide bar, so one bar touching both barriers (and its open deciding) happens.
    up: fc.oneof({ weight: 4, arbitrary: uniform(0, 2, STEP) }, uniform(0, 9, STEP)),
    down: fc.oneof({ weight: 4, arbitrary: uniform(0, 2, STEP) }, uniform(0, 9, STEP)),
    openFrac: uniform(0, 1, 0.001),
  }),
  { minLength: 1, maxLength: 120, size: "max" },
);

describe("tripleBarrierLabels: property against the naive reference", () => {
  it("agrees on label, t1Index and ret for random paths and parameters", () => {
    fc.assert(
      fc.property(
        arbBars,
        fc.record({
          k_up: uniform(0.1, 3, Math.PI / 1000),
          k_down: uniform(0.1, 3, Math.PI / 1000),
          horizon: fc.integer({ min: 1, max: 40 }),
          cost_ticks: fc.integer({ min: 0, max: 12 }),
          atr_period: fc.integer({ min: 1, max: 20 }),
        }),
        (steps, p) => {
          let c = 1000;
          const rows = steps.map((s) => {
            const prev = c;
            c = Math.max(1, c + s.move);
            const hi = Math.max(prev, c) + s.up;
            const lo = Math.max(0.5, Math.min(prev, c) - s.down);
            const o = lo + s.openFrac * (hi - lo);
            return [o, hi, lo, c] as const;
          });
          const b = bars(rows);
          const got = tripleBarrierLabels(b, p, 0.25);
          const want = naiveLabels(b, p, 0.25);
          for (let t = 0; t < b.length; t++) {
            expect(got.t1Index[t]).toBe(want[t].t1Index);
            expect(got.label[t]).toBe(want[t].label);
            expect(got.ret[t]).toBe(want[t].ret);
            expect(got.t1[t]).toBe(want[t].t1Index >= 0 ? b.ts[want[t].t1Index] : Number.NaN);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("tripleBarrierLabels: breaks (contract rolls)", () => {
  it("no window crosses a break; the ATR restarts at it", () => {
    const rows = [ROW0, FLAT, FLAT, [200, 201, 199, 200], FLAT, FLAT, FLAT] as const;
    const l = tripleBarrierLabels(bars(rows), { ...P, horizon: 2 }, 0.25, { breaks: Int32Array.of(3) });
    // Rows 1 and 2 would reach row 3; row 3 starts a new segment with ATR(1) = its own range 2.
    expect(Array.from(l.t1Index.subarray(0, 3))).toEqual([2, -1, -1]);
    expect(l.t1Index[3]).toBeGreaterThanOrEqual(4);
    expect(wilderAtr(bars(rows), 2, Int32Array.of(3))[3]).toBeNaN();
    // Row 4's true range is measured from row 3's close (inside the new segment): (2 + 100.5) / 2.
    expect(wilderAtr(bars(rows), 2, Int32Array.of(3))[4]).toBe(51.25);
    expect(wilderAtr(bars(rows), 2)[3]).toBeGreaterThan(0);
  });

  it("rejects breaks that are unsorted or outside the data", () => {
    const b = bars([ROW0, FLAT, FLAT]);
    expect(() => tripleBarrierLabels(b, P, 0.25, { breaks: Int32Array.of(2, 1) })).toThrow(/ascending/);
    expect(() => tripleBarrierLabels(b, P, 0.25, { breaks: Int32Array.of(3) })).toThrow(ConfigError);
  });

  it("property: labels with breaks equal the labels of each segment computed alone", () => {
    fc.assert(
      fc.property(
        arbBars,
        fc.array(fc.integer({ min: 0, max: 119 }), { maxLength: 6 }),
        fc.integer({ min: 1, max: 15 }),
        fc.integer({ min: 1, max: 10 }),
        (steps, rawBreaks, horizon, atrPeriod) => {
          let c = 1000;
          const rows = steps.map((s) => {
            const prev = c;
            c = Math.max(1, c + s.move);
            return [prev, Math.max(prev, c) + s.up, Math.max(0.5, Math.min(prev, c) - s.down), c] as const;
          });
          const b = bars(rows);
          const breaks = Int32Array.from(new Set(rawBreaks.filter((x) => x < b.length))).sort();
          const p = { ...P, horizon, atr_period: atrPeriod };
          const got = tripleBarrierLabels(b, p, 0.25, { breaks });
          const edges = [0, ...breaks, b.length];
          let bad = 0;
          for (let k = 0; k + 1 < edges.length; k++) {
            const [s, e] = [edges[k], edges[k + 1]];
            if (e <= s) continue;
            const seg = tripleBarrierLabels(sliceBars(b, s, e), p, 0.25);
            for (let i = 0; i < e - s; i++) {
              const want = seg.t1Index[i] < 0 ? -1 : seg.t1Index[i] + s;
              if (got.t1Index[s + i] !== want || !Object.is(got.label[s + i], seg.label[i])) bad++;
              if (!Object.is(got.ret[s + i], seg.ret[i])) bad++;
            }
          }
          expect(bad).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
