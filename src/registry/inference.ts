/** Inference components applied after the models: calibration, conformal intervals, regime gating. */
import type { InferenceEntry } from "./types.ts";

export const INFERENCE_COMPONENTS: readonly InferenceEntry[] = [
  {
    name: "temperature_scaling",
    kind: "calibration",
    description: "p_up = sigmoid(logit(p) / T), T fitted on the validation split by log loss",
    requires: ["p_up"],
  },
];
