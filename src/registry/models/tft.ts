/** Temporal Fusion Transformer (PyTorch, python-workers/mlf_workers/models/seq/tft.py), fitted by the shared sequence trainer. */
import { z } from "zod";
import type { ModelEntry } from "../types.ts";
import { dropout, size, trainingParams } from "./sequence-params.ts";

const params = z.strictObject({
  ...trainingParams({ eR: true }),
  hidden_size: size(32, 1024),
  n_heads: size(4, 64),
  dropout: dropout(),
});

export const tft: ModelEntry = {
  name: "tft",
  family: "transformer",
  description:
    "Temporal Fusion Transformer: variable selection, LSTM, gating, causal interpretable attention",
  views: ["window_tensor", "multi_resolution"],
  outputs: ["p_up", "E_r", "q05", "q50", "q95"],
  causal: true,
  zeroShot: false,
  params,
  fitter: "tft",
};
