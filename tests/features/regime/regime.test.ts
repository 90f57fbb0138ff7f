import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { specs } from "../../../src/features/regime/index.ts";
import { trendRegime } from "../../../src/features/regime/trend-regime.ts";
import { trendStrength } from "../../../src/features/regime/trend-strength.ts";
import { volRegime } from "../../../src/features/regime/vol-regime.ts";
import { runIndicator } from "../../../src/features/run-kernel.ts";
import { seriesFromBars } from "../../../src/features/series.ts";
import type { DerivedSpec } from "../../../src/features/types.ts";
import { describeIndicator, expectClose, loadIndicatorFixture } from "../golden-extra-harness.ts";

function closesSeries(close: Float64Array) {
  const ts = Float64Array.from(close, (_, i) => i * 60_000);
  return seriesFromBars({
    length: close.length,
    ts,
    open: close,
    high: close,
    low: close,
    close,
    volume: null,
  });
}

describe("regime family", () => {
  // trend_strength's reference is numpy polyfit residuals (1 - SSres/SStot), not the closed form.
  for (const spec of specs) if (spec.kind === "indicator") describeIndicator(spec, { abs: 1e-9, rel: 1e-9 });

  const composites = specs.filter((s): s is DerivedSpec => s.kind === "derived");
  it("derives the composite code of each regime timeframe", () => {
    expect(composites.map((s) => s.id)).toEqual([
      "composite_regime_1m",
      "composite_regime_15m",
      "composite_regime_1h",
    ]);
  });

  for (const spec of composites) {
    it(`${spec.id}: matches the reference code from vol_state and trend_regime, in any block split`, () => {
      const { bars, outputs } = loadIndicatorFixture("composite_regime");
      const s = seriesFromBars(bars);
      const state = runIndicator(volRegime, s)[1];
      const trend = runIndicator(trendRegime, s)[0];
      expect(spec.inputs).toEqual([`vol_state_${spec.id.slice(17)}`, `trend_regime_${spec.id.slice(17)}`]);
      const whole = new Float64Array(bars.length);
      spec.combine([state, trend], 0, bars.length, whole);
      expectClose(whole, outputs.composite_regime, { abs: 0, rel: 0 }, spec.id);
      const split = new Float64Array(bars.length);
      for (let from = 0; from < bars.length; from += 7) {
        spec.combine([state, trend], from, Math.min(bars.length, from + 7), split);
      }
      expect(Array.from(split)).toEqual(Array.from(whole));
    });
  }

  it("ranks lie in (0, 1], states and codes are the documented integers", () => {
    const { bars } = loadIndicatorFixture("vol_regime");
    const s = seriesFromBars(bars);
    const [rank, state] = runIndicator(volRegime, s);
    const trend = runIndicator(trendRegime, s)[0];
    const code = new Float64Array(bars.length);
    composites[0].combine([state, trend], 0, bars.length, code);
    for (let i = volRegime.warmup; i < bars.length; i++) {
      expect(rank[i]).toBeGreaterThan(0);
      expect(rank[i]).toBeLessThanOrEqual(1);
      expect([-1, 0, 1]).toContain(state[i]);
      expect(Number.isInteger(code[i]) && Math.abs(code[i]) <= 4).toBe(true);
      expect(Math.round(code[i] / 3) === state[i]).toBe(true);
    }
  });

  it("a straight rise is trend_regime 1 with R² 1; its mirror is -1", () => {
    const up = Float64Array.from({ length: 40 }, (_, i) => 100 * Math.exp(0.001 * i));
    const down = Float64Array.from({ length: 40 }, (_, i) => 100 * Math.exp(-0.001 * i));
    expect(runIndicator(trendRegime, closesSeries(up))[0][30]).toBeCloseTo(1, 12);
    expect(runIndicator(trendRegime, closesSeries(down))[0][30]).toBeCloseTo(-1, 12);
    expect(runIndicator(trendStrength, closesSeries(up))[0][30]).toBeCloseTo(1, 12);
  });

  it("trend_regime stays in [-1, 1] and trend_strength in [0, 1] on any path", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -4, max: 4 }), { minLength: 25, maxLength: 60 }), (steps) => {
        const close = new Float64Array(steps.length);
        let p = 1000;
        steps.forEach((d, i) => {
          p += d * 0.25;
          close[i] = p;
        });
        const er = runIndicator(trendRegime, closesSeries(close))[0];
        const r2 = runIndicator(trendStrength, closesSeries(close))[0];
        for (let i = 20; i < close.length; i++) {
          if (!Number.isNaN(er[i])) expect(Math.abs(er[i])).toBeLessThanOrEqual(1 + 1e-15);
          if (!Number.isNaN(r2[i])) expect(r2[i] >= -1e-12 && r2[i] <= 1 + 1e-12).toBe(true);
        }
      }),
    );
  });
});
