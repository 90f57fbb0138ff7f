/**
 * The first end-to-end run, as a user runs it, on real TX bars from ../shared/data: `mlf train` fits
 * LightGBM, XGBoost and logistic regression on workers, checks their ONNX graphs in onnxruntime-node,
 * evaluates once on the test split and writes a bundle; `mlf bundle verify` and `mlf predict` use it.
 *
 * Checked here: parity ≤ 1e-5 on p_up (and E_r) for every tabular model, identical bundle checksums
 * from two runs, predictions for every bar past warm-up with no NaN, causality of the whole predict
 * path (predicting on a truncated file gives the same values), and that one changed byte in any
 * bundle file makes verify and predict fail naming that file.
 */
import {
  copyFileSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { gunzipSync } from "node:zlib";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBars } from "../../src/data/ingest/index.ts";
import { REPO_ROOT, realDataPath } from "../helpers/real-data.ts";

const MLF = join(REPO_ROOT, "bin", "mlf.js");
const tx = realDataPath("tx");
const mlf = (...args: string[]) => execa("node", [MLF, ...args], { reject: false, cwd: REPO_ROOT });

const CONFIG = `
name: tx-e2e
version: 1.2.3
symbol: TX
tick_size: 1
seed: 11
labels: {horizon: 30, cost_ticks: 2}
splits: {purge_bars: 60, embargo_bars: 1440}
base_models:
  - name: lightgbm
    outputs: [p_up, E_r]
    config: {n_estimators: 80, learning_rate: 0.1, num_leaves: 15, early_stopping_rounds: 20}
  - name: xgboost
    id: xgb
    outputs: [p_up]
    config: {n_estimators: 60, max_depth: 4, early_stopping_rounds: 20}
  - name: logistic
    outputs: [p_up]
    config: {C: 0.05, max_iter: 300}
inference:
  calibrate: [temperature_scaling]
  uncertainty: {method: split_conformal, coverage: 0.9}
backtest: {cost_ticks: 2, slippage_ticks: 1}
`;

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

