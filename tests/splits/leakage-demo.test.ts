/**
 * The sanity proof from the purged cross-validation literature, on our labeller and splitter: with a
 * target nothing can predict (labels of a random walk) and a feature that carries no information
 * but drifts slowly in time (here the timestamp itself, the extreme case of a long moving average or
 * a regime level), a 1-nearest-neighbour model looks skilful under a shuffled split — neighbours in
 * feature space are neighbours in time whose label windows overlap — and has no skill under the
 * purged, embargoed chronological split.
 */
import { describe, expect, it } from "vitest";
import type { Bars } from "../../src/data/bars.ts";
import { tripleBarrierLabels } from "../../src/labels/triple-barrier.ts";
import { chronologicalSplit } from "../../src/splits/chronological.ts";

function randomWalk(n: number, seed: number): Bars {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const b = {
    length: n,
    ts: Float64Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 60_000),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: null,
  };
  let c = 4000;
  for (let i = 0; i < n; i++) {
    const o = c;
    c = o + gauss();
    b.open[i] = o;
    b.close[i] = c;
    b.high[i] = Math.max(o, c) + Math.abs(gauss()) * 0.3;
    b.low[i] = Math.min(o, c) - Math.abs(gauss()) * 0.3;
  }
  return b;
}

/** Accuracy of 1-NN on a scalar feature: train rows sorted by feature, binary search per test row. */
function oneNnAccuracy(
  x: Float64Array,
  y: Float64Array,
  train: ArrayLike<number>,
  test: ArrayLike<number>,
): number {
  const tr = Array.from(train).sort((a, b) => x[a] - x[b]);
  const keys = Float64Array.from(tr, (r) => x[r]);
  let hit = 0;
  for (const r of Array.from(test)) {
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] < x[r]) lo = mid + 1;
      else hi = mid;
    }
    const cands = [lo - 1, lo].filter((k) => k >= 0 && k < keys.length);
    const best = cands.reduce((a, b) => (Math.abs(keys[a] - x[r]) <= Math.abs(keys[b] - x[r]) ? a : b));
    if (y[tr[best]] === y[r]) hit++;
  }
  return hit / test.length;
}

describe("leakage sanity proof", () => {
  it("shuffled split: spurious skill; purged chronological split: none", () => {
    const bars = randomWalk(40_000, 3);
    const labels = tripleBarrierLabels(
      bars,
      { k_up: 1, k_down: 1, horizon: 30, cost_ticks: 0, atr_period: 14 },
      0.25,
    );
    const rows = Array.from(labels.t1Index.keys()).filter((i) => labels.t1Index[i] >= 0);
    const x = bars.ts;

    // Shuffled 70/30 (deterministic Fisher–Yates).
    let s = 99;
    const shuffled = [...rows];
    for (let i = shuffled.length - 1; i > 0; i--) {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      const j = s % (i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    const cut = Math.floor(shuffled.length * 0.7);
    const shuffledAcc = oneNnAccuracy(x, labels.label, shuffled.slice(0, cut), shuffled.slice(cut));

    const split = chronologicalSplit(labels, bars.length, {
      train: 0.7,
      val: 0.15,
      test: 0.15,
      purge: 60,
      embargo: 1440,
    });
    const purgedAcc = oneNnAccuracy(x, labels.label, split.train, split.test);

    // Chance: agreement of two independent draws from the label distribution, Σ p².
    const freq = new Map<number, number>();
    for (const r of rows) freq.set(labels.label[r], (freq.get(labels.label[r]) ?? 0) + 1);
    const chance = [...freq.values()].reduce((a, c) => a + (c / rows.length) ** 2, 0);

    expect(shuffledAcc).toBeGreaterThan(chance + 0.15);
    expect(Math.abs(purgedAcc - chance)).toBeLessThan(0.06);
  });
});
