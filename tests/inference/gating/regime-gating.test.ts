/**
 * gating.json as a bundle serves it: observables, the tracker that predict and serving both advance,
 * gate weights that sum to 1 at every row, regime_score in [0, 1], and refusals naming the field.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/load.ts";
import { BundleError } from "../../../src/core/errors.ts";
import {
  type GatingFileJson,
  LOG_FLOOR,
  observe,
  RegimeGating,
} from "../../../src/inference/gating/regime-gating.ts";

const FILE: GatingFileJson = {
  format: "mlf-gating",
  format_version: 1,
  method: "hmm_regime",
  observables: [
    { feature: "ret", transform: "identity", mean: 0, std: 2 },
    { feature: "vol", transform: "log", mean: -1, std: 0.5 },
  ],
  volatility_observable: 1,
  use: "gate",
  hmm: {
    method: "hmm_regime",
    covariance_type: "diag",
    features: ["ret", "log_vol"],
    start_prob: [0.6, 0.4],
    transition: [
      [0.9, 0.1],
      [0.2, 0.8],
    ],
    means: [
      [0, -1],
      [0, 1],
    ],
    covars: [
      [1, 0.5],
      [2, 0.5],
    ],
    state_scores: [0, 1],
  },
  gate: {
    method: "softmax_gate",
    models: ["a", "b"],
    logits: [
      [1, -1],
      [-0.5, 0.5],
    ],
  },
  outputs: ["p_up"],
  fitted_on: { hmm: "train", gate: "val" },
};
const names = ["other", "vol", "ret"];

describe("RegimeGating", () => {
  const g = RegimeGating.fromJSON(FILE);

  it("observables: standardised, ln with a floor so a zero volatility stays finite", () => {
    expect(observe(FILE.observables[0]!, 3)).toBe(1.5);
    expect(observe(FILE.observables[1]!, Math.exp(-0.5))).toBeCloseTo(1, 15);
    expect(observe(FILE.observables[1]!, 0)).toBe((Math.log(LOG_FLOOR) + 1) / 0.5);
    expect(g.columnsIn(names)).toEqual([2, 1]);
    expect(() => g.columnsIn(["ret"])).toThrow(/observable feature vol is not among the bundle's features/);
  });

  it("weights sum to 1 and regime_score is in [0, 1] at every row, NaN rows included", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: 0, max: 3 })), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.array(fc.nat(59), { maxLength: 10 }),
        (rows, holes) => {
          const cols = [
            Float32Array.from(rows, () => 7),
            Float32Array.from(rows, ([, v]) => v),
            Float32Array.from(rows, ([r]) => r),
          ];
          for (const h of holes) if (h < rows.length) cols[2]![h] = Number.NaN;
          const probs = g.probabilities(cols, names, 0);
          const weights = g.gate!.weights(probs);
          const a = Float64Array.from(rows, () => 0.2);
          const b = Float64Array.from(rows, () => 0.9);
          const out = g.combine(probs, { a: { p_up: a }, b: { p_up: b } });
          for (let t = 0; t < rows.length; t++) {
            expect(Math.abs(weights[0]![t]! + weights[1]![t]! - 1)).toBeLessThan(1e-12);
            const s = out.regime_score![t]!;
            expect(s >= 0 && s <= 1).toBe(true);
            expect(s).toBe(probs[1]![t]);
            expect(out.p_up![t]! >= 0.2 - 1e-12 && out.p_up![t]! <= 0.9 + 1e-12).toBe(true);
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it("the tracker keeps the previous probabilities on a non-finite row, the start ones before any", () => {
    const cols = [
      Float32Array.of(7, 7, 7, 7),
      Float32Array.of(1, 1, 1, 2),
      Float32Array.of(Number.NaN, 0.5, Number.NaN, -1),
    ];
    const probs = g.probabilities(cols, names, 0);
    expect([probs[0]![0], probs[1]![0]]).toEqual([0.6, 0.4]);
    expect(probs[0]![2]).toBe(probs[0]![1]);
    expect(probs[0]![1]).not.toBe(0.6);
    // Starting later is the same as feeding only the later rows.
    const later = g.probabilities(cols, names, 1);
    expect(later[0]![0]).toBe(probs[0]![1]);
    // Golden: one diagonal-Gaussian filter step from the start probabilities at row 1.
    const x = [0.25, (Math.log(1) + 1) / 0.5];
    const lik = (m: number[], v: number[]) =>
      Math.exp(-0.5 * ((x[0]! - m[0]!) ** 2 / v[0]! + (x[1]! - m[1]!) ** 2 / v[1]!)) /
      (2 * Math.PI * Math.sqrt(v[0]! * v[1]!));
    const p0 = 0.6 * lik([0, -1], [1, 0.5]);
    const p1 = 0.4 * lik([0, 1], [2, 0.5]);
    expect(probs[1]![1]).toBeCloseTo(p1 / (p0 + p1), 12);
  });

  it("refuses a file whose parts disagree, naming it", () => {
    const bad = { ...FILE, gate: { method: "softmax_gate", models: ["a", "b"], logits: [[0, 0]] } };
    expect(() => RegimeGating.fromJSON(bad, "b/gating.json")).toThrow(BundleError);
    expect(() => RegimeGating.fromJSON(bad, "b/gating.json")).toThrow(/b\/gating.json: .*gate of 1 states/);
    expect(() => RegimeGating.fromJSON({ ...FILE, outputs: [] }, "g")).toThrow(/^g: outputs:/);
    // Stacking's form: no gate, the probabilities of states 1 … K−1 are meta-features.
    const meta = RegimeGating.fromJSON({ ...FILE, use: "meta_features", gate: null, outputs: [] });
    expect(meta.metaNames).toEqual(["p_state1"]);
    expect(() => meta.combine([], {})).toThrow(/no gate/);
  });
});

describe("config: ensemble.gating", () => {
  const base = {
    base_models: [
      { name: "lightgbm", outputs: ["p_up"] },
      { name: "xgboost", outputs: ["p_up"] },
    ],
  };
  it("defaults: 3 diagonal states, 4 restarts; regime features default later to drift and log volatility", () => {
    const c = parseConfig({
      ...base,
      ensemble: { enabled: true, method: "voting", gating: { enabled: true, method: "hmm_regime" } },
    });
    expect(c.ensemble.gating).toMatchObject({
      n_states: 3,
      covariance_type: "diag",
      n_init: 4,
      regime_features: [],
    });
  });
  it("accepts stacking (regimes become meta-features); refuses hard voting and an unknown method, naming the field", () => {
    const stack = {
      ...base,
      ensemble: {
        enabled: true,
        method: "stacking",
        meta_learner: "ridge",
        gating: { enabled: true, method: "hmm_regime" },
      },
    };
    expect(parseConfig(stack).ensemble.gating?.enabled).toBe(true);
    const hard = {
      ...base,
      ensemble: {
        enabled: true,
        method: "voting",
        voting_type: "hard",
        gating: { enabled: true, method: "hmm_regime" },
      },
    };
    expect(() => parseConfig(hard)).toThrow(/ensemble\.gating\.enabled: regime gating replaces soft voting/);
    const unknown = {
      ...base,
      ensemble: { enabled: true, method: "voting", gating: { enabled: true, method: "markov" } },
    };
    expect(() => parseConfig(unknown)).toThrow(
      /ensemble\.gating\.method: gating "markov" is not registered yet \(registered: hmm_regime\)/,
    );
    expect(() =>
      parseConfig({
        ...base,
        ensemble: {
          enabled: true,
          method: "voting",
          gating: { enabled: true, method: "hmm_regime", n_states: 1 },
        },
      }),
    ).toThrow(/n_states/);
  });
});
