/** LSTM (PyTorch, python-workers/mlf_workers/models/seq/lstm.py), fitted by the shared sequence trainer. */
import { z } from "zod";
import type { ModelEntry } from "../types.ts";
import { dropout, size, trainingParams } from "./sequence-params.ts";

const params = z.strictObject({
  ...trainingParams({ eR: true }),
  hidden_size: size(64, 4096),
  num_layers: size(2, 16),
  dropout: dropout(),
});

export const lstm: ModelEntry = {
  name: "lstm",
  family: "rnn",
  description: "Unidirectional stacked LSTM over the window; the last bar's state feeds the heads",
  views: ["window_tensor", "multi_resolution"],
  outputs: ["p_up", "E_r"],
  causal: true,
  zeroShot: false,
  params,
  fitter: "lstm",
};
