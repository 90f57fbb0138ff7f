/**
 * The regime-gating stage of a run (ensemble.gating, docs/ensembles.md "Regime gating"):
 *
 * 1. Observables: feature columns (default ret_mean20_1m and ln ret_std20_1m), each standardised by
 *    the mean and std of its train rows.
 * 2. A Gaussian HMM fitted in a worker (hmmlearn, `estimate` message) on the train rows only; states
 *    ordered by the volatility observable's mean, so the last state is the turbulent regime.
 * 3. The causal forward filter run over the whole series from the first predicted row (the same
 *    RegimeTracker predict and serving run), giving filtered state probabilities at every row.
 * 4. With soft voting: a softmax gate (per-state weights over the base models) fitted on the
 *    validation split (the base models were fitted on train and never saw it; test is never read)
 *    replaces the fixed weights. With stacking: no gate; the probabilities of states 1 … K−1 are
 *    meta-features of the meta-learner, fitted on the OOF rows like the rest of its inputs.
 *
 * regime_score is the filtered probability of the last (most turbulent) state.
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

/** What gating adds to a run, whichever ensemble it serves. */
export interface RegimeOutcome {
  gating: RegimeGating;
  /** gating.json. */
  json: GatingFileJson;
  regimeScore: { val: Float64Array; test: Float64Array };
  libraryVersions: Record<string, string>;
  /** For metrics.json: the HMM fit, the gate's weights per state, the regime distribution per split. */
  record: Record<string, unknown>;
}

/** Soft voting's gate: the gated outputs on the val / test rows (aligned with split.val / split.test). */
export interface GatingFit extends RegimeOutcome {
  val: Map<string, Float64Array>;
  test: Map<string, Float64Array>;
  outputs: OutputName[];
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

/** The HMM fitted on train rows and filtered over the series: what both uses of gating start from. */
export interface RegimeFit {
  /** gating.json without a gate (use "meta_features"); fitGate adds one. */
  base: RegimeGating;
  /** Filtered probabilities, K columns over rows [first, length). */
  probs: Float64Array[];
  first: number;
  workerMetrics: Record<string, number>;
  libraryVersions: Record<string, string>;
}

/** The K probability columns at `rows` (positions in the series). */
export function regimeAt(fit: RegimeFit, rows: Int32Array): Float64Array[] {
  return fit.probs.map((p) => pick(p, rows, fit.first));
}

export async function fitRegimeHmm(
  pool: WorkerPool,
  config: ExperimentConfig,
  ds: Dataset,
  report: StageReporter,
): Promise<RegimeFit> {
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
  const base = RegimeGating.fromJSON({
    format: "mlf-gating",
    format_version: 1,
    method: "hmm_regime",
    observables: observables.map(({ o }) => o),
    volatility_observable: volIndex,
    hmm: hmm.toJSON(),
    use: "meta_features",
    gate: null,
    outputs: [],
    fitted_on: { hmm: "train", gate: null },
  });
  // Filter once over the series, from the first predicted row, exactly as predict and serving do.
  // The bundle's first predicted row (manifest warmup_bars: feature warm-up + the longest window − 1),
  // where predict and serving start their trackers too.
  const first = ds.sampleStart;
  const probs = base.probabilities(ds.frame.features, ds.frame.featureNames, first);
  return { base, probs, first, workerMetrics: fit.metrics, libraryVersions: fit.libraryVersions };
}

/** metrics.json's `ensemble.gating`: the observables, the HMM fit and the regime distribution per split. */
function regimeRecord(fit: RegimeFit, ds: Dataset): Record<string, unknown> {
  return {
    method: "hmm_regime",
    use: fit.base.json.use,
    observables: fit.base.json.observables,
    volatility_observable: fit.base.json.volatility_observable,
    // No fit time here: metrics.json is in the bundle, whose checksum must not vary between runs.
    hmm: { fitted_on: "train", worker_metrics: fit.workerMetrics },
    regime_score: "filtered probability of the highest-volatility state",
    regime_distribution: {
      train: distribution(fit.probs, ds.split.train, fit.first),
      val: distribution(fit.probs, ds.split.val, fit.first),
      test: distribution(fit.probs, ds.split.test, fit.first),
    },
  };
}

/** Stacking: no gate; the meta-learner reads the regime probabilities (gating.json says so). */
export function stackingRegimes(fit: RegimeFit, ds: Dataset): RegimeOutcome {
  return {
    gating: fit.base,
    json: fit.base.json,
    regimeScore: {
      val: fit.base.regimeScore(regimeAt(fit, ds.split.val)),
      test: fit.base.regimeScore(regimeAt(fit, ds.split.test)),
    },
    libraryVersions: fit.libraryVersions,
    record: regimeRecord(fit, ds),
  };
}

/** Soft voting: a softmax gate fitted on the validation split replaces the fixed weights. */
export function fitGate(
  fit: RegimeFit,
  config: ExperimentConfig,
  ds: Dataset,
  models: readonly FittedBaseModel[],
  report: StageReporter,
): GatingFit {
  const g = config.ensemble.gating!;
  const k = fit.base.nStates;
  const outputs = gatedOutputs(models);
  const valProbs = regimeAt(fit, ds.split.val);
  const testProbs = regimeAt(fit, ds.split.test);
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
  const json: GatingFileJson = {
    ...fit.base.json,
    use: "gate",
    gate: gate.toJSON(),
    outputs,
    fitted_on: { hmm: "train", gate: "val" },
  };
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
      ...regimeRecord(fit, ds),
      gate: {
        fitted_on: "val",
        loss: target === "p_up" ? "log_loss" : "squared_error",
        models: gate.json.models,
        state_weights: Array.from({ length: k }, (_, s) =>
          Array.from(gate.stateWeights.subarray(s * gate.nModels, (s + 1) * gate.nModels)),
        ),
      },
    },
  };
}

/** Stacking's regime meta-features: column names and their values at given series rows. */
export function regimeMetaFeatures(fit: RegimeFit) {
  return {
    names: fit.base.metaNames,
    at: (rows: Int32Array) => fit.base.metaFeatures(regimeAt(fit, rows)),
  };
}
