/**
 * The sanity proof of purged cross-validation (NOTES.md): on a target nothing can predict, naive
 * shuffled K-fold reports skill while purged K-fold does not.
 *
 * Labels are the sign of the sum of the next h noise draws, so neighbouring samples share most of their
 * label (overlapping windows) and no feature can know it. The features are a 3-D random walk built from
 * independent noise: autocorrelated, uninformative, and transient, so a sample's nearest neighbours in
 * feature space are its neighbours in time. Under a shuffled split those neighbours sit in the training
 * set with nearly the same label, and a k-NN model "predicts" well above chance. Under purged K-fold the
 * test fold's neighbours in time are test rows or purged, and the accuracy falls to chance.
 */
import { describe, expect, it } from "vitest";
import {
  assembleOof,
  type CvSamples,
  checkFoldIsolation,
  type Fold,
  FoldIsolationError,
  purgedKFold,
} from "../../src/cv/index.ts";
import { Xoshiro128 } from "../../src/data/synth/prng.ts";

const N = 12_000;
const H = 10;
const D = 3;
const K_NEIGHBOURS = 5;

function unpredictable(seed: number) {
  const rng = new Xoshiro128(seed);
  const noise = Float64Array.from({ length: N }, () => rng.normal());
  const x = new Float64Array(N * D);
  for (let t = 0; t < N; t++) {
    for (let d = 0; d < D; d++) x[t * D + d] = (t > 0 ? x[(t - 1) * D + d] : 0) + rng.normal();
  }
  const y = new Float64Array(N).fill(Number.NaN);
  const t1Index = new Int32Array(N).fill(-1);
  for (let t = 0; t + H < N; t++) {
    let sum = 0;
    for (let j = t + 1; j <= t + H; j++) sum += noise[j];
    y[t] = sum > 0 ? 1 : 0;
    t1Index[t] = t + H;
  }
  const rows = Int32Array.from({ length: N - H }, (_, i) => i);
  return { samples: { rows, t1Index, n: N } satisfies CvSamples, x, y };
}

/** k-NN (Euclidean, majority of K_NEIGHBOURS) trained on `train`, predicting P(up) for `test`. */
function knn(x: Float64Array, y: Float64Array, fold: Fold): Float64Array {
  const out = new Float64Array(fold.test.length);
  const bestD = new Float64Array(K_NEIGHBOURS);
  const bestY = new Float64Array(K_NEIGHBOURS);
  fold.test.forEach((q, i) => {
    bestD.fill(Number.POSITIVE_INFINITY);
    for (const r of fold.train) {
      let d2 = 0;
      for (let d = 0; d < D; d++) d2 += (x[q * D + d] - x[r * D + d]) ** 2;
      if (d2 >= bestD[K_NEIGHBOURS - 1]) continue;
      let j = K_NEIGHBOURS - 1;
      while (j > 0 && bestD[j - 1] > d2) {
        bestD[j] = bestD[j - 1];
        bestY[j] = bestY[j - 1];
        j--;
      }
      bestD[j] = d2;
      bestY[j] = y[r];
    }
    out[i] = bestY.reduce((a, b) => a + b, 0) / K_NEIGHBOURS;
  });
  return out;
}

/** Naive K-fold after a seeded Fisher–Yates shuffle: what the purged splitter exists to prevent. */
function shuffledKFold(rows: Int32Array, k: number, seed: number): Fold[] {
  const rng = new Xoshiro128(seed);
  const order = Array.from(rows);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.nextUint32() % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return Array.from({ length: k }, (_, f) => {
    const test = order.slice(Math.floor((f * order.length) / k), Math.floor(((f + 1) * order.length) / k));
    const inTest = new Set(test);
    return {
      test: Int32Array.from(test).sort(),
      train: Int32Array.from(order.filter((r) => !inTest.has(r))).sort(),
    };
  });
}

function accuracy(folds: readonly Fold[], x: Float64Array, y: Float64Array): number {
  let hits = 0;
  let total = 0;
  for (const fold of folds) {
    const p = knn(x, y, fold);
    fold.test.forEach((r, i) => {
      hits += (p[i] >= 0.5 ? 1 : 0) === y[r] ? 1 : 0;
      total++;
    });
  }
  return hits / total;
}

describe("leakage sanity proof: an unpredictable target", () => {
  const { samples, x, y } = unpredictable(2026);
  const iso = { purgeBars: 0, embargoBars: H };

  it("shuffled K-fold scores clearly above chance; purged K-fold does not", async () => {
    const shuffled = accuracy(shuffledKFold(samples.rows, 5, 1), x, y);
    const { folds } = purgedKFold(samples, { nFolds: 5, ...iso });
    const oof = await assembleOof(samples, folds, (f) => ({ p_up: knn(x, y, f) }), {
      outputs: ["p_up"],
      isolation: iso,
    });
    let hits = 0;
    samples.rows.forEach((r, i) => {
      hits += (oof.predictions.p_up[i] >= 0.5 ? 1 : 0) === y[r] ? 1 : 0;
    });
    const purged = hits / samples.rows.length;
    // Measured: shuffled 0.740, purged 0.487. ≈ 1,200 independent labels (12,000 samples / h = 10):
    // chance is 0.5 ± 0.015 (1 sd).
    expect(shuffled).toBeGreaterThan(0.65);
    expect(Math.abs(purged - 0.5)).toBeLessThan(0.05);
  });

  it("the fold isolation check refuses the shuffled folds outright", () => {
    expect(() => checkFoldIsolation(samples, shuffledKFold(samples.rows, 5, 1), iso)).toThrow(
      FoldIsolationError,
    );
  });
});
