/** XGBoost (histogram gradient-boosted trees, depth-wise growth): the stable tabular benchmark. */
import { z } from "zod";
import type { ModelEntry } from "../types.ts";

const params = z.strictObject({
  n_estimators: z.int().min(1).max(100_000).default(500),
  learning_rate: z.number().gt(0).max(1).default(0.1),
  max_depth: z.int().min(1).max(64).default(6),
  min_child_weight: z.number().min(0).default(1),
  subsample: z.number().gt(0).max(1).default(1),
  colsample_bytree: z.number().gt(0).max(1).default(1),
  reg_alpha: z.number().min(0).default(0),
  reg_lambda: z.number().min(0).default(1),
  gamma: z.number().min(0).default(0),
  max_bin: z.int().min(2).max(65_535).default(256),
  tree_method: z.enum(["hist", "approx", "exact"]).default("hist"),
  /** Rounds without improvement of the validation loss before stopping (0: never); the best iteration is kept. */
  early_stopping_rounds: z.int().min(0).default(50),
  num_threads: z.int().min(1).max(256).default(2),
  e_r_objective: z.enum(["huber", "l2"]).default("huber"),
  /** Huber transition point for E_r; null: 1.345 × a robust spread of the train returns (the worker's rule). */
  huber_delta: z.number().gt(0).nullable().default(null),
});

export const xgboost: ModelEntry = {
  name: "xgboost",
  family: "boosting",
  description: "XGBoost histogram trees; p_up by binary log loss, E_r by regression on the forward return",
  views: ["feature_matrix"],
  outputs: ["p_up", "E_r"],
  causal: true,
  zeroShot: false,
  params,
  fitter: "xgboost",
};
