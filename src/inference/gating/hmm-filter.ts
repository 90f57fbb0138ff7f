/**
 * The causal forward filter of a Gaussian HMM (parameters fitted by hmmlearn on train rows in a worker)
 * and the `regime_score` it gives.
 *
 * FILTERED state probabilities P(s_t = k | x_0 … x_t), never the smoothed P(s_t = k | x_0 … x_T) that
 * hmmlearn's predict_proba returns (which reads the future). In log space, per row t:
 *   t = first row:  a_t(k) = ln π_k + ln N(x_t; μ_k, Σ_k)
 *   later rows:     a_t(k) = ln Σ_i exp(a_{t−1}(i) + ln A_ik) + ln N(x_t; μ_k, Σ_k)
 * then a_t is normalised (a_t −= ln Σ_k exp a_t(k)) and p_t(k) = exp a_t(k). Only rows ≤ t are read, so
 * running on data cut at t gives identical probabilities at t (the prefix test). A row with a NaN
 * observation (warm-up, a gap) gives NaN probabilities and is skipped: the filter continues from the
 * last observed row as if the row were absent, like the fit that dropped it.
 *
 * regime_score_t = Σ_k p_t(k)·score_k with `state_scores` from the JSON, default k/(K − 1) (0 for the
 * first state, 1 for the last); the worker orders the states (e.g. by ascending volatility) so the score
 * reads from calm (0) to turbulent (1).
 */
import { z } from "zod";
import { BundleError, DataError } from "../../core/errors.ts";
import { cholesky, diagonalLogDensity, fullLogDensity, type LogDensity, logSumExp } from "./gaussian.ts";

const SUM_TOLERANCE = 1e-6;
const finite = z.number().refine(Number.isFinite, "must be finite");

export const GaussianHmmJsonSchema = z
  .strictObject({
    method: z.literal("hmm_regime"),
    covariance_type: z.enum(["diag", "full"]),
    /** The observation columns, in order (feature names). */
    features: z.array(z.string().min(1)).min(1),
    start_prob: z.array(z.number().min(0).max(1)).min(1),
    transition: z.array(z.array(z.number().min(0).max(1))),
    means: z.array(z.array(finite)),
    /** diag: [K][D] variances; full: [K][D][D] covariance matrices. */
    covars: z.union([z.array(z.array(finite)), z.array(z.array(z.array(finite)))]),
    state_scores: z.array(finite).optional(),
  })
  .superRefine((v, ctx) => {
    const k = v.start_prob.length;
    const d = v.features.length;
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: "custom", path, message });
    const sums = (row: readonly number[]) => Math.abs(row.reduce((a, b) => a + b, 0) - 1) <= SUM_TOLERANCE;
    if (!sums(v.start_prob)) issue(["start_prob"], "must sum to 1");
    if (v.transition.length !== k) issue(["transition"], `must have ${k} rows`);
    v.transition.forEach((row, i) => {
      if (row.length !== k) issue(["transition", i], `must have ${k} entries`);
      else if (!sums(row)) issue(["transition", i], "must sum to 1");
    });
    if (v.means.length !== k) issue(["means"], `must have ${k} rows`);
    v.means.forEach((row, i) => {
      if (row.length !== d) issue(["means", i], `must have ${d} entries (one per feature)`);
    });
    if (v.covars.length !== k) issue(["covars"], `must have ${k} entries`);
    v.covars.forEach((c, i) => {
      if (v.covariance_type === "diag") {
        const row = c as unknown[];
        if (row.length !== d || !row.every((x) => typeof x === "number" && x > 0)) {
          issue(["covars", i], `must be ${d} positive variances`);
        }
      } else {
        const m = c as unknown[];
        const square = m.length === d && m.every((r) => Array.isArray(r) && r.length === d);
        if (!square) {
          issue(["covars", i], `must be a ${d}×${d} matrix`);
          return;
        }
        const s = m as number[][];
        for (let a = 0; a < d; a++) {
          for (let b = 0; b < a; b++) {
            if (Math.abs(s[a][b] - s[b][a]) > 1e-9 * Math.max(1, Math.abs(s[a][b]))) {
              issue(["covars", i], "must be symmetric");
              return;
            }
          }
        }
        if (cholesky(s) === null) issue(["covars", i], "must be positive definite");
      }
    });
    if (v.state_scores !== undefined && v.state_scores.length !== k)
      issue(["state_scores"], `must have ${k} entries`);
  });
export type GaussianHmmJson = z.infer<typeof GaussianHmmJsonSchema>;

/** A validated model ready to filter: log parameters and one log density per state. */
export class GaussianHmm {
  readonly nStates: number;
  readonly nFeatures: number;
  readonly stateScores: Float64Array;
  readonly logStart: Float64Array;
  /** ln A, row-major [from][to]. */
  readonly logTransition: Float64Array;
  readonly logDensity: readonly LogDensity[];

