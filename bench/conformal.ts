/**
 * Conformal coverage on real data (docs/conformal.md, "Measured on real data"): for each data file and
 * each method, `mlf train` with LightGBM E_r + q05/q50/q95 and `inference.uncertainty: {method, coverage}`,
 * then the test figures from metrics.json (test.extra.uncertainty): coverage, mean width, p10/p90
 * width, correlation of the width with |y − centre| and with realised volatility, the unscaled variant,
 * CQR's raw heads. Coverage is the point here, not time (wall seconds are printed with the load average).
 * Usage: node bin/run-ts.js bench/conformal.ts [--data tx,es] [--methods split_conformal,cqr,jackknife_plus]
 *        [--coverage 0.9] [--dir DIR]
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { REAL_DATA, REPO_ROOT, realDataPath } from "../tests/helpers/real-data.ts";

const { values } = parseArgs({
  options: {
    data: { type: "string", default: "tx,es" },
    methods: { type: "string", default: "split_conformal,cqr,jackknife_plus" },
    coverage: { type: "string", default: "0.9" },
    dir: { type: "string" },
  },
});

const CONTRACT: Record<string, { symbol: string; tick: number }> = {
  tx: { symbol: "TX", tick: 1 },
  es: { symbol: "ES", tick: 0.25 },
  nq: { symbol: "NQ", tick: 0.25 },
};

const config = (data: string, method: string) => `name: ${data}-${method}
version: 1.0.0
symbol: ${CONTRACT[data]!.symbol}
tick_size: ${CONTRACT[data]!.tick}
seed: 11
labels: {horizon: 30, cost_ticks: 2}
splits: {purge_bars: 60, embargo_bars: 1440}
base_models:
  - name: lightgbm
    outputs: [E_r, q05, q50, q95]
    config: {n_estimators: 200, learning_rate: 0.05, num_leaves: 15, colsample_bytree: 0.5, max_bin: 63, early_stopping_rounds: 20}
inference:
  uncertainty: {method: ${method}, coverage: ${values.coverage}}
backtest: {cost_ticks: 2, slippage_ticks: 1}
`;

interface Figures {
  test_coverage: number;
  mean_width: number;
  width_p10: number;
  width_p90: number;
  width_abs_error_corr: number | null;
  width_vol_corr: number | null;
}

const fmt = (f: Figures) =>
  `coverage ${f.test_coverage.toFixed(4)}  width ${f.mean_width.toFixed(5)} (p10 ${f.width_p10.toFixed(5)}, p90 ${f.width_p90.toFixed(5)})  corr|err| ${f.width_abs_error_corr?.toFixed(3) ?? "—"}  corrσ ${f.width_vol_corr?.toFixed(3) ?? "—"}`;

const dir = values.dir ?? mkdtempSync(join(tmpdir(), "mlf-bench-conformal-"));
mkdirSync(dir, { recursive: true });
for (const data of values.data.split(",")) {
  const file = Object.hasOwn(REAL_DATA, data) ? realDataPath(data as keyof typeof REAL_DATA) : undefined;
  if (file === undefined || CONTRACT[data] === undefined) {
    console.log(`${data}: no data file or contract, skipped`);
    continue;
  }
  for (const method of values.methods.split(",")) {
    const cfg = join(dir, `${data}-${method}.yaml`);
    writeFileSync(cfg, config(data, method));
    const run = join(dir, `${data}-${method}`);
    const t0 = performance.now();
    const r = spawnSync(
      "node",
      [join(REPO_ROOT, "bin", "mlf.js"), "train", "--config", cfg, "--data", file, "--out", run],
      { encoding: "utf8", cwd: REPO_ROOT },
    );
    const wall = (performance.now() - t0) / 1000;
    if (r.status !== 0) {
      console.log(`${data} ${method}: train failed\n${r.stderr.split("\n").slice(-5).join("\n")}`);
      continue;
    }
    const m = JSON.parse(readFileSync(join(run, "metrics.json"), "utf8"));
    const u = m.test.extra.uncertainty;
    console.log(
      `${data} ${method}: calibrated on ${u.fitted_on.split} (${u.fitted_on.rows} rows), ${u.test_rows} test rows, wall ${wall.toFixed(0)} s, load ${loadavg()[0]!.toFixed(1)}`,
    );
    console.log(`  scaled    ${fmt(u)}`);
    console.log(`  unscaled  ${fmt(u.unscaled)}`);
    if (u.raw_heads) console.log(`  raw heads ${fmt(u.raw_heads)}`);
  }
}
console.log(`runs in ${dir}`);
