/**
 * Config validation: the charter's six sample configs parse (or fail only on what is not registered
 * yet, with that message), model parameters are checked against the registry with defaults applied,
 * and every bad config names its YAML path.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { loadConfig, parseConfig } from "../../src/config/load.ts";
import { ConfigError } from "../../src/core/errors.ts";
import { listRegistries } from "../../src/registry/index.ts";
import { testTempDir } from "../helpers/temp-dir.ts";

function errorOf(raw: unknown): string {
  try {
    parseConfig(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected the config to be refused");
}

const yaml = (text: string) => parseYaml(text) as unknown;

describe("config: defaults and the registry", () => {
  it("an empty config is valid and fits nothing", () => {
    const c = parseConfig({});
    expect(c.base_models).toEqual([]);
    expect(c.splits).toEqual({ train: 0.7, val: 0.15, test: 0.15, purge_bars: 60, embargo_bars: 1440 });
    expect(c.ensemble.enabled).toBe(false);
    expect(c.inference).toEqual({ calibrate: null, uncertainty: null });
  });

  it("fills every model parameter default from the registry and keeps the given ones", () => {
    const c = parseConfig(
      yaml("base_models:\n  - {name: lightgbm, outputs: [p_up], config: {n_estimators: 50, max_depth: 7}}"),
    );
    const m = c.base_models[0]!;
    expect(m.id).toBe("lightgbm");
    expect(m.view).toBe("feature_matrix");
    expect(m.config).toMatchObject({ n_estimators: 50, max_depth: 7, learning_rate: 0.05, num_leaves: 31 });
    const defaults = listRegistries().models.find((x) => x.name === "lightgbm")!.params;
    expect(Object.keys(m.config).sort()).toEqual(Object.keys(defaults).sort());
  });

  it("the parsed config is frozen", () => {
    const c = parseConfig({});
    expect(Object.isFrozen(c.splits)).toBe(true);
  });
});

describe("config: bad configs name the YAML path", () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      "negative learning rate",
      "base_models:\n  - {name: lightgbm, outputs: [p_up]}\n  - {name: xgboost, id: xgb, outputs: [p_up], config: {learning_rate: -0.1}}",
      /^base_models\[1\]\.config\.learning_rate: must be > 0, was -0\.1$/,
    ],
    ["wrong type", "seed: forty-two", /^seed: must be .*was "forty-two"$/],
    [
      "wrong type in a model",
      "base_models:\n  - {name: lightgbm, outputs: [p_up], config: {n_estimators: lots}}",
      /^base_models\[0\]\.config\.n_estimators: must be .*was "lots"$/,
    ],
    ["unknown top-level key", "sede: 1", /^sede: unknown key$/],
    ["unknown section key", "splits: {purge: 60}", /^splits\.purge: unknown key$/],
    [
      "unknown model key",
      "base_models:\n  - {name: lightgbm, outputs: [p_up], config: {n_trees: 5}}",
      /^base_models\[0\]\.config\.n_trees: unknown key$/,
    ],
    [
      "unknown model",
      "base_models:\n  - {name: catboost, outputs: [p_up]}",
      /^base_models\[0\]\.name: model "catboost" is not registered yet \(registered: [a-z0-9_, ]*\blightgbm, logistic\b[a-z0-9_, ]*\)$/,
    ],
    [
      "fractions not summing to 1",
      "splits: {train: 0.8, val: 0.15, test: 0.15}",
      /^splits: train \+ val \+ test must sum to 1, was 1\.1$/,
    ],
    ["negative purge", "splits: {purge_bars: -1}", /^splits\.purge_bars: must be >= 0, was -1$/],
    [
      "unsupported output",
      "base_models:\n  - {name: logistic, outputs: [E_r]}",
      /^base_models\[0\]\.outputs\[0\]: logistic cannot output E_r/,
    ],
    [
      "wrong view",
      "base_models:\n  - {name: lightgbm, view: window_tensor, outputs: [p_up]}",
      /^base_models\[0\]\.view: lightgbm takes feature_matrix, was window_tensor$/,
    ],
    [
      "unknown output name",
      "base_models:\n  - {name: lightgbm, outputs: [p_down]}",
      /^base_models\[0\]\.outputs\[0\]: must be one of .*was "p_down"$/,
    ],
    [
      "duplicate ids",
      "base_models:\n  - {name: lightgbm, outputs: [p_up]}\n  - {name: lightgbm, outputs: [p_up]}",
      /^base_models\[1\]\.id: "lightgbm" is already used by base_models\[0\]/,
    ],
    [
      "unregistered ensemble",
      "base_models:\n  - {name: lightgbm, outputs: [p_up]}\nensemble: {enabled: true, method: blending}",
      /^ensemble\.method: ensemble "blending" is not registered yet \(registered: stacking, voting\)$/,
    ],
    [
      "stacking without a meta-learner",
      "base_models:\n  - {name: lightgbm, outputs: [p_up]}\nensemble: {enabled: true, method: stacking}",
      /^ensemble\.meta_learner: is required for stacking \(registered: elastic_net, lightgbm_meta, logistic, ridge\)$/,
    ],
    [
      "meta-learner regularisation floor",
      "base_models:\n  - {name: lightgbm, outputs: [p_up]}\nensemble: {enabled: true, method: stacking, meta_learner: ridge, meta_config: {alpha: 0.01}}",
      /^ensemble\.meta_config\.alpha: must be >= 0\.1, was 0\.01$/,
    ],
    [
      "LightGBM-meta depth cap",
      "base_models:\n  - {name: lightgbm, outputs: [p_up]}\nensemble: {enabled: true, method: stacking, meta_learner: lightgbm_meta, meta_config: {max_depth: 5}}",
      /^ensemble\.meta_config\.max_depth: must be <= 3, was 5$/,
    ],
    [
      "stacking a quantile-only model",
      "base_models:\n  - {name: lightgbm, outputs: [p_up]}\n  - {name: quantile_rnn, outputs: [q05, q50, q95]}\nensemble: {enabled: true, method: stacking, meta_learner: ridge}",
      /^ensemble\.method: stacking needs p_up or E_r from every base model; quantile_rnn \[q05, q50, q95\] has neither/,
    ],
    [
      "voting weights per model",
      "base_models:\n  - {name: lightgbm, outputs: [p_up]}\n  - {name: logistic, outputs: [p_up]}\nensemble: {enabled: true, method: voting, weights: [1]}",
      /^ensemble\.weights: needs one weight per base model \(2\), was 1$/,
    ],
    [
      "unregistered calibrator",
      "base_models:\n  - {name: lightgbm, outputs: [p_up]}\ninference: {calibrate: [platt]}",
      /^inference\.calibrate\[0\]: calibrator "platt" is not registered yet \(registered: isotonic, temperature_scaling\)$/,
    ],
    [
      "unregistered conformal",
      "inference: {uncertainty: {method: mondrian, coverage: 0.9}}",
      /^inference\.uncertainty\.method: conformal method "mondrian" is not registered yet \(registered: cqr, jackknife_plus, split_conformal\)/,
    ],
    [
      "cqr without quantile heads",
      "base_models:\n  - {name: lightgbm, outputs: [E_r, q05]}\ninference: {uncertainty: {method: cqr}}",
      /^inference\.uncertainty\.method: cqr needs q95 from the served model \(base_models\[0\], lightgbm\), which serves E_r, q05$/,
    ],
    [
      "jackknife+ without E_r",
      "base_models:\n  - {name: lightgbm, outputs: [p_up]}\ninference: {uncertainty: {method: jackknife_plus}}",
      /^inference\.uncertainty\.method: jackknife_plus needs E_r from the served model/,
    ],
    [
      "jackknife+ over an ensemble",
      "base_models:\n  - {name: lightgbm, outputs: [E_r]}\n  - {name: xgboost, outputs: [E_r]}\nensemble: {enabled: true, method: voting}\ninference: {uncertainty: {method: jackknife_plus}}",
      /^inference\.uncertainty\.method: jackknife_plus refits the served base model on K folds and cannot refit an ensemble/,
    ],
    [
      "jackknife+ over a window model",
      "base_models:\n  - {name: lstm, outputs: [E_r]}\ninference: {uncertainty: {method: jackknife_plus}}",
      /^inference\.uncertainty\.method: jackknife_plus refits feature_matrix models only; base_models\[0\] \(lstm\) uses window_tensor/,
    ],
    [
      "unregistered policy",
      "policy: {enabled: true, algorithm: sac}",
      /^policy\.algorithm: RL policy "sac" is not registered yet/,
    ],
    [
      "calibration without p_up",
      "base_models:\n  - {name: lightgbm, outputs: [E_r]}\ninference: {calibrate: [temperature_scaling]}",
      /^inference\.calibrate\[0\]: temperature_scaling calibrates p_up, which no base model outputs$/,
    ],
    [
      "thresholds crossed",
      "backtest: {long_threshold: 0.5, short_threshold: 0.6}",
      /^backtest\.short_threshold: must be below long_threshold/,
    ],
    ["not a mapping", "- a\n- b", /^config must be a YAML mapping/],
  ];
  for (const [what, text, expected] of cases) {
    it(what, () => expect(errorOf(yaml(text))).toMatch(expected));
  }

  it("loadConfig prefixes the file name and rejects invalid YAML in one line", () => {
    const dir = testTempDir("mlf-config-");
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "splits: {train: 0.8, val: 0.15, test: 0.15}\n");
    expect(() => loadConfig(bad)).toThrow(`${bad}: splits: train + val + test must sum to 1, was 1.1`);
    const broken = join(dir, "broken.yaml");
    writeFileSync(broken, "splits: [\n");
    expect(() => loadConfig(broken)).toThrow(/is not valid YAML/);
    expect(() => loadConfig(join(dir, "missing.yaml"))).toThrow(/cannot read config file/);
  });
});

/** The charter's six sample configs (../shared/CHARTER.md, "Sample Ensemble Configurations"), verbatim. */
const CHARTER: Record<string, string> = {
  "1 fast baseline": `
base_models:
  - name: lightgbm
    view: feature_matrix
    outputs: [p_up]
    config:
      n_estimators: 500
      learning_rate: 0.05
      max_depth: 7
ensemble:
  enabled: false
inference:
  calibrate: [temperature_scaling]
  uncertainty: null
policy:
  enabled: false
`,
  "2 tabular duo": `
base_models:
  - name: xgboost
    view: feature_matrix
    outputs: [p_up]
    config:
      n_estimators: 500
      max_depth: 6
  - name: lightgbm
    view: feature_matrix
    outputs: [p_up]
    config:
      n_estimators: 500
      learning_rate: 0.05
ensemble:
  enabled: true
  method: stacking
  meta_learner: ridge
  oof:
    n_folds: 5
    purge_bars: 60
    embargo_bars: 1440
inference:
  calibrate: [temperature_scaling]
  uncertainty: null
policy:
  enabled: false
`,
  "3 heterogeneous trio": `
base_models:
  - name: lightgbm
    view: feature_matrix
    outputs: [p_up]
  - name: tcn
    view: window_tensor
    outputs: [E_r]
    config:
      num_channels: [64, 128, 256]
      kernel_size: 3
      dropout: 0.2
      seq_len: 60
ensemble:
  enabled: true
  method: stacking
  meta_learner: ridge
`,
  "4 probabilistic trio": `
base_models:
  - name: patchtst
    view: window_tensor
    outputs: [q05, q50, q95]
    config:
      patch_length: 16
      d_model: 256
      causal: true
ensemble:
  enabled: true
  method: voting
  voting_type: soft
inference:
  calibrate: null
  uncertainty:
    method: cqr
    coverage: 0.90
    holdout_fraction: 0.2
policy:
  enabled: false
`,
  "5 full stack": `
base_models:
  - name: lightgbm
    view: feature_matrix
    outputs: [p_up]
  - name: chronos
    view: window_tensor
    outputs: [p_up]
    zero_shot: true
ensemble:
  enabled: true
  method: stacking
  meta_learner: lightgbm_meta
  oof:
    n_folds: 5
    purge_bars: 60
    embargo_bars: 1440
  gating:
    enabled: true
    method: hmm_regime
    regime_features: [volatility_regime, trend_regime, structure_regime]
inference:
  calibrate: [isotonic, temperature_scaling]
  uncertainty:
    method: jackknife_plus
    coverage: 0.95
policy:
  enabled: true
  algorithm: sac
  inputs: [p_up, E_r, q05, q50, q95, uncertainty, regime_score]
  outputs: [position_size, entry_threshold, exit_threshold]
  config:
    learning_rate: 0.0003
    gamma: 0.99
    tau: 0.005
`,
  "6 research comparison": `
base_models:
  - {name: xgboost, view: feature_matrix, outputs: [p_up]}
  - {name: lightgbm, view: feature_matrix, outputs: [p_up]}
  - {name: lstm, view: window_tensor, outputs: [p_up], config: {seq_len: 60}}
  - {name: logistic, view: feature_matrix, outputs: [p_up]}
ensemble:
  enabled: false
inference:
  calibrate: [temperature_scaling]
policy:
  enabled: false
`,
};

