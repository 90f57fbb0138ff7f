/**
 * The training parameters every PyTorch sequence model shares (python-workers/.../torch_base/fitter.py
 * `training_params`; names, defaults and bounds must match: tests/registry/registry.test.ts checks them
 * against a real worker's hello), plus small helpers for the per-model schemas.
 */
import { z } from "zod";

/** `eR`: the model fits E_r with a direct head, so E_r's loss is configurable. */
export function trainingParams(opts: { eR: boolean }) {
  const shared = {
    /** Window length L in bars (window_tensor): the fit's input_shape[0] must equal it. */
    seq_len: z.int().min(1).max(100_000).default(60),
    /** Hard cap on epochs; early stopping usually ends sooner. */
    max_epochs: z.int().min(1).max(10_000).default(100),
    batch_size: z.int().min(1).max(65_536).default(256),
    learning_rate: z.number().gt(0).max(1).default(1e-3),
    /** AdamW's decoupled weight decay. */
    weight_decay: z.number().min(0).default(1e-2),
    /** Per-step learning-rate schedule over max_epochs. */
    lr_schedule: z.enum(["cosine", "onecycle", "constant"]).default("cosine"),
    /** Linear warm-up over this fraction of the steps (cosine and onecycle). */
    warmup_fraction: z.number().min(0).max(0.5).default(0),
    /** Epochs without a validation-loss improvement before stopping (0: never); the best epoch is kept. */
    patience: z.int().min(0).max(10_000).default(10),
    min_delta: z.number().min(0).default(0),
    /** Hard cap on training wall time in seconds (the best epoch so far is kept). */
    max_seconds: z.number().gt(0).default(3600),
    /** Gradient-norm clipping (0: none). */
    grad_clip: z.number().min(0).default(1),
    /** Standardize every feature with its train mean and std inside the model (and the ONNX graph). */
    standardize: z.boolean().default(true),
    device: z.enum(["cpu", "cuda", "auto"]).default("cpu"),
    /** torch threads; fixed so that fits are reproducible bit for bit. */
    num_threads: z.int().min(1).max(256).default(1),
  };
  if (!opts.eR) return shared;
  return {
    ...shared,
    e_r_loss: z.enum(["huber", "mse"]).default("huber"),
    /** Huber transition point, in standard deviations of the train forward return. */
    huber_delta: z.number().gt(0).default(1),
  };
}

/** Dropout probability in [0, 1). */
export const dropout = (value = 0.1) => z.number().min(0).lt(1).default(value);

/** A positive integer size with an upper bound. */
export const size = (value: number, high: number, low = 1) => z.int().min(low).max(high).default(value);
