/**
 * Regime gating as a bundle serves it (gating.json, written by src/train/gating.ts): the observables
 * (feature columns, an optional log, then the train rows' mean and std), the HMM, the softmax gate,
 * and the one piece of state, a RegimeTracker, that batch predict and live serving both advance row by
 * row with the same code, so their `regime_score` and gated outputs agree bit for bit.
 *
 * The tracker starts at the bundle's first predicted row (its warm-up) and carries the filtered state
 * forward. A row whose observation is not finite leaves the filter untouched and keeps the previous
 * row's probabilities (before any observation: the start probabilities), so no output is ever NaN.
 *
 * regime_score = the filtered probability of the last HMM state, which the worker orders by the
 * volatility observable's mean: P(high-volatility regime | bars up to t).
 */
import { z } from "zod";
import { BundleError, DataError } from "../../core/errors.ts";
import { GaussianHmm, HmmFilter } from "./hmm-filter.ts";
import { SoftmaxGate } from "./softmax-gate.ts";

export const GATING_FILE = "gating.json";
/** ln of a volatility at or below this is taken at it: a flat market's zero std stays finite. */
export const LOG_FLOOR = 1e-12;

export const ObservableSchema = z.strictObject({
  feature: z.string().min(1),
  transform: z.enum(["identity", "log"]),
  /** Train rows' mean and std of the transformed value (the observable's scaler). */
  mean: z.number().refine(Number.isFinite, "must be finite"),
  std: z.number().positive(),
});
export type Observable = z.infer<typeof ObservableSchema>;

export const GatingFileSchema = z.strictObject({
  format: z.literal("mlf-gating"),
  format_version: z.literal(1),
  method: z.literal("hmm_regime"),
  observables: z.array(ObservableSchema).min(1),
  /** Index of the volatility observable (the state order and regime_score follow it). */
  volatility_observable: z.int().min(0),
  hmm: z.unknown(),
  /**
   * "gate": a softmax gate replaces soft voting's weights. "meta_features": a stacking ensemble's
   * meta-learner reads the filtered probabilities of states 1 … K−1 as meta-features (regime.p_state<k>).
   */
  use: z.enum(["gate", "meta_features"]),
  /** The softmax gate (use "gate"), else null. */
  gate: z.unknown(),
  /** The gated outputs (each a Σ_m g_t(m)·pred_m), regime_score apart; empty for meta_features. */
  outputs: z.array(z.string().min(1)),
  fitted_on: z.strictObject({ hmm: z.literal("train"), gate: z.enum(["val"]).nullable() }),
});
export type GatingFileJson = z.infer<typeof GatingFileSchema>;

/** One observable's value from a raw (unscaled) feature value. */
export function observe(o: Observable, raw: number): number {
  const v = o.transform === "log" ? Math.log(Math.max(raw, LOG_FLOOR)) : raw;
  return (v - o.mean) / o.std;
}

export class RegimeGating {
  private constructor(
    readonly json: GatingFileJson,
    readonly hmm: GaussianHmm,
    readonly gate: SoftmaxGate | null,
  ) {}

