/** LightGBM (gradient-boosted trees, leaf-wise growth): the fast tabular baseline of charter Config 1. */
import { z } from "zod";
import type { ModelEntry } from "../types.ts";

const params = z
  .strictObject({
    n_estimators: z.int().min(1).max(100_000).default(500),
    learning_rate: z.number().gt(0).max(1).default(0.05),
    num_leaves: z.int().min(2).max(131_072).default(31),
    /** -1: no depth limit. */
    max_depth: z
      .int()
      .min(-1)
      .max(64)
      .refine((v) => v !== 0, "must be -1 (no limit) or >= 1")
      .default(-1),
    min_child_samples: z.int().min(1).default(20),
    subsample: z.number().gt(0).max(1).default(1),
    subsample_freq: z.int().min(0).default(0),
    colsample_bytree: z.number().gt(0).max(1).default(1),
    reg_alpha: z.number().min(0).default(0),
    reg_lambda: z.number().min(0).default(0),
    max_bin: z.int().min(2).max(65_535).default(255),
    /** Rounds without improvement of the validation loss before stopping (0: never); the best iteration is kept. */
    early_stopping_rounds: z.int().min(0).default(50),
    /** Fixed so fits are reproducible bit for bit (LightGBM's deterministic mode depends on it). */
    num_threads: z.int().min(1).max(256).default(2),
    e_r_objective: z.enum(["huber", "l2"]).default("huber"),
    /** Huber transition point for E_r; null: 1.345 × a robust spread of the train returns (the worker's rule). */
    huber_delta: z.number().gt(0).nullable().default(null),
  })
  .refine((p) => p.subsample === 1 || p.subsample_freq > 0, {
    message: "subsample < 1 needs subsample_freq >= 1 (LightGBM ignores bagging otherwise)",
    path: ["subsample"],
  });

export const lightgbm: ModelEntry = {
  name: "lightgbm",
  family: "boosting",
  description:
    "LightGBM gradient-boosted trees; p_up by binary log loss, E_r by regression on the forward return, q05/q50/q95 by pinball loss (sorted per row)",
  views: ["feature_matrix"],
  outputs: ["p_up", "E_r", "q05", "q50", "q95"],
  causal: true,
  zeroShot: false,
  params,
  fitter: "lightgbm",
};