describe("config: the charter's sample configs", () => {
  it("Config 1 validates as written", () => {
    const c = parseConfig(yaml(CHARTER["1 fast baseline"]!));
    expect(c.base_models.map((m) => m.name)).toEqual(["lightgbm"]);
    expect(c.inference.calibrate).toEqual(["temperature_scaling"]);
  });
  const expected: Record<string, RegExp> = {
    "5 full stack": /^base_models\[1\]\.name: model "chronos" is not registered yet/,
  };
  for (const name of [
    "2 tabular duo",
    "3 heterogeneous trio",
    "4 probabilistic trio",
    "6 research comparison",
  ]) {
    it(`Config ${name} validates as written`, () => {
      expect(() => parseConfig(yaml(CHARTER[name]!))).not.toThrow();
    });
  }
  for (const [name, re] of Object.entries(expected)) {
    it(`Config ${name} fails only on what is not registered yet`, () => {
      expect(errorOf(yaml(CHARTER[name]!))).toMatch(re);
    });
  }

  it("Config 6 validates as written (its LSTM with the charter's seq_len)", () => {
    const c = parseConfig(yaml(CHARTER["6 research comparison"]!));
    expect(c.base_models.map((m) => m.name)).toEqual(["xgboost", "lightgbm", "lstm", "logistic"]);
    expect(c.base_models[2]!.config).toMatchObject({ seq_len: 60, hidden_size: 64, patience: 10 });
  });

  it("the sequence models take the charter's parameters (TCN channels, PatchTST patch length)", () => {
    const trio = parseConfig(
      yaml(CHARTER["3 heterogeneous trio"]!.replace(/ensemble:[\s\S]*$/, "ensemble:\n  enabled: false\n")),
    );
    expect(trio.base_models[1]!.config).toMatchObject({ num_channels: [64, 128, 256], seq_len: 60 });
  });

  it("configs/fast-baseline.yaml is charter Config 1", () => {
    const c = loadConfig("configs/fast-baseline.yaml");
    const charter = parseConfig(yaml(CHARTER["1 fast baseline"]!));
    // The charter's keys as written; the file adds speed settings on top (colsample, bins, patience).
    expect(c.base_models.map((m) => ({ ...m, config: {} }))).toEqual(
      charter.base_models.map((m) => ({ ...m, config: {} })),
    );
    expect(c.base_models[0]!.config).toMatchObject({ n_estimators: 500, learning_rate: 0.05, max_depth: 7 });
    expect(c.inference).toEqual(charter.inference);
    expect(c.ensemble.enabled).toBe(false);
  });
});
