import { describe, expect, it } from "vitest";
import { runIndicator } from "../../../src/features/run-kernel.ts";
import { atr14 } from "../../../src/features/volatility/atr14.ts";
import { bbWidth20 } from "../../../src/features/volatility/bb-width20.ts";
import { garmanKlass20 } from "../../../src/features/volatility/garman-klass20.ts";
import { specs } from "../../../src/features/volatility/index.ts";
import { parkinson20 } from "../../../src/features/volatility/parkinson20.ts";
import { checkIndicator, checkOnRealData, seriesOf } from "../primitives/indicator-harness.ts";

const NON_NEGATIVE: readonly [number, number] = [0, Number.POSITIVE_INFINITY];

checkIndicator(atr14, { ranges: { atr14: NON_NEGATIVE } });
checkIndicator(parkinson20, { ranges: { parkinson20: NON_NEGATIVE } });
checkIndicator(garmanKlass20, { ranges: { garman_klass20: NON_NEGATIVE } });
checkIndicator(bbWidth20, { ranges: { bb_width20: NON_NEGATIVE } });

describe("volatility family", () => {
  it("lists each indicator once, with the column stems other features reference", () => {
    expect(specs).toEqual([atr14, parkinson20, garmanKlass20, bbWidth20]);
    expect(specs.flatMap((s) => (s.kind === "indicator" ? s.outputs.map((o) => o.name) : []))).toEqual([
      "atr14",
      "parkinson20",
      "garman_klass20",
      "bb_width20",
    ]);
  });

  it("is exactly 0 (a real value, not a warm-up NaN) on a flat series", () => {
    const c = new Array(40).fill(1234.5);
    const s = seriesOf({ open: c, high: c, low: c, close: c, volume: null });
    for (const spec of [atr14, parkinson20, garmanKlass20, bbWidth20]) {
      const [col] = runIndicator(spec, s);
      expect(col[spec.warmup - 1]).toBeNaN();
      for (let i = spec.warmup; i < 40; i++) expect(col[i]).toBe(0);
    }
  });

  it("Parkinson equals ln(H/L)/(2 sqrt(ln 2)) for a constant range", () => {
    const n = 25;
    const high = new Array(n).fill(101);
    const low = new Array(n).fill(100);
    const close = new Array(n).fill(100.5);
    const [col] = runIndicator(parkinson20, seriesOf({ open: close, high, low, close, volume: null }));
    expect(col[24]).toBeCloseTo(Math.log(1.01) / (2 * Math.sqrt(Math.LN2)), 15);
  });

  it("values do not depend on the price level", () => {
    const n = 60;
    const close = Array.from({ length: n }, (_, i) => 50 + Math.sin(i) + i / 20);
    const high = close.map((c, i) => c + 0.3 + (i % 3) / 10);
    const low = close.map((c, i) => c - 0.2 - (i % 5) / 10);
    const open = close.map((c, i) => (i % 2 ? c + 0.1 : c - 0.1));
    const s1 = seriesOf({ open, high, low, close, volume: null });
    const x = (a: number[]) => a.map((v) => v * 512);
    const s2 = seriesOf({ open: x(open), high: x(high), low: x(low), close: x(close), volume: null });
    for (const spec of specs) {
      if (spec.kind !== "indicator") continue;
      const [a] = runIndicator(spec, s1);
      const [b] = runIndicator(spec, s2);
      for (let i = spec.warmup; i < n; i++) expect(b[i]).toBeCloseTo(a[i], 13);
    }
  });
});

describe("volatility family on real data", () => {
  checkOnRealData([atr14, parkinson20, garmanKlass20, bbWidth20], {
    atr14: NON_NEGATIVE,
    parkinson20: NON_NEGATIVE,
    garman_klass20: NON_NEGATIVE,
    bb_width20: NON_NEGATIVE,
  });
});
