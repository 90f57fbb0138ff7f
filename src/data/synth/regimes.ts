/**
 * Hidden market regimes of the synthetic generator: a Markov chain over calm, volatile and trending
 * states, stepped once per bar. High stay probabilities give persistent regimes (hundreds of bars);
 * a trending regime draws its direction when it is entered.
 */
import type { Xoshiro128 } from "./prng.ts";

export interface Regime {
  readonly name: "calm" | "volatile" | "trending";
  /** Multiplies the GARCH variance while the regime lasts. */
  readonly varianceScale: number;
  /** Drift per bar in units of the long-run per-bar volatility; the sign is drawn on entry. */
  readonly driftInSigmas: number;
  /** Probability of staying in the regime for one more bar; expected length 1 / (1 - stay). */
  readonly stay: number;
  /** Multiplies volume while the regime lasts. */
  readonly volumeScale: number;
}

export const REGIMES: readonly Regime[] = [
  { name: "calm", varianceScale: 0.45, driftInSigmas: 0, stay: 0.998, volumeScale: 0.8 },
  { name: "volatile", varianceScale: 3.5, driftInSigmas: 0, stay: 0.995, volumeScale: 1.6 },
  { name: "trending", varianceScale: 1.0, driftInSigmas: 0.08, stay: 0.997, volumeScale: 1.15 },
];

/** Current regime index and trend direction. */
export class RegimeChain {
  index = 0;
  direction = 1;

  /** Advances one bar: stay with probability `stay`, else jump to one of the other regimes uniformly. */
  step(rng: Xoshiro128): void {
    const u = rng.uniform();
    const current = REGIMES[this.index]!;
    if (u < current.stay) return;
    // Reuse the leftover of u (uniform on [stay, 1)) to pick the next regime and, if trending, the sign.
    const v = (u - current.stay) / (1 - current.stay);
    const others = REGIMES.length - 1;
    const pick = Math.min(others - 1, Math.floor(v * others));
    this.index = pick >= this.index ? pick + 1 : pick;
    this.direction = rng.uniform() < 0.5 ? -1 : 1;
  }
}
