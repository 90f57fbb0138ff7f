import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MINUTE_MS, type TimeframeId } from "../../../src/core/timeframes.ts";
import type { Bars } from "../../../src/data/bars.ts";
import { FeatureEngine } from "../../../src/features/engine/feature-engine.ts";
import { resampleBatch } from "../../../src/features/engine/resample-batch.ts";
import { runIndicator } from "../../../src/features/run-kernel.ts";
import type { DerivedSpec, FeatureSpec, IndicatorSpec } from "../../../src/features/types.ts";

/** Trailing mean of close over `period` bars; NaN for the first period-1 bars. */
function smaSpec(period: number, timeframes: TimeframeId[]): IndicatorSpec {
  return {
    kind: "indicator",
    id: `test_sma${period}`,
    family: "momentum",
    timeframes,
    needsVolume: false,
    warmup: period - 1,
    outputs: [
      { name: `tsma${period}`, definition: "test mean of close" },
      { name: `tcount${period}`, definition: "test: 1m bars in the bar" },
    ],
    create() {
      return {
        advance(src, from, to, out) {
          for (let i = from; i < to; i++) {
            let s = 0;
            for (let k = i - period + 1; k <= i; k++) s += k >= 0 ? src.close[k] : Number.NaN;
            out[0][i - from] = s / period;
            out[1][i - from] = src.count[i];
          }
        },
      };
    },
  };
}

const volSpec: IndicatorSpec = {
  kind: "indicator",
  id: "test_vol",
  family: "volume",
  timeframes: ["1m", "15m"],
  needsVolume: true,
  warmup: 0,
  outputs: [{ name: "tvol", definition: "test volume" }],
  create() {
    return {
      advance(src, from, to, out) {
        for (let i = from; i < to; i++) out[0][i - from] = src.volume![i];
      },
    };
  },
};

const productSpec: DerivedSpec = {
  kind: "derived",
  id: "test_product",
  family: "interaction",
  inputs: ["tsma3_5m", "tsma3_1h"],
  output: { name: "tsma_5m_x_1h", definition: "test product" },
  combine(inputs, from, to, out) {
    for (let r = from; r < to; r++) out[r] = inputs[0][r] * inputs[1][r];
  },
};

const SPECS: FeatureSpec[] = [smaSpec(3, ["1m", "5m", "25m", "1h"]), volSpec, productSpec];

/** Bars with gaps: a few sessions of minutes with holes, crossing midnight. */
function gappyBars(seed: number, n: number): Bars {
  const ts = new Float64Array(n);
  const o = new Float64Array(n);
  const h = new Float64Array(n);
  const l = new Float64Array(n);
  const c = new Float64Array(n);
  const v = new Float64Array(n);
  let t = Date.UTC(2025, 2, 3, 21, 0);
  let x = seed;
  let p = 100;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    t += (x % 17 === 0 ? 1 + (x % 97) : 1) * MINUTE_MS;
    ts[i] = t;
    o[i] = p;
    p += ((x % 9) - 4) * 0.25;
    c[i] = p;
    h[i] = Math.max(o[i], c[i]) + 0.25;
    l[i] = Math.min(o[i], c[i]) - 0.25;
    v[i] = 1 + (x % 50);
  }
  return { length: n, ts, open: o, high: h, low: l, close: c, volume: v };
}

function runEngine(engine: FeatureEngine, bars: Bars, blocks: number[]): Float32Array[] {
  const cols = engine.columns.map(() => new Float32Array(bars.length));
  let from = 0;
  let b = 0;
  while (from < bars.length) {
    const to = Math.min(bars.length, from + blocks[b++ % blocks.length]);
    engine.push(
      bars,
      from,
      to,
      cols.map((c) => c.subarray(from, to)),
    );
    from = to;
  }
  return cols;
}

