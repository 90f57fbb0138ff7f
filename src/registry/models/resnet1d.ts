/** 1D ResNet (PyTorch, python-workers/mlf_workers/models/seq/resnet1d.py), fitted by the shared sequence trainer. */
import { z } from "zod";
import type { ModelEntry } from "../types.ts";
import { dropout, size, trainingParams } from "./sequence-params.ts";

const params = z.strictObject({
  ...trainingParams({ eR: true }),
  filters: size(64, 1024),
  blocks: size(3, 16),
  dropout: dropout(),
});

export const resnet1d: ModelEntry = {
  name: "resnet1d",
  family: "cnn",
  description: "1D ResNet: residual blocks of causal convolutions (kernels 7, 5, 3), global average pooling",
  views: ["window_tensor", "multi_resolution"],
  outputs: ["p_up", "E_r"],
  causal: true,
  zeroShot: false,
  params,
  fitter: "resnet1d",
};
