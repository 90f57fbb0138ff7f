/** N-HiTS (PyTorch, python-workers/mlf_workers/models/seq/nhits.py), fitted by the shared sequence trainer. */
import { z } from "zod";
import type { ModelEntry } from "../types.ts";
import { size, trainingParams } from "./sequence-params.ts";

const params = z.strictObject({
  ...trainingParams({ eR: true }),
  hidden_size: size(128, 8192),
  layers: size(2, 16),
  /** Stacks; stack i max-pools the input by 2^(stacks-1-i). */
  stacks: size(3, 8),
  blocks_per_stack: size(1, 16),
  horizon_points: size(8, 512),
});

export const nhits: ModelEntry = {
  name: "nhits",
  family: "mlp",
  description: "N-HiTS: N-BEATS blocks with multi-rate input pooling and hierarchical interpolation",
  views: ["window_tensor", "multi_resolution"],
  outputs: ["E_r"],
  causal: true,
  zeroShot: false,
  params,
  fitter: "nhits",
};
