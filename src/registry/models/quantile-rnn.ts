/** Quantile RNN (PyTorch, python-workers/mlf_workers/models/seq/quantile_rnn.py), fitted by the shared sequence trainer. */
import { z } from "zod";
import type { ModelEntry } from "../types.ts";
import { dropout, size, trainingParams } from "./sequence-params.ts";

const params = z.strictObject({
  ...trainingParams({ eR: false }),
  cell: z.enum(["lstm", "gru"]).default("lstm"),
  hidden_size: size(64, 4096),
  num_layers: size(1, 16),
  dropout: dropout(),
});

export const quantileRnn: ModelEntry = {
  name: "quantile_rnn",
  family: "probabilistic",
  description: "Quantile RNN: LSTM or GRU with direct q05/q50/q95 heads (pinball loss, monotone)",
  views: ["window_tensor", "multi_resolution"],
  outputs: ["q05", "q50", "q95"],
  causal: true,
  zeroShot: false,
  params,
  fitter: "quantile_rnn",
};
