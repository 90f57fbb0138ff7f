/** DLinear (PyTorch, python-workers/mlf_workers/models/seq/dlinear.py), fitted by the shared sequence trainer. */
import { z } from "zod";
import type { ModelEntry } from "../types.ts";
import { size, trainingParams } from "./sequence-params.ts";

const params = z.strictObject({
  ...trainingParams({ eR: true }),
  /** Moving-average window (bars) of the trend. */
  kernel_size: size(25, 1001),
  /** One pair of linear maps per feature instead of one shared pair. */
  individual: z.boolean().default(false),
  horizon_points: size(8, 512),
});

export const dlinear: ModelEntry = {
  name: "dlinear",
  family: "mlp",
  description: "DLinear: moving-average decomposition and two linear maps over time",
  views: ["window_tensor", "multi_resolution"],
  outputs: ["E_r"],
  causal: true,
  zeroShot: false,
  params,
  fitter: "dlinear",
};
