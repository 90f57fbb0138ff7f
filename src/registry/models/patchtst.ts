/** PatchTST (PyTorch, python-workers/mlf_workers/models/seq/patchtst.py), fitted by the shared sequence trainer. */
import { z } from "zod";
import type { ModelEntry } from "../types.ts";
import { dropout, size, trainingParams } from "./sequence-params.ts";

const params = z.strictObject({
  ...trainingParams({ eR: true }),
  patch_length: size(16, 1024),
  stride: size(8, 1024),
  d_model: size(64, 2048),
  n_heads: size(4, 64),
  n_layers: size(2, 24),
  d_ff: size(128, 8192),
  dropout: dropout(),
  /** Causal mask over patches (a patch attends to patches ending no later). */
  causal: z.boolean().default(true),
});

export const patchtst: ModelEntry = {
  name: "patchtst",
  family: "transformer",
  description: "PatchTST: patches, channel independence, transformer with a causal mask over patches",
  views: ["window_tensor", "multi_resolution"],
  outputs: ["p_up", "E_r", "q05", "q50", "q95"],
  causal: true,
  zeroShot: false,
  params,
  fitter: "patchtst",
};
