/**
 * A window (sequence) model through `mlf train` end to end, next to a tabular one and stacked, on a
 * slice of real TX bars (one contract roll inside): the TCN is fitted by a real worker on window
 * frames, its ONNX graph run in Node reproduces the worker (main fit and every OOF fold), the bundle
 * records each model's view and input shape, `mlf predict` on the file gives exactly the served
 * predictions train computed for the test rows, and a second run gives the same bundle checksum.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatBundleSummary, inspectBundle } from "../../src/bundle/index.ts";
import { loadConfig } from "../../src/config/load.ts";
import { loadBars } from "../../src/data/ingest/index.ts";
import { type TrainSummary, train } from "../../src/train/train.ts";
import { REPO_ROOT, realDataPath } from "../helpers/real-data.ts";

const MLF = join(REPO_ROOT, "bin", "mlf.js");
const tx = realDataPath("tx");
const mlf = (...args: string[]) => execa("node", [MLF, ...args], { reject: false, cwd: REPO_ROOT });

const L = 8;
const CONFIG = `
name: tx-window
version: 1.0.0
symbol: TX
tick_size: 1
seed: 3
features: {families: [momentum, statistics]}
labels: {horizon: 30, cost_ticks: 2}
splits: {purge_bars: 30, embargo_bars: 60}
base_models:
  - {name: lightgbm, outputs: [p_up], config: {n_estimators: 20, num_leaves: 7}}
  - name: tcn
    view: window_tensor
    outputs: [p_up, E_r]
    config: {seq_len: ${L}, num_channels: [4, 4], max_epochs: 2, batch_size: 256}
ensemble: {enabled: true, method: stacking, meta_learner: ridge, oof: {n_folds: 2, purge_bars: 30, embargo_bars: 60}}
inference: {calibrate: [temperature_scaling]}
`;

describe.skipIf(!tx)("a window model in mlf train, stacked with a tabular one, on TX bars", () => {
  let dir: string;
  let data: string;
  let config: string;
  let a: TrainSummary;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "mlf-window-"));
    // 20,000 bars (two weeks, the 2024-11-20 roll inside) keep the run near 20 s on 2 cores.
    const lines = gunzipSync(readFileSync(tx as string))
      .toString("utf8")
      .split("\n");
    data = join(dir, "tx.csv");
    writeFileSync(data, `${lines.slice(0, 20_001).join("\n")}\n`);
    config = join(dir, "tx-window.yaml");
    writeFileSync(config, CONFIG);
    a = await train(loadConfig(config), { dataPath: data, outDir: join(dir, "run-a") });
  }, 300_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("bundles both models with their view and input shape; parity within 1e-5 everywhere", async () => {
    const manifest = JSON.parse(readFileSync(join(a.bundleDir, "manifest.json"), "utf8"));
    const f = manifest.feature_schema.names.length;
    expect(manifest.models.map((m: { name: string }) => m.name)).toEqual([
      "lightgbm",
      "tcn",
      "ensemble_meta",
    ]);
    expect(manifest.models[0]).toMatchObject({ view: "feature_matrix", input_shape: [f] });
    expect(manifest.models[1]).toMatchObject({
      view: "window_tensor",
      input_shape: [L, f],
      input_name: "windows",
    });
    expect(manifest.models[2]).toMatchObject({ view: "feature_matrix", input_shape: [3] });
    const inspected = await inspectBundle(a.bundleDir);
    expect(inspected.models[1]!.input).toEqual({ view: "window_tensor", shape: [L, f] });
    expect(formatBundleSummary(inspected)).toContain(`(reads window_tensor [${L}, ${f}])`);
    const pre = JSON.parse(readFileSync(join(a.bundleDir, "preprocessing.json"), "utf8"));
    // Samples start L−1 bars past the feature warm-up, so every window lies past it.
    expect(manifest.warmup_bars).toBe(pre.warmup_bars + L - 1);
    expect(a.metrics.dataset.split.test).toBeGreaterThan(1000);
    for (const id of ["lightgbm", "tcn"]) {
      expect(a.metrics.models[id]!.parity_max_abs_diff).toBeLessThanOrEqual(1e-5);
      for (const p of Object.values(a.metrics.models[id]!.parity))
        expect(p.rows).toBe(a.metrics.dataset.split.val + a.metrics.dataset.split.test);
    }
    const record = a.metrics.ensemble!.record as {
      oof: { predicted: number; samples: number };
      oof_fold_parity_max_abs_diff: Record<string, number>;
    };
    expect(record.oof.predicted).toBe(record.oof.samples);
    expect(Object.keys(record.oof_fold_parity_max_abs_diff).sort()).toEqual([
      "lightgbm.fold1",
      "lightgbm.fold2",
      "tcn.fold1",
      "tcn.fold2",
    ]);
    for (const d of Object.values(record.oof_fold_parity_max_abs_diff)) expect(d).toBeLessThanOrEqual(1e-5);
    const t = a.metrics.test.models;
    for (const id of ["lightgbm", "tcn", "ensemble"]) {
      expect(t[id]!.p_up!.n).toBe(a.metrics.dataset.split.test);
      expect(Number.isFinite(t[id]!.p_up!.auc)).toBe(true);
    }
    expect(Number.isFinite(t.tcn!.E_r!.pearson)).toBe(true);
  });

  it("mlf predict on the file gives exactly train's served test predictions; a second run the same bundle", async () => {
    const out = join(dir, "pred.csv");
    const p = await mlf("predict", "--bundle", a.bundleDir, "--data", data, "--out", out);
    expect(p.stderr.split("\n").filter((l) => l.startsWith("error"))).toEqual([]);
    expect(p.exitCode).toBe(0);
    const [header, ...rows] = readFileSync(out, "utf8").trim().split("\n");
    expect(header).toBe("timestamp,p_up");
    const byTime = new Map(rows.map((r) => [Date.parse(r.split(",")[0]!), Number(r.split(",")[1])]));
    const { bars } = await loadBars(data);
    const expected = a.testPredictions.outputs.get("p_up")!;
    let compared = 0;
    a.testPredictions.rows.forEach((row, k) => {
      expect(byTime.get(bars.ts[row]!), `test row ${row}`).toBe(expected[k]);
      compared++;
    });
    expect(compared).toBe(a.metrics.dataset.split.test);

    const b = await mlf("train", "--config", config, "--data", data, "--out", join(dir, "run-b"), "--json");
    expect(b.exitCode).toBe(0);
    const manifestB = JSON.parse(readFileSync(join(dir, "run-b", "bundle", "manifest.json"), "utf8"));
    expect(manifestB.bundle_checksum).toBe(a.bundleChecksum);
  }, 300_000);
});
