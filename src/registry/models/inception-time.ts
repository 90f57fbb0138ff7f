/** InceptionTime (PyTorch, python-workers/mlf_workers/models/seq/inception_time.py), fitted by the shared sequence trainer. */
import { z } from "zod";
import type { ModelEntry } from "../types.ts";
import { dropout, size, trainingParams } from "./sequence-params.ts";

const params = z.strictObject({
  ...trainingParams({ eR: true }),
  filters: size(32, 1024),
  bottleneck: size(32, 1024),
  /** Inception modules; a residual shortcut every third. */
  depth: size(6, 30),
  dropout: dropout(),
});

export const inceptionTime: ModelEntry = {
  name: "inception_time",
  family: "cnn",
  description:
    "InceptionTime with causal convolutions (kernels 3, 5, 7 and a max-pool branch), global average pooling",
  views: ["window_tensor", "multi_resolution"],
  outputs: ["p_up", "E_r"],
  causal: true,
  zeroShot: false,
  params,
  fitter: "inception_time",
};