describe("FeatureEngine", () => {
  const bars = gappyBars(3, 4000);

  it("aligns each timeframe by forward-filling the latest visible bar (reference: resampleBatch + runIndicator)", () => {
    const engine = new FeatureEngine({ hasVolume: true, specs: SPECS });
    const cols = runEngine(engine, bars, [65_536]);
    const names = engine.columns.map((c) => c.name);
    for (const tf of ["1m", "5m", "25m", "1h"] as const) {
      const { series, visible } = resampleBatch(bars, tf);
      const [sma, count] = runIndicator(SPECS[0] as IndicatorSpec, series);
      const got = cols[names.indexOf(`tsma3_${tf}`)];
      const gotCount = cols[names.indexOf(`tcount3_${tf}`)];
      for (let i = 0; i < bars.length; i++) {
        const v = visible[i];
        expect(got[i]).toBe(v === 0 ? Number.NaN : Math.fround(sma[v - 1]));
        expect(gotCount[i]).toBe(v === 0 ? Number.NaN : count[v - 1]);
      }
    }
    const p = cols[names.indexOf("tsma_5m_x_1h")];
    const a = cols[names.indexOf("tsma3_5m")];
    const b = cols[names.indexOf("tsma3_1h")];
    // Derived specs combine the float64 values, then round once.
    let checked = 0;
    for (let i = 0; i < bars.length; i++) {
      if (Number.isNaN(b[i])) expect(p[i]).toBeNaN();
      else {
        expect(Math.abs(p[i] - a[i] * b[i])).toBeLessThanOrEqual(Math.abs(p[i]) * 1e-6);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it("gives bit-identical columns however the rows are split into pushes", () => {
    const whole = runEngine(new FeatureEngine({ hasVolume: true, specs: SPECS }), bars, [65_536]);
    const single = runEngine(new FeatureEngine({ hasVolume: true, specs: SPECS }), bars, [1]);
    expect(single).toEqual(whole);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 }), (blocks) => {
        const split = runEngine(new FeatureEngine({ hasVolume: true, specs: SPECS }), bars, blocks);
        expect(split).toEqual(whole);
      }),
      { numRuns: 20 },
    );
  });

  it("partitions fill disjoint columns that together equal one engine, derived from shared inputs", () => {
    const whole = runEngine(new FeatureEngine({ hasVolume: true, specs: SPECS }), bars, [1000]);
    const count = 3;
    const parts = [0, 1, 2].map(
      (index) => new FeatureEngine({ hasVolume: true, specs: SPECS, partition: { index, count } }),
    );
    const names = parts[0].derivedInputNames;
    expect(names).toEqual(["tsma3_5m", "tsma3_1h"]);
    const merged = parts[0].columns.map(() => new Float32Array(bars.length).fill(-1));
    const written = parts.map(() => merged.map(() => false));
    for (let from = 0; from < bars.length; from += 1000) {
      const to = Math.min(bars.length, from + 1000);
      const inputs = names.map(() => new Float64Array(to - from));
      parts.forEach((e, p) => {
        // Only the indicator half here: derived columns need every partition's inputs first.
        const cols = merged.map(() => new Float32Array(to - from).fill(-1));
        e.pushIndicators(bars, from, to, cols, inputs);
        cols.forEach((c, j) => {
          if (c.some((v) => v !== -1)) {
            written[p][j] = true;
            merged[j].set(c, from);
          }
        });
      });
      const cols = merged.map((m) => m.subarray(from, to));
      parts[0].pushDerived(to - from, cols, inputs);
    }
    // Each column is written by exactly one partition (derived by part 0), and the work is shared.
    for (let j = 0; j < merged.length; j++) expect(written.filter((w) => w[j]).length).toBeLessThanOrEqual(1);
    expect(written.filter((w) => w.some(Boolean)).length).toBeGreaterThan(1);
    expect(merged).toEqual(whole);
  });

  it("leaves volume columns out without volume, and computes hidden inputs of derived columns", () => {
    const noVol = new FeatureEngine({ hasVolume: false, specs: SPECS });
    expect(noVol.columns.map((c) => c.name)).not.toContain("tvol_1m");
    const onlyDerived = new FeatureEngine({ hasVolume: true, families: ["interaction"], specs: SPECS });
    expect(onlyDerived.columns.map((c) => c.name)).toEqual(["tsma_5m_x_1h"]);
    const full = new FeatureEngine({ hasVolume: true, specs: SPECS });
    const fullCols = runEngine(full, bars, [999]);
    const derivedCols = runEngine(onlyDerived, bars, [999]);
    expect(derivedCols[0]).toEqual(fullCols[full.columns.findIndex((c) => c.name === "tsma_5m_x_1h")]);
  });

  it("records warm-up of derived columns in 1m bars and rejects unknown exclusions", () => {
    const e = new FeatureEngine({ hasVolume: true, specs: SPECS, exclude: ["tvol_15m"] });
    expect(e.columns.find((c) => c.name === "tsma_5m_x_1h")?.warmupBars).toBe(2 * 60);
    expect(e.columns.map((c) => c.name)).not.toContain("tvol_15m");
    expect(() => new FeatureEngine({ hasVolume: true, specs: SPECS, exclude: ["nope_1m"] })).toThrow(
      /features.exclude names 'nope_1m'/,
    );
  });
});
