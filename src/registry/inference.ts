/** Inference components applied after the models: calibration, conformal intervals, regime gating. */
import type { InferenceEntry } from "./types.ts";

export const INFERENCE_COMPONENTS: readonly InferenceEntry[] = [
  {
    name: "temperature_scaling",
    kind: "calibration",
    description: "p_up = sigmoid(logit(p) / T), T fitted on the validation split by log loss",
    requires: ["p_up"],
  },
  {
    name: "isotonic",
    kind: "calibration",
    description: "monotone step map of p_up fitted on the validation split (pool-adjacent-violators)",
    requires: ["p_up"],
  },
  {
    name: "hmm_regime",
    kind: "gating",
    description:
      "Gaussian HMM (hmmlearn, train rows) filtered causally in TypeScript; soft voting: a softmax gate fitted on the validation split weights the base models per regime; stacking: the regime probabilities are meta-features; regime_score = P(high-volatility state)",
    requires: [],
  },
  {
    name: "split_conformal",
    kind: "conformal",
    description:
      "E_r ± the finite-sample quantile of |residual| on the validation split; uncertainty = width",
    requires: ["E_r"],
  },
  {
    name: "cqr",
    kind: "conformal",
    description:
      "conformalized quantile regression: [q05 − Q·σ, q95 + Q·σ], Q fitted on the validation split; uncertainty = width",
    requires: ["q05", "q95"],
  },
  {
    name: "jackknife_plus",
    kind: "conformal",
    description:
      "CV+ for E_r: K purged-fold refits of the served model, their out-of-fold residuals and fold models in the bundle; uncertainty = width",
    requires: ["E_r"],
  },
];
