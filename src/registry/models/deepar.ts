/** DeepAR (PyTorch, python-workers/mlf_workers/models/seq/deepar.py), fitted by the shared sequence trainer. */
import { z } from "zod";
import type { ModelEntry } from "../types.ts";
import { dropout, size, trainingParams } from "./sequence-params.ts";

const params = z.strictObject({
  ...trainingParams({ eR: false }),
  hidden_size: size(64, 4096),
  num_layers: size(2, 16),
  dropout: dropout(),
});

export const deepar: ModelEntry = {
  name: "deepar",
  family: "probabilistic",
  description:
    "DeepAR: unidirectional LSTM with a Gaussian likelihood head; E_r = mean, quantiles of the fitted normal",
  views: ["window_tensor", "multi_resolution"],
  outputs: ["E_r", "q05", "q50", "q95"],
  causal: true,
  zeroShot: false,
  params,
  fitter: "deepar",
};