  static fromJSON(raw: unknown, where = GATING_FILE): RegimeGating {
    const parsed = GatingFileSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new BundleError(`${where}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
    }
    const json = parsed.data;
    const hmm = GaussianHmm.fromJSON(json.hmm);
    const gate = json.use === "gate" ? SoftmaxGate.fromJSON(json.gate) : null;
    if (json.use === "gate" && json.outputs.length === 0)
      throw new BundleError(`${where}: outputs: a gate needs at least one output`);
    if (hmm.nFeatures !== json.observables.length || (gate !== null && gate.nStates !== hmm.nStates)) {
      throw new BundleError(
        `${where}: the HMM has ${hmm.nFeatures} features and ${hmm.nStates} states, the file ${json.observables.length} observables and a gate of ${gate?.nStates} states`,
      );
    }
    return new RegimeGating(json, hmm, gate);
  }

  get nStates(): number {
    return this.hmm.nStates;
  }

  /** Column index of each observable in `featureNames`; a DataError naming a missing one. */
  columnsIn(featureNames: readonly string[]): number[] {
    return this.json.observables.map((o) => {
      const j = featureNames.indexOf(o.feature);
      if (j < 0)
        throw new DataError(`gating: observable feature ${o.feature} is not among the bundle's features`);
      return j;
    });
  }

  tracker(): RegimeTracker {
    return new RegimeTracker(this);
  }

  /**
   * Filtered probabilities for rows [first, features[0].length) of raw feature columns: K columns of
   * (length − first) rows, by one tracker, exactly as serving advances it.
   */
  probabilities(
    features: readonly Float32Array[],
    featureNames: readonly string[],
    first: number,
  ): Float64Array[] {
    const cols = this.columnsIn(featureNames).map((j) => features[j]!);
    const n = Math.max(0, (cols[0]?.length ?? 0) - first);
    const out = Array.from({ length: this.nStates }, () => new Float64Array(n));
    const t = this.tracker();
    for (let i = 0; i < n; i++) {
      t.update(cols, first + i);
      for (let k = 0; k < out.length; k++) out[k]![i] = t.probs[k]!;
    }
    return out;
  }

  /** Meta-feature names for stacking: the probabilities of states 1 … K−1 (they sum to 1 with state 0). */
  get metaNames(): string[] {
    return Array.from({ length: this.nStates - 1 }, (_, k) => `p_state${k + 1}`);
  }

  /** The stacking meta-feature columns (buildMetaFeatures' `regime` argument) of the n rows. */
  metaFeatures(probs: readonly Float64Array[]): Record<string, Float64Array> {
    return Object.fromEntries(this.metaNames.map((name, k) => [name, probs[k + 1]!]));
  }

  /** regime_score of the n rows: the filtered probability of the most turbulent state. */
  regimeScore(probs: readonly Float64Array[]): Float64Array {
    return probs[this.nStates - 1]!.slice();
  }

  /** The gated outputs and regime_score from per-model predictions of the same n rows. */
  combine(
    probs: readonly Float64Array[],
    per: Readonly<Record<string, Readonly<Record<string, Float64Array>>>>,
  ): Record<string, Float64Array> {
    const gate = this.gate;
    if (gate === null) throw new BundleError("gating: this bundle's regimes feed stacking, it has no gate");
    const out: Record<string, Float64Array> = {};
    for (const o of this.json.outputs) {
      const preds = gate.json.models.map((m) => {
        const v = per[m]?.[o];
        if (v === undefined) throw new BundleError(`gating: model ${m} produced no ${o}`);
        return v;
      });
      out[o] = gate.combine(probs, preds);
    }
    out.regime_score = this.regimeScore(probs);
    return out;
  }
}

/** The causal filter's state over one series, advanced one row at a time. */
export class RegimeTracker {
  /** P(state k | rows so far): the start probabilities until a finite observation arrives. */
  readonly probs: Float64Array;
  private readonly filter: HmmFilter;
  private readonly x: Float64Array;
  private readonly next: Float64Array;

  constructor(readonly gating: RegimeGating) {
    this.probs = Float64Array.from(gating.hmm.json.start_prob);
    this.filter = new HmmFilter(gating.hmm);
    this.x = new Float64Array(gating.json.observables.length);
    this.next = new Float64Array(gating.nStates);
  }

  /** Observes row r of the observable columns (raw feature values, in observable order). */
  update(columns: readonly ArrayLike<number>[], r: number): void {
    const obs = this.gating.json.observables;
    for (let j = 0; j < obs.length; j++) {
      const v = observe(obs[j]!, columns[j]![r]!);
      if (!Number.isFinite(v)) return;
      this.x[j] = v;
    }
    this.filter.update(this.x, this.next);
    this.probs.set(this.next);
  }

  /** The state as JSON-able numbers (for snapshot checks). */
  digest(): number[] {
    return Array.from(this.probs);
  }
}