  private constructor(readonly json: GaussianHmmJson) {
    const k = json.start_prob.length;
    this.nStates = k;
    this.nFeatures = json.features.length;
    this.logStart = Float64Array.from(json.start_prob, Math.log);
    this.logTransition = Float64Array.from(json.transition.flat(), Math.log);
    this.stateScores = Float64Array.from(
      json.state_scores ?? Array.from({ length: k }, (_, i) => (k > 1 ? i / (k - 1) : 0)),
    );
    this.logDensity = json.means.map((mean, i) =>
      json.covariance_type === "diag"
        ? diagonalLogDensity(mean, json.covars[i] as number[])
        : fullLogDensity(mean, cholesky(json.covars[i] as number[][])!),
    );
  }

  /** Parses and checks the worker's JSON; a BundleError naming the field otherwise. */
  static fromJSON(json: unknown): GaussianHmm {
    const parsed = GaussianHmmJsonSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new BundleError(
        `gating hmm_regime: ${issue.path.join(".") || "(root)"}: ${issue.message}; refit the regime model or restore its JSON`,
      );
    }
    return new GaussianHmm(parsed.data);
  }

  toJSON(): GaussianHmmJson {
    return structuredClone(this.json);
  }
}

/** Streaming form: one observation at a time, state kept between calls. */
export class HmmFilter {
  readonly #hmm: GaussianHmm;
  readonly #log: Float64Array;
  readonly #next: Float64Array;
  readonly #terms: Float64Array;
  #started = false;

  constructor(hmm: GaussianHmm) {
    this.#hmm = hmm;
    this.#log = new Float64Array(hmm.nStates);
    this.#next = new Float64Array(hmm.nStates);
    this.#terms = new Float64Array(hmm.nStates);
  }

  reset(): void {
    this.#started = false;
  }

  /** True once an observation has been seen since the last reset. */
  get initialized(): boolean {
    return this.#started;
  }

  /** Filtered probabilities after observing x (length D); NaN (state untouched) when x has a NaN. */
  update(x: ArrayLike<number>, out: Float64Array = new Float64Array(this.#hmm.nStates)): Float64Array {
    const hmm = this.#hmm;
    const k = hmm.nStates;
    if (x.length !== hmm.nFeatures) {
      throw new DataError(
        `hmm filter: observation has ${x.length} values, the model has ${hmm.nFeatures} features`,
      );
    }
    for (let j = 0; j < x.length; j++) {
      if (Number.isNaN(x[j])) return out.fill(Number.NaN);
      if (!Number.isFinite(x[j]))
        throw new DataError(`hmm filter: observation value ${x[j]} must be finite or NaN`);
    }
    const a = this.#log;
    const next = this.#next;
    for (let s = 0; s < k; s++) {
      let prior: number;
      if (!this.#started) prior = hmm.logStart[s];
      else {
        for (let i = 0; i < k; i++) this.#terms[i] = a[i] + hmm.logTransition[i * k + s];
        prior = logSumExp(this.#terms);
      }
      next[s] = prior + hmm.logDensity[s](x);
    }
    const norm = logSumExp(next);
    for (let s = 0; s < k; s++) {
      a[s] = next[s] - norm;
      out[s] = Math.exp(a[s]);
    }
    this.#started = true;
    return out;
  }
}

/**
 * Filtered probabilities for every row: one Float64Array per state (length T), from the observation
 * columns in the model's feature order (each of length T, e.g. the feature frame's columns).
 */
export function filterHmm(hmm: GaussianHmm, columns: readonly ArrayLike<number>[]): Float64Array[] {
  if (columns.length !== hmm.nFeatures) {
    throw new DataError(
      `hmm filter: ${columns.length} observation columns for a model of ${hmm.nFeatures} features (${hmm.json.features.join(", ")})`,
    );
  }
  const rows = columns[0].length;
  for (const c of columns) {
    if (c.length !== rows)
      throw new DataError(`hmm filter: observation columns differ in length (${c.length} vs ${rows})`);
  }
  const filter = new HmmFilter(hmm);
  const probs = Array.from({ length: hmm.nStates }, () => new Float64Array(rows));
  const x = new Float64Array(hmm.nFeatures);
  const p = new Float64Array(hmm.nStates);
  for (let t = 0; t < rows; t++) {
    for (let j = 0; j < x.length; j++) x[j] = columns[j][t];
    filter.update(x, p);
    for (let s = 0; s < p.length; s++) probs[s][t] = p[s];
  }
  return probs;
}

/** regime_score_t = Σ_k p_t(k)·score_k; NaN where the probabilities are NaN. */
export function regimeScore(hmm: GaussianHmm, probs: readonly Float64Array[]): Float64Array {
  const rows = probs[0].length;
  const out = new Float64Array(rows);
  for (let t = 0; t < rows; t++) {
    let s = 0;
    for (let k = 0; k < probs.length; k++) s += probs[k][t] * hmm.stateScores[k];
    out[t] = s;
  }
  return out;
}
