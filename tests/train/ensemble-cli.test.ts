/**
 * Ensembles end to end on real TX bars: stacking (XGBoost + LightGBM + ridge on purged K-fold OOF
 * predictions) and soft voting, each trained by `mlf train`, reported next to their base models from
 * one run, bundled, verified and served by `mlf predict`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, realDataPath } from "../helpers/real-data.ts";

const MLF = join(REPO_ROOT, "bin", "mlf.js");
const tx = realDataPath("tx");
const mlf = (...args: string[]) => execa("node", [MLF, ...args], { reject: false, cwd: REPO_ROOT });

const BASE = `
symbol: TX
seed: 3
splits: {purge_bars: 60, embargo_bars: 600}
base_models:
  - {name: xgboost, outputs: [p_up], config: {n_estimators: 30, max_depth: 3, early_stopping_rounds: 10}}
  - {name: lightgbm, outputs: [p_up], config: {n_estimators: 30, num_leaves: 7, early_stopping_rounds: 10}}
inference: {calibrate: [isotonic, temperature_scaling]}
`;

describe.skipIf(!tx)("ensembles through mlf train / predict on real TX bars", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "mlf-ensemble-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("stacking: OOF covers every train row once, the ensemble is reported next to its base models and served", async () => {
    const config = join(dir, "stack.yaml");
    writeFileSync(
      config,
      `name: tx-stack\n${BASE}ensemble: {enabled: true, method: stacking, meta_learner: ridge, oof: {n_folds: 3, purge_bars: 60, embargo_bars: 600}}\n`,
    );
    const run = join(dir, "stack");
    const r = await mlf("train", "--config", config, "--data", tx as string, "--out", run, "--json");
    expect(r.stderr.split("\n").filter((l) => l.startsWith("error"))).toEqual([]);
    expect(r.exitCode).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(Object.keys(m.test.models)).toEqual(["xgboost", "lightgbm", "ensemble"]);
    for (const id of ["xgboost", "lightgbm", "ensemble"]) {
      expect(Number.isFinite(m.test.models[id].p_up.auc)).toBe(true);
      expect(m.test.models[id].backtest.bars).toBe(m.test.models.xgboost.backtest.bars);
    }
    expect(m.served).toMatchObject({ model: "ensemble", outputs: ["p_up"] });
    const oof = m.ensemble.record.oof;
    expect(oof).toMatchObject({
      folds: 3,
      samples: m.dataset.split.train,
      predicted: m.dataset.split.train,
      not_tested: 0,
    });
    expect(m.ensemble.meta_learner).toBe("ridge");
    expect(m.ensemble.parity_max_abs_diff).toBeLessThanOrEqual(1e-5);
    for (const d of Object.values(m.ensemble.record.oof_fold_parity_max_abs_diff))
      expect(d).toBeLessThanOrEqual(1e-5);
    expect(m.ensemble.calibration.methods).toEqual(["isotonic", "temperature_scaling"]);

    expect((await mlf("bundle", "verify", join(run, "bundle"))).exitCode).toBe(0);
    const ensembleJson = JSON.parse(readFileSync(join(run, "bundle", "ensemble.json"), "utf8"));
    expect(ensembleJson.plan.columns.map((c: { name: string }) => c.name)).toEqual([
      "xgboost.p_up",
      "lightgbm.p_up",
    ]);
    const out = join(dir, "stack.csv");
    const p = await mlf(
      "predict",
      "--bundle",
      join(run, "bundle"),
      "--data",
      tx as string,
      "--out",
      out,
      "--json",
    );
    expect(p.exitCode).toBe(0);
    expect(JSON.parse(p.stdout).bundle.model).toBe("ensemble");
    const lines = readFileSync(out, "utf8").trimEnd().split("\n");
    expect(lines[0]).toBe("timestamp,p_up");
    for (const line of lines.slice(1)) {
      const v = Number(line.split(",")[1]);
      expect(v > 0 && v < 1).toBe(true);
    }
  }, 600_000);

  it("soft voting: the ensemble is served and evaluated next to its base models", async () => {
    const config = join(dir, "vote.yaml");
    writeFileSync(
      config,
      `name: tx-vote\n${BASE}ensemble: {enabled: true, method: voting, voting_type: soft, weights: [1, 3]}\n`,
    );
    const run = join(dir, "vote");
    const r = await mlf("train", "--config", config, "--data", tx as string, "--out", run, "--json");
    expect(r.exitCode).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(Object.keys(m.test.models)).toEqual(["xgboost", "lightgbm", "ensemble"]);
    expect(m.ensemble).toMatchObject({ method: "voting", outputs: ["p_up"] });
    const spec = JSON.parse(readFileSync(join(run, "bundle", "ensemble.json"), "utf8"));
    expect(spec).toMatchObject({ method: "voting", voting_type: "soft", weights: [1, 3] });
    const out = join(dir, "vote.arrow");
    expect(
      (await mlf("predict", "--bundle", join(run, "bundle"), "--data", tx as string, "--out", out)).exitCode,
    ).toBe(0);
  }, 600_000);
});
