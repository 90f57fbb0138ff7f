/**
 * Regime gating benchmark (issue 6 point 5; results in docs/benchmarks.md, "Regime gating"):
 *
 *   node bin/run-ts.js bench/regime-gating.ts [--data ../shared/data/ES_1m_...csv.gz] [--states 3]
 *        [--n-init 4] [--train-fraction 0.7]
 *
 * Observables from the real bars (not timed): the 1-bar log return and ln of the 20-bar sample std of
 * log returns (what the default regime features ret_mean20_1m / log:ret_std20_1m measure), standardised
 * by the train rows. Timed: (1) the HMM fit in one local Python worker through WorkerPool.estimate on
 * the first `--train-fraction` of the rows (hmmlearn, diag covariances, `--n-init` EM restarts): the
 * worker's fit seconds (import of hmmlearn included on a fresh worker) and the round trip; (2) the
 * TypeScript filter, RegimeTracker.update row by row over every row, as predict and serving run it:
 * rows/s and ns per row (best of 5 passes).
 */
import { cpus, loadavg } from "node:os";
import { resolve } from "node:path";
import { loadBars } from "../src/data/ingest/index.ts";
import { GaussianHmm } from "../src/inference/gating/index.ts";
import { RegimeGating } from "../src/inference/gating/regime-gating.ts";
import { WorkerPool } from "../src/workers/pool.ts";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const data = resolve(arg("data", "../shared/data/ES_1m_20241203_20251215_tv_novol.csv.gz"));
const states = Number(arg("states", "3"));
const nInit = Number(arg("n-init", "4"));
const trainFraction = Number(arg("train-fraction", "0.7"));
const WINDOW = 20;

const { bars } = await loadBars(data);
const n = bars.length;
const ret = new Float64Array(n).fill(Number.NaN);
const vol = new Float64Array(n).fill(Number.NaN);
for (let t = 1; t < n; t++) ret[t] = Math.log(bars.close[t]! / bars.close[t - 1]!);
for (let t = WINDOW; t < n; t++) {
  let s = 0;
  for (let i = t - WINDOW + 1; i <= t; i++) s += ret[i]!;
  const m = s / WINDOW;
  let ss = 0;
  for (let i = t - WINDOW + 1; i <= t; i++) ss += (ret[i]! - m) ** 2;
  vol[t] = Math.log(Math.max(Math.sqrt(ss / (WINDOW - 1)), 1e-12));
}
const first = WINDOW;
const trainEnd = first + Math.floor((n - first) * trainFraction);
const stats = (c: Float64Array) => {
  let s = 0;
  for (let t = first; t < trainEnd; t++) s += c[t]!;
  const mean = s / (trainEnd - first);
  let ss = 0;
  for (let t = first; t < trainEnd; t++) ss += (c[t]! - mean) ** 2;
  return { mean, std: Math.sqrt(ss / (trainEnd - first - 1)) };
};
const rs = stats(ret);
const vs = stats(vol);
const train = [
  ["ret_1", Float64Array.from({ length: trainEnd - first }, (_, i) => (ret[first + i]! - rs.mean) / rs.std)],
  [
    "log_vol20",
    Float64Array.from({ length: trainEnd - first }, (_, i) => (vol[first + i]! - vs.mean) / vs.std),
  ],
] as const;

const pool = await WorkerPool.start({ workers: 1 });
let fit: Awaited<ReturnType<WorkerPool["estimate"]>>;
const t0 = performance.now();
try {
  fit = await pool.estimate({
    estimatorId: "hmm_regime",
    params: { n_states: states, covariance_type: "diag", n_iter: 100, tol: 1e-4, n_init: nInit, order_by: 1 },
    seed: 42,
    train,
    timeoutMs: 3_600_000,
  });
} finally {
  await pool.close();
}
const roundTrip = (performance.now() - t0) / 1000;

const hmm = GaussianHmm.fromJSON({
  method: "hmm_regime",
  covariance_type: "diag",
  features: ["ret_1", "log_vol20"],
  start_prob: fit.fitted.start_prob,
  transition: fit.fitted.transition,
  means: fit.fitted.means,
  covars: fit.fitted.covars,
});
const gating = RegimeGating.fromJSON({
  format: "mlf-gating",
  format_version: 1,
  method: "hmm_regime",
  observables: [
    { feature: "ret_1", transform: "identity", ...rs },
    { feature: "log_vol20", transform: "identity", ...vs },
  ],
  volatility_observable: 1,
  hmm: hmm.toJSON(),
  use: "meta_features",
  gate: null,
  outputs: [],
  fitted_on: { hmm: "train", gate: null },
});
const cols = [ret, vol];
let best = Number.POSITIVE_INFINITY;
let high = 0;
for (let pass = 0; pass < 5; pass++) {
  const tracker = gating.tracker();
  const s = performance.now();
  let h = 0;
  for (let t = first; t < n; t++) {
    tracker.update(cols, t);
    h += tracker.probs[states - 1]!;
  }
  best = Math.min(best, performance.now() - s);
  high = h / (n - first);
}
const rows = n - first;
const result = {
  data,
  rows,
  train_rows: trainEnd - first,
  states,
  n_init: nInit,
  hmm_fit: {
    worker_fit_s: Number(fit.fitSeconds.toFixed(2)),
    round_trip_s: Number(roundTrip.toFixed(2)),
    iterations_best: fit.metrics.iterations,
    converged: fit.metrics.converged,
  },
  filter: {
    rows_per_s: Math.round(rows / (best / 1000)),
    ns_per_row: Number(((best * 1e6) / rows).toFixed(1)),
    mean_regime_score: Number(high.toFixed(4)),
  },
  machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg().map((x) => x.toFixed(2)) },
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
