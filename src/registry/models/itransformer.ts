/** iTransformer (PyTorch, python-workers/mlf_workers/models/seq/itransformer.py), fitted by the shared sequence trainer. */
import { z } from "zod";
import type { ModelEntry } from "../types.ts";
import { dropout, size, trainingParams } from "./sequence-params.ts";

const params = z.strictObject({
  ...trainingParams({ eR: true }),
  d_model: size(64, 2048),
  n_heads: size(4, 64),
  n_layers: size(2, 24),
  d_ff: size(128, 8192),
  dropout: dropout(),
});

export const itransformer: ModelEntry = {
  name: "itransformer",
  family: "transformer",
  description: "iTransformer: each feature's window is one token, attention across variables",
  views: ["window_tensor", "multi_resolution"],
  outputs: ["p_up", "E_r"],
  causal: true,
  zeroShot: false,
  params,
  fitter: "itransformer",
};
