import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { specs } from "../../../src/features/interaction/index.ts";
import { centred, product, raw, unit } from "../../../src/features/interaction/product.ts";
import { specs as momentum } from "../../../src/features/momentum/index.ts";
import { specs as regime } from "../../../src/features/regime/index.ts";
import { specs as statistics } from "../../../src/features/statistics/index.ts";
import type { DerivedSpec, FeatureSpec } from "../../../src/features/types.ts";
import { specs as volatility } from "../../../src/features/volatility/index.ts";
import { specs as volume } from "../../../src/features/volume/index.ts";
import { expectClose, FIXTURE_DIR } from "../golden-extra-harness.ts";

type Column = (number | null)[];
const fixture = JSON.parse(readFileSync(join(FIXTURE_DIR, "interaction.json"), "utf8")) as {
  columns: Record<string, Column>;
  outputs: Record<string, Column>;
};
const derived = specs as readonly DerivedSpec[];

/** The family's columns, pinned: adding or renaming one is a deliberate change to this list. */
const EXPECTED_IDS = [
  "rsi14_1m_x_vol_regime_1m",
  "rsi14_5m_x_vol_regime_15m",
  "rsi14_15m_x_vol_regime_15m",
  "rsi14_1h_x_vol_regime_1h",
  "rsi14_1m_x_trend_regime_1m",
  "rsi14_15m_x_trend_regime_15m",
  "rsi14_1h_x_trend_regime_1h",
  "rsi14_1m_x_trend_strength_1m",
  "macd_hist_1m_x_trend_regime_1m",
  "macd_hist_5m_x_trend_regime_15m",
  "macd_hist_15m_x_trend_regime_15m",
  "macd_hist_1h_x_trend_regime_1h",
  "macd_hist_1m_x_vol_regime_1m",
  "macd_hist_15m_x_vol_regime_15m",
  "macd_hist_15m_x_trend_strength_15m",
  "stoch_k_1m_x_vol_state_1m",
  "stoch_k_5m_x_vol_state_15m",
  "stoch_k_15m_x_vol_state_1h",
  "stoch_k_1m_x_trend_regime_15m",
  "stoch_k_15m_x_trend_regime_1h",
  "adx14_1m_x_trend_regime_1m",
  "adx14_15m_x_trend_regime_15m",
  "adx14_1h_x_trend_regime_1h",
  "atr14_1m_x_vol_regime_1m",
  "atr14_15m_x_vol_regime_15m",
  "bb_width20_15m_x_vol_regime_15m",
  "bb_width20_1h_x_vol_regime_1h",
  "parkinson20_1m_x_vol_state_15m",
  "trend_regime_1m_x_trend_regime_15m",
  "trend_regime_15m_x_trend_regime_1h",
  "ret_skew20_15m_x_vol_regime_15m",
];

function columnsOf(family: readonly FeatureSpec[]): Map<string, boolean> {
  const names = new Map<string, boolean>();
  for (const s of family) {
    if (s.kind !== "indicator") continue;
    for (const tf of s.timeframes) for (const o of s.outputs) names.set(`${o.name}_${tf}`, s.needsVolume);
  }
  return names;
}

describe("interaction family", () => {
  it("registers exactly the pinned interaction columns", () => {
    expect(derived.map((s) => s.id)).toEqual(EXPECTED_IDS);
    for (const s of derived) expect(s.output.name).toBe(s.id);
  });

  it("has one reference product per spec and no reference without a spec", () => {
    expect(derived.map((s) => s.output.name).sort()).toEqual(Object.keys(fixture.outputs).sort());
    expect(new Set(derived.map((s) => s.id)).size).toBe(derived.length);
  });

  for (const spec of derived) {
    it(`${spec.id}: matches the reference product, in any block split`, () => {
      const inputs = spec.inputs.map((name) => {
        const col = fixture.columns[name];
        expect(col, `fixture column ${name}`).toBeDefined();
        return Float64Array.from(col, (v) => (v === null ? Number.NaN : v));
      });
      const n = inputs[0].length;
      const whole = new Float64Array(n);
      spec.combine(inputs, 0, n, whole);
      expectClose(whole, fixture.outputs[spec.output.name], { abs: 1e-15, rel: 1e-12 }, spec.id);
      const split = new Float64Array(n);
      for (let from = 0; from < n; from += 7) spec.combine(inputs, from, Math.min(n, from + 7), split);
      expect(Array.from(split)).toEqual(Array.from(whole));
    });
  }

  it("reads only registered volume-free columns", () => {
    const known = new Map([
      ...columnsOf(momentum),
      ...columnsOf(volatility),
      ...columnsOf(volume),
      ...columnsOf(regime),
      ...columnsOf(statistics),
    ]);
    for (const spec of derived) {
      for (const input of spec.inputs) {
        expect(known.has(input), `${spec.id} input ${input} is a registered column`).toBe(true);
        expect(known.get(input), `${spec.id} input ${input} needs no volume`).toBe(false);
      }
    }
  });

  it("raw factors skip their map bit for bit: every factor kind equals the general formula", () => {
    const value = fc.oneof(
      fc.double({ noNaN: false }),
      fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
    );
    const factors = [raw("a"), centred("a"), unit("a")];
    fc.assert(
      fc.property(fc.array(fc.tuple(value, value), { minLength: 1, maxLength: 40 }), (pairs) => {
        const x = Float64Array.from(pairs, (p) => p[0]);
        const y = Float64Array.from(pairs, (p) => p[1]);
        for (const a of factors) {
          for (const b of factors) {
            const spec = product(a, { ...b, column: "b" }, "test");
            const got64 = new Float64Array(x.length);
            const got32 = new Float32Array(x.length);
            spec.combine([x, y], 0, x.length, got64);
            spec.combine([x, y], 0, x.length, got32);
            const want = x.map((v, r) => ((v - a.centre) / a.scale) * ((y[r] - b.centre) / b.scale));
            expect(new Uint8Array(got64.buffer)).toEqual(new Uint8Array(want.buffer));
            expect(new Uint8Array(got32.buffer)).toEqual(new Uint8Array(Float32Array.from(want).buffer));
          }
        }
      }),
    );
  });
});
