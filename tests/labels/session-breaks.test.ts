/**
 * Labels and session breaks (labels.span_sessions: false, the default in training): no label window
 * crosses a session break of the contract's calendar, while the ATR runs on across it (unlike a roll,
 * where it restarts).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Bars } from "../../src/data/bars.ts";
import { type TripleBarrierParams, tripleBarrierLabels } from "../../src/labels/triple-barrier.ts";

const MIN = 60_000;
function walk(steps: number[]): Bars {
  let p = 100;
  const close = steps.map((s) => (p = Math.max(1, p + s * 0.25)));
  const open = close.map((c, i) => (i === 0 ? c : close[i - 1]!));
  return {
    length: close.length,
    ts: Float64Array.from(close, (_, i) => 1_700_000_000_000 + i * MIN),
    open: Float64Array.from(open),
    high: Float64Array.from(close, (c, i) => Math.max(c, open[i]!) + 0.25),
    low: Float64Array.from(close, (c, i) => Math.min(c, open[i]!) - 0.25),
    close: Float64Array.from(close),
    volume: null,
  };
}
const P: TripleBarrierParams = { k_up: 1, k_down: 1, horizon: 5, cost_ticks: 1, atr_period: 3 };

describe("tripleBarrierLabels: sessionBreaks", () => {
  it("rows whose window (t, t + horizon] holds a session break are unlabelled; every other label is unchanged", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -4, max: 4 }), { minLength: 20, maxLength: 120 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 119 }), { maxLength: 6 }),
        (steps, raw) => {
          const b = walk(steps);
          const sessionBreaks = Int32Array.from(raw.filter((x) => x < b.length).sort((x, y) => x - y));
          const free = tripleBarrierLabels(b, P, 0.25);
          const held = tripleBarrierLabels(b, P, 0.25, { sessionBreaks });
          for (let t = 0; t < b.length; t++) {
            const crosses = [...sessionBreaks].some((s) => t < s && s <= t + P.horizon);
            if (crosses) expect(held.t1Index[t]).toBe(-1);
            else {
              expect(held.t1Index[t]).toBe(free.t1Index[t]);
              expect(Object.is(held.label[t], free.label[t])).toBe(true);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("a session break keeps the ATR running; a roll (breaks) restarts it", () => {
    const b = walk([1, -1, 2, -2, 1, 1, -1, 0, 2, -1, 1, 1, -2, 1, 0, 1, -1, 2, -1, 1]);
    const session = tripleBarrierLabels(b, P, 0.25, { sessionBreaks: Int32Array.of(10) });
    const roll = tripleBarrierLabels(b, P, 0.25, { breaks: Int32Array.of(10) });
    // Rows 10 and 11 are labelled after a session break (ATR continues) but not after a roll (ATR warm-up).
    expect(session.t1Index[10]).toBeGreaterThanOrEqual(0);
    expect(session.t1Index[11]).toBeGreaterThanOrEqual(0);
    expect([roll.t1Index[10], roll.t1Index[11]]).toEqual([-1, -1]);
    expect(roll.t1Index[12]).toBeGreaterThanOrEqual(0);
    // Neither lets a window cross row 10.
    for (let t = 5; t < 10; t++) expect([session.t1Index[t], roll.t1Index[t]]).toEqual([-1, -1]);
  });

  it("rejects session break rows that are unsorted", () => {
    const b = walk([1, 1, 1, 1, 1, 1]);
    expect(() => tripleBarrierLabels(b, P, 0.25, { sessionBreaks: Int32Array.of(3, 2) })).toThrow(
      /session break rows must be ascending/,
    );
  });
});
