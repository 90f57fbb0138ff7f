/** TCN (PyTorch, python-workers/mlf_workers/models/seq/tcn.py), fitted by the shared sequence trainer. */
import { z } from "zod";
import type { ModelEntry } from "../types.ts";
import { dropout, size, trainingParams } from "./sequence-params.ts";

const params = z.strictObject({
  ...trainingParams({ eR: true }),
  /** Channels of each level; level i has dilation 2^i. */
  num_channels: z.array(z.int().min(1).max(4096)).min(1).max(16).default([32, 32, 32, 32]),
  kernel_size: size(3, 64, 2),
  dropout: dropout(),
});

export const tcn: ModelEntry = {
  name: "tcn",
  family: "cnn",
  description: "Temporal convolutional network: residual blocks of dilated causal convolutions",
  views: ["window_tensor", "multi_resolution"],
  outputs: ["p_up", "E_r"],
  causal: true,
  zeroShot: false,
  params,
  fitter: "tcn",
};
