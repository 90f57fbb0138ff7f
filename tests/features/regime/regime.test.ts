import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compositeRegime } from "../../../src/features/regime/composite-regime.ts";
import { specs } from "../../../src/features/regime/index.ts";
import { trendRegime } from "../../../src/features/regime/trend-regime.ts";
import { trendStrength } from "../../../src/features/regime/trend-strength.ts";
import { volRegime } from "../../../src/features/regime/vol-regime.ts";
import { runIndicator } from "../../../src/features/run-kernel.ts";
import { seriesFromBars } from "../../../src/features/series.ts";
import type { IndicatorSpec } from "../../../src/features/types.ts";
import { describeIndicator, loadIndicatorFixture } from "../golden-extra-harness.ts";

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
  for (const spec of specs) describeIndicator(spec as IndicatorSpec, { abs: 1e-9, rel: 1e-9 });

  it("ranks lie in (0, 1], states and codes are the documented integers", () => {
    const { bars } = loadIndicatorFixture("vol_regime");
    const s = seriesFromBars(bars);
    const [rank, state] = runIndicator(volRegime, s);
    const [code] = runIndicator(compositeRegime, s);
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
