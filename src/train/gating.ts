/**
 * The regime-gating stage of a run (ensemble.gating, docs/ensembles.md "Regime gating"):
 *
 * 1. Observables: feature columns (default ret_mean20_1m and ln ret_std20_1m), each standardised by
 *    the mean and std of its train rows.
 * 2. A Gaussian HMM fitted in a worker (hmmlearn, `estimate` message) on the train rows only; states
 *    ordered by the volatility observable's mean, so the last state is the turbulent regime.
 * 3. The causal forward filter run over the whole series from the first predicted row (the same
 *    RegimeTracker predict and serving run), giving filtered state probabilities at every row.
 * 4. A softmax gate (per-state weights over the base models) fitted on the validation split: the base
 *    models were fitted on train and never saw it; the test split is never read.
 *
 * The gate replaces voting's fixed weights; regime_score is the filtered probability of the last state.
 */
import type { ExperimentConfig } from "../config/schema.ts";
import { ConfigError } from "../core/errors.ts";
import { fitSoftmaxGate, GaussianHmm } from "../inference/gating/index.ts";
import {
  type GatingFileJson,
  type Observable,
  observe,
  RegimeGating,
} from "../inference/gating/regime-gating.ts";
import type { OutputName } from "../registry/index.ts";
import type { WorkerPool } from "../workers/pool.ts";
import type { Dataset, StageReporter } from "./dataset.ts";
import type { FittedBaseModel } from "./fit-base-model.ts";

/** When ensemble.gating.regime_features is empty: drift and (log) realised volatility of 1m returns. */
export const DEFAULT_REGIME_FEATURES = ["ret_mean20_1m", "log:ret_std20_1m"] as const;
const GATEABLE: readonly OutputName[] = ["p_up", "E_r", "q05", "q50", "q95"];

export interface GatingFit {
  gating: RegimeGating;
  json: GatingFileJson;
  /** Gated outputs on the val / test rows (aligned with split.val / split.test), regime_score apart. */
  val: Map<string, Float64Array>;
  test: Map<string, Float64Array>;
  regimeScore: { val: Float64Array; test: Float64Array };
  outputs: OutputName[];
  libraryVersions: Record<string, string>;
  /** For metrics.json: the HMM fit, the gate's weights per state, the regime distribution per split. */
  record: Record<string, unknown>;
}

/** "log:name" → a log observable of column name; "name" → the column as it is. */
function parseObservable(spec: string): { feature: string; transform: Observable["transform"] } {
  return spec.startsWith("log:")
    ? { feature: spec.slice(4), transform: "log" }
    : { feature: spec, transform: "identity" };
}

function standardised(ds: Dataset, spec: string, index: number) {
  const { feature, transform } = parseObservable(spec);
  const j = ds.frame.featureNames.indexOf(feature);
  if (j < 0) {
    throw new ConfigError(
      `ensemble.gating.regime_features[${index}]: ${feature} is not a feature of this run; name feature columns (e.g. ret_std20_1m, "log:ret_std20_1m", vol_regime_1m)`,
      `ensemble.gating.regime_features[${index}]`,
    );
  }
  const col = ds.frame.features[j]!;
  const unit: Observable = { feature, transform, mean: 0, std: 1 };
  let n = 0;
  let sum = 0;
  for (const r of ds.split.train) {
    const v = observe(unit, col[r]!);
    if (Number.isFinite(v)) {
      n++;
      sum += v;
    }
  }
  const mean = n > 0 ? sum / n : 0;
  let ss = 0;
  for (const r of ds.split.train) {
    const v = observe(unit, col[r]!);
    if (Number.isFinite(v)) ss += (v - mean) ** 2;
  }
  const std = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  if (!(std > 0)) {
    throw new ConfigError(
      `ensemble.gating.regime_features[${index}]: ${spec} is constant or missing on the train rows; choose a feature that varies`,
      `ensemble.gating.regime_features[${index}]`,
    );
  }
  const o: Observable = { feature, transform, mean, std };
  return { o, column: col };
}

function gatedOutputs(models: readonly FittedBaseModel[]): OutputName[] {
  const common = GATEABLE.filter((o) => models.every((m) => m.outputs.includes(o)));
  if (!common.includes("p_up") && !common.includes("E_r")) {
    throw new ConfigError(
      "ensemble.gating: the base models share neither p_up nor E_r, so there is nothing to gate; give every base model p_up or E_r",
      "ensemble.gating",
    );
  }
  return common;
}

function pick(src: Float64Array, rows: Int32Array, offset: number): Float64Array {
  return Float64Array.from(rows, (r) => src[r - offset]!);
}

function distribution(probs: readonly Float64Array[], rows: Int32Array, offset: number) {
  const k = probs.length;
  const mean = new Array<number>(k).fill(0);
  const share = new Array<number>(k).fill(0);
  for (const r of rows) {
    let best = 0;
    for (let s = 0; s < k; s++) {
      const p = probs[s]![r - offset]!;
      mean[s]! += p;
      if (p > probs[best]![r - offset]!) best = s;
    }
    share[best]! += 1;
  }
  const n = Math.max(1, rows.length);
  return {
    rows: rows.length,
    mean_probability: mean.map((v) => v / n),
    argmax_share: share.map((v) => v / n),
  };
}