describe.skipIf(!tx)("mlf train → bundle → predict on real TX bars", () => {
  let dir: string;
  let runA: string;
  let runB: string;
  // biome-ignore lint/suspicious/noExplicitAny: metrics.json as parsed from the CLI's output; the assertions check its shape
  let metrics: any;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "mlf-e2e-"));
    const config = join(dir, "tx.yaml");
    writeFileSync(config, CONFIG);
    runA = join(dir, "run-a");
    runB = join(dir, "run-b");
    const a = await mlf("train", "--config", config, "--data", tx as string, "--out", runA);
    expect(a.stderr.split("\n").filter((l) => l.startsWith("error"))).toEqual([]);
    expect(a.exitCode).toBe(0);
    const b = await mlf("train", "--config", config, "--data", tx as string, "--out", runB, "--json");
    expect(b.exitCode).toBe(0);
    metrics = JSON.parse(b.stdout);
  }, 600_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the bundle, metrics and logs; metrics name parity per model within 1e-5", () => {
    expect(files(runA)).toEqual([
      "bundle/calibration.json",
      "bundle/config.json",
      "bundle/conformal.json",
      "bundle/drift_reference.json",
      "bundle/manifest.json",
      "bundle/manifest.sha256.json",
      "bundle/metrics.json",
      "bundle/models/lightgbm.onnx",
      "bundle/models/logistic.onnx",
      "bundle/models/xgb.onnx",
      "bundle/preprocessing.json",
      "comparison.json",
      "comparison.md",
      "metrics.json",
      "timings.json",
      "train.log",
    ]);
    for (const id of ["lightgbm", "xgb", "logistic"]) {
      const m = metrics.models[id];
      expect(m.parity.p_up.max_abs_diff).toBeLessThanOrEqual(1e-5);
      expect(m.parity.p_up.rows).toBe(metrics.dataset.split.val + metrics.dataset.split.test);
      expect(m.parity_max_abs_diff).toBeLessThanOrEqual(1e-5);
      const t = metrics.test.models[id];
      expect(t.p_up.n).toBeGreaterThan(1000);
      for (const k of ["auc", "log_loss", "brier", "accuracy"]) expect(Number.isFinite(t.p_up[k])).toBe(true);
      expect(t.backtest.sharpe_annualisation).toMatch(/sqrt\(252\)/);
      expect(t.backtest_by_regime.map((r: { regime: string }) => r.regime)).toEqual(["low", "mid", "high"]);
    }
    expect(metrics.models.lightgbm.parity.E_r.max_abs_diff).toBeLessThanOrEqual(1e-5);
    expect(Number.isFinite(metrics.test.models.lightgbm.E_r.rmse)).toBe(true);
    expect(metrics.test.test_split.test_index_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(metrics.test.test_split.evaluations).toBe(1);
    expect(metrics.dataset.has_volume).toBe(true);
    expect(metrics.served).toMatchObject({ model: "lightgbm", outputs: ["p_up", "E_r", "uncertainty"] });
    // Split conformal (normalised by realised volatility) fitted on val covers the test split's
    // realised returns within 2 points of 90%, with widths that follow the volatility.
    const u = (
      metrics.test as {
        extra?: {
          uncertainty: {
            test_coverage: number;
            test_rows: number;
            width_p10: number;
            width_p90: number;
            width_abs_error_corr: number;
          };
        };
      }
    ).extra!.uncertainty;
    expect(u.test_rows).toBeGreaterThan(1000);
    expect(Math.abs(u.test_coverage - 0.9)).toBeLessThanOrEqual(0.02);
    expect(u.width_p90).toBeGreaterThan(1.5 * u.width_p10);
    expect(u.width_abs_error_corr).toBeGreaterThan(0);
  });

  it("two runs of the same config, data and seed give the same bundle checksum and bytes", async () => {
    const a = JSON.parse(readFileSync(join(runA, "bundle", "manifest.json"), "utf8"));
    const b = JSON.parse(readFileSync(join(runB, "bundle", "manifest.json"), "utf8"));
    expect(a.bundle_checksum).toBe(b.bundle_checksum);
    expect(a.files).toEqual(b.files);
    expect(readFileSync(join(runA, "metrics.json"))).toEqual(readFileSync(join(runB, "metrics.json")));
    const v = await mlf("bundle", "verify", join(runA, "bundle"));
    expect(v.exitCode).toBe(0);
    expect(v.stdout).toContain(a.bundle_checksum);
  });

  it("predict answers for every bar past warm-up, without NaN, causally", async () => {
    const out = join(dir, "pred.csv");
    const r = await mlf(
      "predict",
      "--bundle",
      join(runA, "bundle"),
      "--data",
      tx as string,
      "--out",
      out,
      "--json",
    );
    expect(r.exitCode).toBe(0);
    const summary = JSON.parse(r.stdout);
    const lines = readFileSync(out, "utf8").trimEnd().split("\n");
    // The conformal interval's bounds follow the manifest's outputs (uncertainty = upper − lower).
    expect(lines[0]).toBe("timestamp,p_up,E_r,uncertainty,uncertainty_lower,uncertainty_upper");
    const { bars } = await loadBars(tx as string);
    expect(lines.length - 1).toBe(bars.length - summary.warmup_bars);
    expect(summary.warmup_bars).toBe(metrics.dataset.warmup_bars);
    for (const line of lines.slice(1)) {
      const [, p, e] = line.split(",");
      expect(Number(p)).toBeGreaterThan(0);
      expect(Number(p)).toBeLessThan(1);
      expect(Number.isFinite(Number(e))).toBe(true);
    }
    expect(lines[1]!.split(",")[0]).toBe(new Date(bars.ts[summary.warmup_bars]!).toISOString());

    // The whole predict path is causal: the file cut at bar t gives the same outputs up to t.
    // The file itself cut after bar t, contract column included: the roll handling (adjust_ratio)
    // needs it, and predict restates history at the same rolls from it.
    const cut = join(dir, "tx-cut.csv");
    const t = bars.length - 7_777;
    const text = gunzipSync(readFileSync(tx as string))
      .toString("utf8")
      .split("\n");
    writeFileSync(cut, `${text.slice(0, t + 1).join("\n")}\n`);
    const outCut = join(dir, "pred-cut.arrow");
    expect(
      (await mlf("predict", "--bundle", join(runA, "bundle"), "--data", cut, "--out", outCut)).exitCode,
    ).toBe(0);
    const outCutCsv = join(dir, "pred-cut.csv");
    expect(
      (await mlf("predict", "--bundle", join(runA, "bundle"), "--data", cut, "--out", outCutCsv)).exitCode,
    ).toBe(0);
    const cutLines = readFileSync(outCutCsv, "utf8").trimEnd().split("\n");
    expect(cutLines.length).toBe(t - summary.warmup_bars + 1);
    expect(cutLines).toEqual(lines.slice(0, cutLines.length));
    expect(statSync(outCut).size).toBeGreaterThan(0);
  });

  it("one changed byte in any bundle file: verify and predict fail naming the file", async () => {
    const bundle = join(runA, "bundle");
    for (const file of files(bundle)) {
      const copy = join(dir, "tampered");
      rmSync(copy, { recursive: true, force: true });
      cpSync(bundle, copy, { recursive: true });
      const path = join(copy, file);
      const bytes = readFileSync(path);
      const at = Math.floor(bytes.length / 2);
      bytes[at] = bytes[at]! ^ 0x01;
      writeFileSync(path, bytes);
      const v = await mlf("bundle", "verify", copy);
      expect(v.exitCode, file).not.toBe(0);
      expect(v.stderr, file).toContain(file.split("/").pop());
      const out = join(dir, "never.csv");
      const p = await mlf("predict", "--bundle", copy, "--data", tx as string, "--out", out);
      expect(p.exitCode, file).not.toBe(0);
      expect(p.stderr, file).toContain(file.split("/").pop());
      expect(() => statSync(out)).toThrow();
    }
    copyFileSync(join(bundle, "manifest.json"), join(dir, "untouched.json"));
  });
});
