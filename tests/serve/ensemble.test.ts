/**
 * Ensemble bundles served live: soft voting with E_r and split-conformal `uncertainty` (scaled by the
 * bar's realised volatility), and stacking with a ridge meta-learner, each trained by `mlf train` on
 * synthetic bars; every served output for every bar equals what `mlf predict` writes, bit for bit.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tableFromIPC } from "apache-arrow";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bars } from "../../src/data/bars.ts";
import { loadBars } from "../../src/data/ingest/index.ts";
import { REPO_ROOT } from "../helpers/real-data.ts";
import { barJson, barsJson, removeDir, tempDir } from "./fixtures.ts";
import { testServer } from "./http-client.ts";

const MLF = join(REPO_ROOT, "bin", "mlf.js");
const mlf = (...args: string[]) => execa("node", [MLF, ...args], { reject: false, cwd: REPO_ROOT });

const BASE = `
seed: 5
data: {synth_bars: 24000, synth_seed: 9}
splits: {purge_bars: 60, embargo_bars: 600}
base_models:
  - {name: xgboost, outputs: [p_up, E_r], config: {n_estimators: 20, max_depth: 3, early_stopping_rounds: 10}}
  - {name: lightgbm, outputs: [p_up, E_r], config: {n_estimators: 20, num_leaves: 7, early_stopping_rounds: 10}}
`;

const CONFIGS = {
  voting: `name: vote\nversion: 2.3.0\n${BASE}ensemble: {enabled: true, method: voting}\ninference: {calibrate: [temperature_scaling], uncertainty: {method: split_conformal, coverage: 0.9}}\n`,
  stacking: `name: stack\nversion: 1.0.0\n${BASE}ensemble: {enabled: true, method: stacking, meta_learner: ridge, oof: {n_folds: 3, purge_bars: 60, embargo_bars: 600}}\ninference: {calibrate: [temperature_scaling]}\n`,
};

const dir = tempDir("mlf-serve-ensemble-");
let bars: Bars;

beforeAll(async () => {
  const file = join(dir, "bars.csv");
  const synth = await mlf("data", "synth", "--bars", "24000", "--seed", "9", "--out", file);
  expect(synth.exitCode, synth.stderr).toBe(0);
  bars = (await loadBars(file)).bars;
}, 120_000);

afterAll(() => removeDir(dir));

describe("ensemble bundles served live", () => {
  for (const [kind, config] of Object.entries(CONFIGS)) {
    it(`${kind}: every output of every bar equals mlf predict`, async () => {
      writeFileSync(join(dir, `${kind}.yaml`), config);
      const run = join(dir, kind);
      const train = await mlf("train", "--config", join(dir, `${kind}.yaml`), "--out", run);
      expect(train.exitCode, train.stderr).toBe(0);
      const bundle = join(run, "bundle");
      const out = join(dir, `${kind}.arrow`);
      const pred = await mlf("predict", "--bundle", bundle, "--data", join(dir, "bars.csv"), "--out", out);
      expect(pred.exitCode, pred.stderr).toBe(0);
      const table = tableFromIPC(readFileSync(out));
      const columns = table.schema.fields.map((f) => f.name).filter((n) => n !== "timestamp");
      expect(columns).toEqual(
        kind === "voting"
          ? ["p_up", "E_r", "uncertainty", "uncertainty_lower", "uncertainty_upper"]
          : ["p_up"],
      );
      // Serving answers the manifest's outputs and, like predict, the conformal interval's bounds.
      const names = columns;
      const expected = new Map(names.map((n) => [n, table.getChild(n)!.toArray() as Float64Array]));

      const server = await testServer({ bundle });
      try {
        const { primary } = server.service.current;
        expect(primary.model).toBe("ensemble");
        const route = `/${server.service.routeVersion}`;
        const warmup = primary.warmupBars;
        for (let from = 0; from < warmup; from += 5000) {
          await server.post(`${route}/bars`, { bars: barsJson(bars, from, Math.min(warmup, from + 5000)) });
        }
        for (let i = warmup; i < warmup + 1500; i++) {
          const r = await server.post(`${route}/bars`, { bars: [barJson(bars, i)] });
          expect(r.status).toBe(200);
          expect(r.body.fallback).toBe(false);
          for (const n of names) {
            if (!Object.is(r.body.outputs[n], expected.get(n)![i - warmup])) {
              expect.fail(
                `${kind} bar ${i} ${n}: served ${r.body.outputs[n]}, predict ${expected.get(n)![i - warmup]}`,
              );
            }
          }
        }
        const last = warmup + 1499;
        const w = await server.post(`${route}/predict`, { bars: barsJson(bars, 0, last + 1) });
        for (const n of names) expect(w.body.outputs[n]).toBe(expected.get(n)![last - warmup]);
      } finally {
        await server.close();
      }
    }, 600_000);
  }
});