export async function fitGating(
  pool: WorkerPool,
  config: ExperimentConfig,
  ds: Dataset,
  models: readonly FittedBaseModel[],
  report: StageReporter,
): Promise<GatingFit> {
  const g = config.ensemble.gating!;
  const specs = g.regime_features.length > 0 ? g.regime_features : [...DEFAULT_REGIME_FEATURES];
  const observables = specs.map((s, i) => standardised(ds, s, i));
  const volSpec = g.volatility_feature ?? specs[specs.length - 1]!;
  const volIndex = specs.indexOf(volSpec);
  if (volIndex < 0) {
    throw new ConfigError(
      `ensemble.gating.volatility_feature: ${volSpec} is not one of regime_features (${specs.join(", ")})`,
      "ensemble.gating.volatility_feature",
    );
  }
  const outputs = gatedOutputs(models);
  const names = observables.map(({ o }) => (o.transform === "log" ? `log_${o.feature}` : o.feature));

  report(
    "gating",
    `HMM of ${g.n_states} states on ${specs.join(", ")} (${ds.split.train.length} train rows)`,
  );
  const train = observables.map(
    ({ o, column }, j) =>
      [names[j]!, Float64Array.from(ds.split.train, (r) => observe(o, column[r]!))] as const,
  );
  const fit = await pool.estimate({
    estimatorId: "hmm_regime",
    params: {
      n_states: g.n_states,
      covariance_type: g.covariance_type,
      n_iter: g.n_iter,
      tol: g.tol,
      n_init: g.n_init,
      order_by: volIndex,
    },
    seed: config.seed,
    train,
  });
  const k = g.n_states;
  const hmm = GaussianHmm.fromJSON({
    method: "hmm_regime",
    covariance_type: g.covariance_type,
    features: names,
    start_prob: fit.fitted.start_prob,
    transition: fit.fitted.transition,
    means: fit.fitted.means,
    covars: fit.fitted.covars,
    state_scores: Array.from({ length: k }, (_, s) => (s === k - 1 ? 1 : 0)),
  });

  // Filter once over the series, from the first predicted row, exactly as predict and serving do.
  const provisional = RegimeGating.fromJSON({
    format: "mlf-gating",
    format_version: 1,
    method: "hmm_regime",
    observables: observables.map(({ o }) => o),
    volatility_observable: volIndex,
    hmm: hmm.toJSON(),
    gate: {
      method: "softmax_gate",
      models: models.map((m) => m.id),
      logits: Array.from({ length: k }, () => models.map(() => 0)),
    },
    outputs,
    fitted_on: { hmm: "train", gate: "val" },
  });
  const first = ds.warmupBars;
  const probs = provisional.probabilities(ds.frame.features, ds.frame.featureNames, first);
  const at = (rows: Int32Array) => probs.map((p) => pick(p, rows, first));
  const valProbs = at(ds.split.val);
  const testProbs = at(ds.split.test);

  const target = outputs.includes("p_up") ? "p_up" : "E_r";
  const y =
    target === "p_up"
      ? Float64Array.from(ds.split.val, (r) => {
          const l = ds.labels.label[r]!;
          return Number.isNaN(l) ? Number.NaN : l > 0 ? 1 : 0;
        })
      : Float64Array.from(ds.split.val, (r) => ds.labels.ret[r]!);
  report(
    "gating",
    `softmax gate over ${models.map((m) => m.id).join(", ")} on ${ds.split.val.length} val rows (${target})`,
  );
  const gate = fitSoftmaxGate({
    models: models.map((m) => m.id),
    probs: valProbs,
    predictions: models.map((m) => m.val.get(target)!),
    y,
    loss: target === "p_up" ? "log_loss" : "squared_error",
    l2: g.l2,
  });
  const json: GatingFileJson = { ...provisional.json, gate: gate.toJSON() };
  const gating = RegimeGating.fromJSON(json);
  const per = (which: "val" | "test") =>
    Object.fromEntries(models.map((m) => [m.id, Object.fromEntries(m[which])]));
  const val = gating.combine(valProbs, per("val"));
  const test = gating.combine(testProbs, per("test"));
  const split = (v: Record<string, Float64Array>) =>
    new Map(outputs.map((o) => [o, v[o]!] as [string, Float64Array]));
  return {
    gating,
    json,
    val: split(val),
    test: split(test),
    regimeScore: { val: val.regime_score!, test: test.regime_score! },
    outputs,
    libraryVersions: fit.libraryVersions,
    record: {
      method: "hmm_regime",
      observables: json.observables,
      volatility_observable: volIndex,
      // No fit time here: metrics.json is in the bundle, whose checksum must not vary between runs.
      hmm: { fitted_on: "train", worker_metrics: fit.metrics },
      gate: {
        fitted_on: "val",
        loss: target === "p_up" ? "log_loss" : "squared_error",
        models: gate.json.models,
        state_weights: Array.from({ length: k }, (_, s) =>
          Array.from(gate.stateWeights.subarray(s * gate.nModels, (s + 1) * gate.nModels)),
        ),
      },
      regime_score: "filtered probability of the highest-volatility state",
      regime_distribution: {
        train: distribution(probs, ds.split.train, first),
        val: distribution(probs, ds.split.val, first),
        test: distribution(probs, ds.split.test, first),
      },
    },
  };
}
