/**
 * A softmax gate: regime-conditional weights over the base models.
 *
 * Each regime (HMM state) k has logits z_k over the M models and weights w_k = softmax(z_k). At row t
 * the gate mixes them by the FILTERED state probabilities: g_t = Σ_k p_t(k)·w_k, so g_t ≥ 0 and
 * Σ_m g_t(m) = 1 whenever Σ_k p_t(k) = 1 (a convex combination of points of the simplex). The gated
 * prediction is Σ_m g_t(m)·pred_m(t) (p_up or E_r). NaN probabilities (filter warm-up) give NaN weights.
 *
 * Fitting (`fitSoftmaxGate`) on rows the models did not train on (OOF or validation predictions):
 * minimise the mean log loss (p_up) or squared error (E_r) of the gated prediction plus l2·Σ z², by
 * full-batch gradient descent from z = 0 (equal weights) with a backtracking (Armijo) step: no RNG, so
 * deterministic. The l2 term also pins the softmax's free constant (min-norm logits).
 * JSON: `{ "method": "softmax_gate", "models": [...], "logits": [[...] per state] }`.
 */
import { z } from "zod";
import { BundleError, DataError } from "../../core/errors.ts";

const finite = z.number().refine(Number.isFinite, "must be finite");

export const SoftmaxGateJsonSchema = z
  .strictObject({
    method: z.literal("softmax_gate"),
    /** Base model ids, in the order of the logits' columns. */
    models: z.array(z.string().min(1)).min(1),
    /** [K states][M models]. */
    logits: z.array(z.array(finite)).min(1),
  })
  .superRefine((v, ctx) => {
    v.logits.forEach((row, k) => {
      if (row.length !== v.models.length) {
        ctx.addIssue({
          code: "custom",
          path: ["logits", k],
          message: `must have ${v.models.length} entries`,
        });
      }
    });
  });
export type SoftmaxGateJson = z.infer<typeof SoftmaxGateJsonSchema>;

function softmaxRow(z: readonly number[], out: Float64Array): void {
  let m = Number.NEGATIVE_INFINITY;
  for (const v of z) if (v > m) m = v;
  let s = 0;
  for (let j = 0; j < z.length; j++) {
    out[j] = Math.exp(z[j] - m);
    s += out[j];
  }
  for (let j = 0; j < z.length; j++) out[j] /= s;
}

export class SoftmaxGate {
  readonly nStates: number;
  readonly nModels: number;
  /** w_k = softmax(z_k), row-major [K][M]. */
  readonly stateWeights: Float64Array;

  private constructor(readonly json: SoftmaxGateJson) {
    this.nStates = json.logits.length;
    this.nModels = json.models.length;
    this.stateWeights = new Float64Array(this.nStates * this.nModels);
    json.logits.forEach((row, k) => {
      softmaxRow(row, this.stateWeights.subarray(k * this.nModels, (k + 1) * this.nModels));
    });
  }

  static fromJSON(json: unknown): SoftmaxGate {
    const parsed = SoftmaxGateJsonSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new BundleError(
        `gating softmax_gate: ${issue.path.join(".") || "(root)"}: ${issue.message}; refit the gate or restore its JSON`,
      );
    }
    return new SoftmaxGate(parsed.data);
  }

  toJSON(): SoftmaxGateJson {
    return structuredClone(this.json);
  }

  /** Per model, its weight at each row: g_t(m) = Σ_k p_t(k)·w_k(m). `probs` = one column per state. */
  weights(probs: readonly Float64Array[]): Float64Array[] {
    if (probs.length !== this.nStates) {
      throw new DataError(
        `softmax gate: ${probs.length} state probability columns for a gate of ${this.nStates} states`,
      );
    }
    const rows = probs[0].length;
    const out = Array.from({ length: this.nModels }, () => new Float64Array(rows));
    for (let t = 0; t < rows; t++) {
      for (let m = 0; m < this.nModels; m++) {
        let g = 0;
        for (let k = 0; k < this.nStates; k++) g += probs[k][t] * this.stateWeights[k * this.nModels + m];
        out[m][t] = g;
      }
    }
    return out;
  }

  /** Σ_m g_t(m)·pred_m(t): the gated prediction; `predictions` in the order of `models`. */
  combine(probs: readonly Float64Array[], predictions: readonly Float64Array[]): Float64Array {
    if (predictions.length !== this.nModels) {
      throw new DataError(
        `softmax gate: ${predictions.length} prediction columns for ${this.nModels} models`,
      );
    }
    const g = this.weights(probs);
    const rows = g[0].length;
    const out = new Float64Array(rows);
    for (let t = 0; t < rows; t++) {
      let s = 0;
      for (let m = 0; m < this.nModels; m++) s += g[m][t] * predictions[m][t];
      out[t] = s;
    }
    return out;
  }
}

