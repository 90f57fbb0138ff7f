/** Synthetic calibration data: p = sigmoid(z), y ~ Bernoulli(sigmoid(z / T0)), so the true temperature is T0. */
import { Xoshiro128 } from "../../../src/data/synth/prng.ts";
import { sigmoid } from "../../../src/inference/calibration/numeric.ts";

export function miscalibrated(n: number, trueTemperature: number, seed: number, zScale = 2) {
  const rng = new Xoshiro128(seed);
  const p = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const z = zScale * rng.normal();
    p[i] = sigmoid(z);
    y[i] = rng.uniform() < sigmoid(z / trueTemperature) ? 1 : 0;
  }
  return { p, y };
}
