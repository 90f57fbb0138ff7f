/** L2-regularised logistic regression (scikit-learn lbfgs): the classical baseline and meta-learner. */
import { z } from "zod";
import type { ModelEntry } from "../types.ts";

const params = z.strictObject({
  C: z.number().gt(0).default(1),
  max_iter: z.int().min(1).max(100_000).default(200),
  tol: z.number().gt(0).default(1e-4),
  class_weight: z.enum(["balanced"]).nullable().default(null),
  /** A standard scaler fitted on train rows inside the model (travels inside the ONNX graph). */
  standardize: z.boolean().default(true),
});

export const logistic: ModelEntry = {
  name: "logistic",
  family: "classical",
  description: "Logistic regression (lbfgs, L2); p_up only",
  views: ["feature_matrix"],
  outputs: ["p_up"],
  causal: true,
  zeroShot: false,
  params,
  fitter: "logistic",
};
