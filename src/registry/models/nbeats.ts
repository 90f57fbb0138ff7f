/** N-BEATS (PyTorch, python-workers/mlf_workers/models/seq/nbeats.py), fitted by the shared sequence trainer. */
import { z } from "zod";
import type { ModelEntry } from "../types.ts";
import { size, trainingParams } from "./sequence-params.ts";

const params = z.strictObject({
  ...trainingParams({ eR: true }),
  hidden_size: size(128, 8192),
  /** Fully connected layers per block. */
  layers: size(2, 16),
  blocks_per_stack: size(2, 16),
  trend_degree: size(3, 8, 0),
  harmonics: size(4, 64),
  /** Points of the forecast vector the E_r head reads. */
  horizon_points: size(8, 512),
});

export const nbeats: ModelEntry = {
  name: "nbeats",
  family: "mlp",
  description: "N-BEATS, interpretable: trend (polynomial) and seasonality (Fourier) stacks, doubly residual",
  views: ["window_tensor", "multi_resolution"],
  outputs: ["E_r"],
  causal: true,
  zeroShot: false,
  params,
  fitter: "nbeats",
};
