/**
 * What every registry entry declares. Registries are the only lists of what a config may name: a
 * model, ensemble, inference component or RL policy that is not registered fails config validation
 * before any work starts.
 */
import type { z } from "zod";

/** Named outputs a bundle can serve; base models produce a subset of the first five. */
export const OUTPUT_NAMES = ["p_up", "E_r", "q05", "q50", "q95", "uncertainty", "regime_score"] as const;
export type OutputName = (typeof OUTPUT_NAMES)[number];

/** Input views of the data pipeline (src/views). */
export const INPUT_VIEWS = ["feature_matrix", "window_tensor", "multi_resolution", "foundation"] as const;
export type InputView = (typeof INPUT_VIEWS)[number];

export type ModelFamily =
  | "boosting"
  | "classical"
  | "rnn"
  | "cnn"
  | "transformer"
  | "probabilistic"
  | "mlp"
  | "foundation";

export interface ModelEntry {
  /** The name a config uses (`base_models[].name`). */
  name: string;
  family: ModelFamily;
  description: string;
  /** Views the model accepts; the first is the default when a config names none. */
  views: readonly InputView[];
  /** Outputs the model can produce; a config asks for a non-empty subset. */
  outputs: readonly OutputName[];
  /** Output at bar t depends on bars <= t only. */
  causal: boolean;
  /** Needs no fitting (foundation models). */
  zeroShot: boolean;
  /** Strict schema of `base_models[].config`, with every default. */
  params: z.ZodType<Record<string, unknown>>;
  /** The worker fitter id (`mlf workers info`) that fits it. */
  fitter: string;
}

export interface EnsembleEntry {
  name: string;
  description: string;
}

export type InferenceKind = "calibration" | "conformal" | "gating";

export interface InferenceEntry {
  name: string;
  kind: InferenceKind;
  description: string;
  /** Outputs the component needs from the models before it. */
  requires: readonly OutputName[];
}

export interface PolicyEntry {
  name: string;
  description: string;
}
