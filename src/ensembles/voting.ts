/**
 * Voting and averaging over base models' predictions (rules in compatibility.ts and docs/ensembles.md).
 * Weights come from normaliseWeights (≥ 0, normalised). A row where any model's value is NaN gives NaN:
 * the ensemble never silently drops a model for some rows.
 *
 * - softVote: Σ w_j p_j.
 * - hardVote: each model votes up when p_j ≥ 0.5; output 1 when the up weight exceeds the down weight,
 *   0 when it is below, 0.5 on a tie (|up − down| ≤ 1e-12, so rounding of the weights cannot break a
 *   tie). The result takes only the values 0, 0.5, 1.
 * - averagePoint (E_r): Σ w_j x_j.
 * - averageQuantiles: Σ w_j q_j per level, then the levels sorted per row, so q05 ≤ q50 ≤ q95 holds even
 *   where averaging (or a model's own crossed heads) would break it. Sorting is the monotone
 *   rearrangement of Chernozhukov et al. (2010): it never increases the pinball loss.
 */
import { DataError } from "../core/errors.ts";
import { type BaseModelOutputs, QUANTILE_OUTPUTS, type VotingPlan, votingPlan } from "./compatibility.ts";
import { normaliseWeights } from "./weights.ts";

export const HARD_VOTE_TIE_TOLERANCE = 1e-12;

function checkColumns(what: string, columns: readonly Float64Array[], weights: Float64Array): number {
  if (columns.length === 0) throw new DataError(`${what}: no model predictions given`);
  if (columns.length !== weights.length) {
    throw new DataError(`${what}: ${columns.length} prediction arrays for ${weights.length} weights`);
  }
  const n = columns[0].length;
  columns.forEach((c, j) => {
    if (c.length !== n) throw new DataError(`${what}: model ${j} has ${c.length} rows, model 0 has ${n}`);
  });
  return n;
}

/** Weighted mean per row; NaN where any input is NaN. */
export function averagePoint(columns: readonly Float64Array[], weights?: readonly number[]): Float64Array {
  const w = normaliseWeights(weights, columns.length);
  const n = checkColumns("averagePoint", columns, w);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < columns.length; j++) s += w[j] * columns[j][i];
    out[i] = s;
  }
  return out;
}

/** Weighted mean of p_up (soft voting). */
export function softVote(pUp: readonly Float64Array[], weights?: readonly number[]): Float64Array {
  const out = averagePoint(pUp, weights);
  for (let i = 0; i < out.length; i++) if (out[i] > 1) out[i] = 1; // Σ w = 1 up to rounding
  return out;
}

/** Weighted majority of p_up ≥ 0.5: 1, 0, or 0.5 on a tie; NaN where any p is NaN. */
export function hardVote(pUp: readonly Float64Array[], weights?: readonly number[]): Float64Array {
  const w = normaliseWeights(weights, pUp.length);
  const n = checkColumns("hardVote", pUp, w);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let up = 0;
    let down = 0;
    let nan = false;
    for (let j = 0; j < pUp.length; j++) {
      const p = pUp[j][i];
      if (Number.isNaN(p)) nan = true;
      else if (p >= 0.5) up += w[j];
      else down += w[j];
    }
    out[i] = nan ? Number.NaN : Math.abs(up - down) <= HARD_VOTE_TIE_TOLERANCE ? 0.5 : up > down ? 1 : 0;
  }
  return out;
}

/**
 * Per level, the weighted mean over models; then each row's levels sorted ascending. `models[j]` maps
 * level name (ascending levels, e.g. q05, q50, q95) to that model's predictions.
 */
export function averageQuantiles(
  models: readonly Readonly<Record<string, Float64Array>>[],
  levels: readonly string[],
  weights?: readonly number[],
): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (const level of levels) {
    const cols = models.map((m, j) => {
      const c = Object.hasOwn(m, level) ? m[level] : undefined;
      if (c === undefined) throw new DataError(`averageQuantiles: model ${j} has no ${level} predictions`);
      return c;
    });
    out[level] = averagePoint(cols, weights);
  }
  if (levels.length > 1) {
    const n = out[levels[0]].length;
    const row = new Float64Array(levels.length);
    for (let i = 0; i < n; i++) {
      let nan = false;
      for (let l = 0; l < levels.length; l++) {
        row[l] = out[levels[l]][i];
        if (Number.isNaN(row[l])) nan = true;
      }
      if (nan) {
        for (const level of levels) out[level][i] = Number.NaN;
        continue;
      }
      row.sort();
      for (let l = 0; l < levels.length; l++) out[levels[l]][i] = row[l];
    }
  }
  return out;
}

export interface VotingOptions {
  readonly votingType: "soft" | "hard";
  /** One per model, in the order of `models`; default equal. */
  readonly weights?: readonly number[];
}

/**
 * The voting ensemble's outputs from each model's predictions (keyed by model id, then output name):
 * the plan's outputs only (votingPlan), each combined by its rule.
 */
export function combineVoting(
  models: readonly BaseModelOutputs[],
  predictions: Readonly<Record<string, Readonly<Record<string, Float64Array>>>>,
  options: VotingOptions,
): { plan: VotingPlan; outputs: Record<string, Float64Array> } {
  const plan = votingPlan(models);
  const column = (id: string, output: string): Float64Array => {
    const byOutput = Object.hasOwn(predictions, id) ? predictions[id] : undefined;
    const c = byOutput !== undefined && Object.hasOwn(byOutput, output) ? byOutput[output] : undefined;
    if (c === undefined) throw new DataError(`voting: no ${output} predictions for base model "${id}"`);
    return c;
  };
  const outputs: Record<string, Float64Array> = {};
  if (plan.outputs.includes("p_up")) {
    const cols = models.map((m) => column(m.id, "p_up"));
    outputs.p_up =
      options.votingType === "hard" ? hardVote(cols, options.weights) : softVote(cols, options.weights);
  }
  if (plan.outputs.includes("E_r")) {
    outputs.E_r = averagePoint(
      models.map((m) => column(m.id, "E_r")),
      options.weights,
    );
  }
  const levels = QUANTILE_OUTPUTS.filter((q) => plan.outputs.includes(q));
  if (levels.length > 0) {
    const perModel = models.map((m) => Object.fromEntries(levels.map((q) => [q, column(m.id, q)])));
    Object.assign(outputs, averageQuantiles(perModel, levels, options.weights));
  }
  return { plan, outputs };
}
