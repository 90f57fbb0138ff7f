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
    name: "split_conformal",
    kind: "conformal",
    description:
      "E_r ± the finite-sample quantile of |residual| on the validation split; uncertainty = width",
    requires: ["E_r"],
  },
];