export interface SoftmaxGateFitInput {
  /** Model ids, in the order of `predictions`. */
  readonly models: readonly string[];
  /** Filtered state probabilities, one column per state. */
  readonly probs: readonly Float64Array[];
  /** Each model's predictions on the same rows (not trained on them). */
  readonly predictions: readonly Float64Array[];
  /** Outcome: 0/1 for log_loss, the realised return for squared_error. */
  readonly y: Float64Array;
  readonly loss: "log_loss" | "squared_error";
  /** Ridge penalty on the logits (default 1e-3). */
  readonly l2?: number;
  /** Gradient steps (default 300). */
  readonly iterations?: number;
}

const LOGLOSS_CLIP = 1e-12;

export function fitSoftmaxGate(input: SoftmaxGateFitInput): SoftmaxGate {
  const kStates = input.probs.length;
  const mModels = input.predictions.length;
  if (kStates < 1 || mModels < 1 || input.models.length !== mModels) {
    throw new DataError(
      `softmax gate fit: ${kStates} state columns, ${mModels} prediction columns, ${input.models.length} model ids`,
    );
  }
  const l2 = input.l2 ?? 1e-3;
  const iterations = input.iterations ?? 300;
  if (!(l2 >= 0) || !Number.isInteger(iterations) || iterations < 0) {
    throw new DataError("softmax gate fit: l2 must be ≥ 0 and iterations a whole number ≥ 0");
  }
  const n = input.y.length;
  for (const c of [...input.probs, ...input.predictions]) {
    if (c.length !== n) throw new DataError(`softmax gate fit: a column has ${c.length} rows, y has ${n}`);
  }
  // Usable rows: everything finite.
  const rows: number[] = [];
  for (let t = 0; t < n; t++) {
    let ok = Number.isFinite(input.y[t]);
    for (const c of input.probs) ok &&= Number.isFinite(c[t]);
    for (const c of input.predictions) ok &&= Number.isFinite(c[t]);
    if (ok && input.loss === "log_loss" && input.y[t] !== 0 && input.y[t] !== 1) {
      throw new DataError(`softmax gate fit: y[${t}] is ${input.y[t]}; log_loss needs 0/1 outcomes`);
    }
    if (ok) rows.push(t);
  }
  if (rows.length === 0)
    throw new DataError("softmax gate fit: no row has finite probabilities, predictions and y");

  const size = kStates * mModels;
  const w = new Float64Array(size);
  const s = new Float64Array(kStates);
  const objective = (zs: Float64Array, grad: Float64Array | null): number => {
    for (let k = 0; k < kStates; k++) {
      softmaxRow(
        Array.from(zs.subarray(k * mModels, (k + 1) * mModels)),
        w.subarray(k * mModels, (k + 1) * mModels),
      );
    }
    grad?.fill(0);
    let loss = 0;
    for (const t of rows) {
      let pred = 0;
      for (let k = 0; k < kStates; k++) {
        let sk = 0;
        for (let m = 0; m < mModels; m++) sk += w[k * mModels + m] * input.predictions[m][t];
        s[k] = sk;
        pred += input.probs[k][t] * sk;
      }
      const y = input.y[t];
      let dPred: number;
      if (input.loss === "squared_error") {
        loss += (pred - y) ** 2;
        dPred = 2 * (pred - y);
      } else {
        const q = Math.min(Math.max(pred, LOGLOSS_CLIP), 1 - LOGLOSS_CLIP);
        loss -= y * Math.log(q) + (1 - y) * Math.log1p(-q);
        dPred = pred === q ? (q - y) / (q * (1 - q)) : 0;
      }
      if (grad === null) continue;
      for (let k = 0; k < kStates; k++) {
        const pk = input.probs[k][t] * dPred;
        if (pk === 0) continue;
        for (let m = 0; m < mModels; m++) {
          grad[k * mModels + m] += pk * w[k * mModels + m] * (input.predictions[m][t] - s[k]);
        }
      }
    }
    let penalty = 0;
    for (let j = 0; j < size; j++) penalty += zs[j] * zs[j];
    if (grad !== null) for (let j = 0; j < size; j++) grad[j] = grad[j] / rows.length + 2 * l2 * zs[j];
    return loss / rows.length + l2 * penalty;
  };

  let zs = new Float64Array(size);
  const grad = new Float64Array(size);
  const trial = new Float64Array(size);
  let step = 1;
  let value = objective(zs, grad);
  for (let it = 0; it < iterations; it++) {
    let g2 = 0;
    for (let j = 0; j < size; j++) g2 += grad[j] * grad[j];
    if (g2 < 1e-24) break;
    step *= 2;
    let accepted = false;
    for (let tries = 0; tries < 60; tries++) {
      for (let j = 0; j < size; j++) trial[j] = zs[j] - step * grad[j];
      const v = objective(trial, null);
      if (v <= value - 0.5 * step * g2) {
        zs = Float64Array.from(trial);
        accepted = true;
        break;
      }
      step /= 2;
    }
    if (!accepted) break;
    value = objective(zs, grad);
  }
  return SoftmaxGate.fromJSON({
    method: "softmax_gate",
    models: [...input.models],
    logits: Array.from({ length: kStates }, (_, k) =>
      Array.from(zs.subarray(k * mModels, (k + 1) * mModels)),
    ),
  });
}
