/**
 * Stacking meta-learners: fitted in workers on out-of-fold predictions of the base models, exported to
 * ONNX like every model. Regularisation is bounded as the charter asks: ridge / elastic-net alpha >=
 * 0.1, LightGBM-meta depth <= 3 and <= 100 trees; logistic C <= 10 (alpha = 1/C >= 0.1).
 */
import { z } from "zod";
import type { OutputName } from "./types.ts";

export interface MetaLearnerEntry {
  name: string;
  description: string;
  fitter: string;
  outputs: readonly OutputName[];
  params: z.ZodType<Record<string, unknown>>;
}

export const META_LEARNERS: readonly MetaLearnerEntry[] = [
  {
    name: "ridge",
    description: "L2 linear model of the OOF predictions (p_up clipped into (0, 1)); alpha >= 0.1",
    fitter: "ridge",
    outputs: ["p_up", "E_r"],
    params: z.strictObject({
      alpha: z.number().min(0.1).default(1),
      fit_intercept: z.boolean().default(true),
    }),
  },
  {
    name: "elastic_net",
    description: "L1+L2 linear model of the OOF predictions; alpha >= 0.1",
    fitter: "elastic_net",
    outputs: ["p_up", "E_r"],
    params: z.strictObject({
      alpha: z.number().min(0.1).default(0.1),
      l1_ratio: z.number().min(0).max(1).default(0.5),
      fit_intercept: z.boolean().default(true),
      max_iter: z.int().min(1).max(1_000_000).default(10_000),
      tol: z.number().gt(0).default(1e-6),
    }),
  },
  {
    name: "logistic",
    description: "logistic regression of the OOF predictions; C <= 10",
    fitter: "logistic",
    outputs: ["p_up"],
    params: z.strictObject({
      C: z.number().gt(0).max(10).default(1),
      max_iter: z.int().min(1).max(100_000).default(500),
      tol: z.number().gt(0).default(1e-6),
      class_weight: z.enum(["balanced"]).nullable().default(null),
      standardize: z.boolean().default(false),
    }),
  },
  {
    name: "lightgbm_meta",
    description: "shallow LightGBM on the OOF predictions; depth <= 3, <= 100 trees",
    fitter: "lightgbm",
    outputs: ["p_up", "E_r"],
    params: z.strictObject({
      n_estimators: z.int().min(1).max(100).default(100),
      learning_rate: z.number().gt(0).max(1).default(0.05),
      num_leaves: z.int().min(2).max(8).default(7),
      max_depth: z.int().min(1).max(3).default(3),
      min_child_samples: z.int().min(1).default(100),
      subsample: z.number().gt(0).max(1).default(1),
      subsample_freq: z.int().min(0).default(0),
      colsample_bytree: z.number().gt(0).max(1).default(1),
      reg_alpha: z.number().min(0).default(0),
      reg_lambda: z.number().min(0).default(1),
      max_bin: z.int().min(2).max(65_535).default(255),
      early_stopping_rounds: z.int().min(0).default(20),
      num_threads: z.int().min(1).max(256).default(2),
      e_r_objective: z.enum(["huber", "l2"]).default("huber"),
      huber_delta: z.number().gt(0).nullable().default(null),
    }),
  },
];
