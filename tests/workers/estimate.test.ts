/**
 * The `estimate` message through a real pool and worker: the regime HMM's parameters come back as
 * float64 numbers identical across two fits of the same rows and seed; an unknown estimator and a bad
 * parameter fail the promise with a WorkerError naming them.
 */
import { describe, expect, it } from "vitest";
import { WorkerError } from "../../src/core/errors.ts";
import { startPool } from "./helpers.ts";

/** Two regimes of (drift, log-vol): 300 calm rows then 300 turbulent ones, deterministic. */
function observables(): Array<readonly [string, Float64Array]> {
  const ret = new Float64Array(600);
  const vol = new Float64Array(600);
  for (let i = 0; i < 600; i++) {
    const wiggle = Math.sin(i * 12.9898) * 0.3;
    ret[i] = wiggle * (i < 300 ? 0.5 : 2);
    vol[i] = (i < 300 ? -1.5 : 1.5) + wiggle;
  }
  return [
    ["ret", ret],
    ["vol", vol],
  ];
}

const PARAMS = { n_states: 2, covariance_type: "diag", n_iter: 50, tol: 1e-4, n_init: 2, order_by: 1 };

describe("WorkerPool.estimate", () => {
  it("returns the fitted HMM as numbers, states ordered calm → turbulent, the same twice", async () => {
    const { pool } = await startPool();
    const a = await pool.estimate({
      estimatorId: "hmm_regime",
      params: PARAMS,
      seed: 3,
      train: observables(),
    });
    const b = await pool.estimate({
      estimatorId: "hmm_regime",
      params: PARAMS,
      seed: 3,
      train: observables(),
    });
    expect(a.fitted).toEqual(b.fitted);
    expect(a.fitted.features).toEqual(["ret", "vol"]);
    const means = a.fitted.means as number[][];
    expect(means[0]![1]!).toBeLessThan(0);
    expect(means[1]![1]!).toBeGreaterThan(0);
    expect(a.metrics.train_rows).toBe(600);
    expect(a.libraryVersions.hmmlearn).toBe("0.3.3");
  }, 120_000);

  it("refuses an unknown estimator and a bad parameter, naming them", async () => {
    const { pool } = await startPool();
    const unknown = pool.estimate({ estimatorId: "markov", params: {}, seed: 3, train: observables() });
    await expect(unknown).rejects.toBeInstanceOf(WorkerError);
    await expect(unknown).rejects.toThrow(/UNKNOWN_MODEL.*markov/);
    const bad = pool.estimate({
      estimatorId: "hmm_regime",
      params: { ...PARAMS, n_states: 1 },
      seed: 3,
      train: observables(),
    });
    await expect(bad).rejects.toThrow(/INVALID_PARAMS.*n_states/);
  }, 120_000);
});
