import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { adx14 } from "../../../src/features/momentum/adx14.ts";
import { specs } from "../../../src/features/momentum/index.ts";
import { macd } from "../../../src/features/momentum/macd.ts";
import { rsi14 } from "../../../src/features/momentum/rsi14.ts";
import { stochastic } from "../../../src/features/momentum/stochastic.ts";
import { runIndicator } from "../../../src/features/run-kernel.ts";
import { arbitraryBars, checkIndicator, checkOnRealData, seriesOf } from "../primitives/indicator-harness.ts";

const PCT: readonly [number, number] = [0, 100];

checkIndicator(rsi14, { ranges: { rsi14: PCT } });
checkIndicator(macd);
checkIndicator(stochastic, { ranges: { stoch_k: PCT, stoch_d: PCT } });
checkIndicator(adx14, { ranges: { adx14: PCT, plus_di14: PCT, minus_di14: PCT } });

describe("momentum family", () => {
  it("lists each indicator once, with the column stems other features reference", () => {
    expect(specs).toEqual([rsi14, macd, stochastic, adx14]);
    const names = specs.flatMap((s) => (s.kind === "indicator" ? s.outputs.map((o) => o.name) : []));
    expect(names).toEqual([
      "rsi14",
      "macd",
      "macd_signal",
      "macd_hist",
      "stoch_k",
      "stoch_d",
      "adx14",
      "plus_di14",
      "minus_di14",
    ]);
  });

  const flat = (n: number) => {
    const c = new Array(n).fill(100);
    return seriesOf({ open: c, high: c, low: c, close: c, volume: null });
  };

  it("gives NaN, not 0 or 50, where a flat series makes RSI, %K and ADX undefined", () => {
    const s = flat(60);
    for (const spec of [rsi14, stochastic, adx14]) {
      for (const col of runIndicator(spec, s)) expect(col.every(Number.isNaN)).toBe(true);
    }
    // MACD of a constant is a legitimate 0.
    const [line] = runIndicator(macd, s);
    expect(line[33]).toBe(0);
  });

  it("RSI is 100 on a strictly rising series and 0 on a strictly falling one", () => {
    const up = Array.from({ length: 30 }, (_, i) => 100 + i);
    const down = up.map((x) => 300 - x);
    const series = (c: number[]) => seriesOf({ open: c, high: c, low: c, close: c, volume: null });
    expect(runIndicator(rsi14, series(up))[0][29]).toBe(100);
    expect(runIndicator(rsi14, series(down))[0][29]).toBe(0);
  });

  it("MACD outputs are scale-free: multiplying prices by 1000 leaves them unchanged", () => {
    const c = Array.from({ length: 80 }, (_, i) => 100 + 5 * Math.sin(i / 7) + i / 10);
    const big = c.map((x) => x * 1024);
    const a = runIndicator(macd, seriesOf({ open: c, high: c, low: c, close: c, volume: null }));
    const b = runIndicator(macd, seriesOf({ open: big, high: big, low: big, close: big, volume: null }));
    for (let k = 0; k < 3; k++) for (let i = 33; i < 80; i++) expect(b[k][i]).toBeCloseTo(a[k][i], 14);
  });

  it("stochastic %K equals a naive 14-bar scan on random series (ties and flat bars included)", () => {
    fc.assert(
      fc.property(arbitraryBars, (bars) => {
        const [k] = runIndicator(stochastic, bars, 3);
        for (let i = 15; i < bars.length; i++) {
          let hh = Number.NEGATIVE_INFINITY;
          let ll = Number.POSITIVE_INFINITY;
          for (let j = i - 13; j <= i; j++) {
            hh = Math.max(hh, bars.high[j]);
            ll = Math.min(ll, bars.low[j]);
          }
          const want = hh > ll ? (100 * (bars.close[i] - ll)) / (hh - ll) : Number.NaN;
          expect(k[i]).toBe(want);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("ADX seeding waits for defined DX values when the series starts flat", () => {
    const n = 80;
    const close = Array.from({ length: n }, (_, i) => (i < 20 ? 100 : 100 + (i - 20) * 0.5));
    const high = close.map((c, i) => (i < 20 ? c : c + 0.25));
    const low = close.map((c, i) => (i < 20 ? c : c - 0.25));
    const [adx, plus, minus] = runIndicator(adx14, seriesOf({ open: close, high, low, close, volume: null }));
    // Smoothed TR is 0 until bar 20 and bar 20's up and down moves tie (no DM), so DX is undefined
    // (NaN, not 0) on bars 14..20; ADX then needs 14 defined DX values: bars 21..34.
    const first = adx.findIndex((v) => !Number.isNaN(v));
    expect(first).toBe(34);
    for (let i = first; i < n; i++) {
      expect(Number.isFinite(adx[i])).toBe(true);
      expect(plus[i]).toBeGreaterThan(minus[i]);
    }
    expect(adx[n - 1]).toBeGreaterThan(90);
  });
});

describe("momentum family on real data", () => {
  checkOnRealData([rsi14, macd, stochastic, adx14], {
    rsi14: PCT,
    stoch_k: PCT,
    stoch_d: PCT,
    adx14: PCT,
    plus_di14: PCT,
    minus_di14: PCT,
  });
});
