/** Exchangeable synthetic data for the conformal tests. */
import type { Xoshiro128 } from "../../../src/data/synth/prng.ts";

/** y = 2x + σ(x)·ε with x ~ U(0, 1), σ(x) = 0.1 + x (heteroscedastic); ŷ = 2x (the true mean). */
export function heteroscedastic(n: number, rng: Xoshiro128) {
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const sigma = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.uniform();
    sigma[i] = 0.1 + x[i];
    y[i] = 2 * x[i] + sigma[i] * rng.normal();
  }
  return { x, y, sigma, point: Float64Array.from(x, (v) => 2 * v) };
}

/** Binomial standard deviation of an empirical frequency. */
export const binomialSd = (p: number, trials: number) => Math.sqrt((p * (1 - p)) / trials);
