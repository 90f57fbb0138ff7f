/**
 * Ensemble weights: one per base model, in config order, each finite and ≥ 0, not all 0; normalised to
 * sum to 1. No weights = equal weights.
 */
import { ConfigError } from "../core/errors.ts";

export function normaliseWeights(weights: readonly number[] | undefined, nModels: number): Float64Array {
  if (!Number.isInteger(nModels) || nModels < 1) {
    throw new ConfigError(`an ensemble needs at least one base model, got ${nModels}`, "base_models");
  }
  if (weights === undefined) return new Float64Array(nModels).fill(1 / nModels);
  if (weights.length !== nModels) {
    throw new ConfigError(
      `ensemble.weights has ${weights.length} entries for ${nModels} base models; give one weight per model, in order`,
      "ensemble.weights",
    );
  }
  let sum = 0;
  weights.forEach((w, i) => {
    if (!(Number.isFinite(w) && w >= 0)) {
      throw new ConfigError(
        `ensemble.weights[${i}] is ${w}; weights must be finite and ≥ 0`,
        `ensemble.weights.${i}`,
      );
    }
    sum += w;
  });
  if (!(sum > 0))
    throw new ConfigError(
      "ensemble.weights are all 0; give at least one model a positive weight",
      "ensemble.weights",
    );
  return Float64Array.from(weights, (w) => w / sum);
}
