/**
 * Regime gating end to end on synthetic bars: `mlf train` with soft voting gated by the regime HMM
 * (fitted in a worker on train rows, the gate on val) writes gating.json; training twice gives the
 * same bundle; `mlf predict` writes regime_score in [0, 1] and finite gated outputs for every bar past
 * warm-up, and the same bits on a file cut short (causal end to end); a live stream, fed bar by bar
 * and restored from a snapshot halfway, serves exactly predict's bits for p_up, E_r and regime_score
 * on every bar. With stacking, the regime probabilities are meta-features of the meta-learner (fitted
 * on OOF rows), served the same way.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tableFromIPC } from "apache-arrow";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bars } from "../../src/data/bars.ts";
import { loadBars } from "../../src/data/ingest/index.ts";
import { RegimeGating } from "../../src/inference/gating/regime-gating.ts";
import { decodeSnapshot } from "../../src/serve/snapshot.ts";
import { REPO_ROOT } from "../helpers/real-data.ts";
import { barJson, barsJson, removeDir, tempDir } from "./fixtures.ts";
import { testServer } from "./http-client.ts";

const MLF = join(REPO_ROOT, "bin", "mlf.js");
const mlf = (...args: string[]) => execa("node", [MLF, ...args], { reject: false, cwd: REPO_ROOT });

const CONFIG = `name: gate
version: 1.0.0
seed: 5
data: {synth_bars: 24000, synth_seed: 9}
splits: {purge_bars: 60, embargo_bars: 600}
base_models:
  - {name: xgboost, outputs: [p_up, E_r], config: {n_estimators: 20, max_depth: 3, early_stopping_rounds: 10}}
  - {name: lightgbm, outputs: [p_up, E_r], config: {n_estimators: 20, num_leaves: 7, early_stopping_rounds: 10}}
ensemble: {enabled: true, method: voting, gating: {enabled: true, method: hmm_regime, n_states: 3}}
inference: {calibrate: [temperature_scaling]}
`;

const dir = tempDir("mlf-serve-gating-");
let bars: Bars;
let bundle: string;
let expected: Map<string, Float64Array>;
const NAMES = ["p_up", "E_r", "regime_score"];

beforeAll(async () => {
  const file = join(dir, "bars.csv");
  const synth = await mlf("data", "synth", "--bars", "24000", "--seed", "9", "--out", file);
  expect(synth.exitCode, synth.stderr).toBe(0);
  bars = (await loadBars(file)).bars;
  writeFileSync(join(dir, "gate.yaml"), CONFIG);
}, 120_000);

afterAll(() => removeDir(dir));

describe("regime gating through train, predict and serving", () => {
  it("trains a gated voting ensemble deterministically; gating.json holds the HMM, gate and observables", async () => {
    const a = await mlf("train", "--config", join(dir, "gate.yaml"), "--out", join(dir, "a"), "--json");
    expect(a.exitCode, a.stderr).toBe(0);
    const b = await mlf("train", "--config", join(dir, "gate.yaml"), "--out", join(dir, "b"), "--json");
    expect(b.exitCode, b.stderr).toBe(0);
    bundle = join(dir, "a", "bundle");
    const m = JSON.parse(a.stdout);
    expect(m.served).toMatchObject({ model: "ensemble", outputs: NAMES });
    expect(Object.keys(m.test.models)).toEqual(["xgboost", "lightgbm", "ensemble"]);
    const g = m.ensemble.gating;
    expect(g.gate.fitted_on).toBe("val");
    expect(g.hmm.fitted_on).toBe("train");
    for (const w of g.gate.state_weights) expect(Math.abs(w[0] + w[1] - 1)).toBeLessThan(1e-12);
    for (const split of ["train", "val", "test"]) {
      const d = g.regime_distribution[split];
      expect(Math.abs(d.mean_probability.reduce((x: number, y: number) => x + y, 0) - 1)).toBeLessThan(1e-9);
    }
    const same = (f: string) =>
      expect(readFileSync(join(dir, "b", "bundle", f), "utf8")).toBe(readFileSync(join(bundle, f), "utf8"));
    same("gating.json");
    same("metrics.json");
    const manifest = (run: string) =>
      JSON.parse(readFileSync(join(dir, run, "bundle", "manifest.json"), "utf8"));
    expect(manifest("b").bundle_checksum).toBe(manifest("a").bundle_checksum);
    const gating = RegimeGating.fromJSON(JSON.parse(readFileSync(join(bundle, "gating.json"), "utf8")));
    expect(gating.json.observables.map((o) => [o.feature, o.transform])).toEqual([
      ["ret_mean20_1m", "identity"],
      ["ret_std20_1m", "log"],
    ]);
  }, 600_000);

  it("predict: regime_score in [0, 1] and finite gated outputs on every bar past warm-up", async () => {
    const out = join(dir, "gate.arrow");
    const pred = await mlf("predict", "--bundle", bundle, "--data", join(dir, "bars.csv"), "--out", out);
    expect(pred.exitCode, pred.stderr).toBe(0);
    const table = tableFromIPC(readFileSync(out));
    expect(table.schema.fields.map((f) => f.name)).toEqual(["timestamp", ...NAMES]);
    expected = new Map(NAMES.map((n) => [n, table.getChild(n)!.toArray() as Float64Array]));
    const score = expected.get("regime_score")!;
    let high = 0;
    for (let i = 0; i < score.length; i++) {
      expect(score[i]! >= 0 && score[i]! <= 1).toBe(true);
      if (score[i]! > 0.5) high++;
      for (const n of ["p_up", "E_r"]) expect(Number.isFinite(expected.get(n)![i])).toBe(true);
    }
    // The regimes move: neither always calm nor always turbulent.
    expect(high).toBeGreaterThan(0);
    expect(high).toBeLessThan(score.length);
    // Causal end to end: predicting on the file cut after bar k gives the same bits on bars ≤ k.
    const lines = readFileSync(join(dir, "bars.csv"), "utf8").split("\n");
    const keep = lines.length - 4000;
    writeFileSync(join(dir, "cut.csv"), `${lines.slice(0, keep).join("\n")}\n`);
    const cutOut = join(dir, "cut.arrow");
    const cut = await mlf("predict", "--bundle", bundle, "--data", join(dir, "cut.csv"), "--out", cutOut);
    expect(cut.exitCode, cut.stderr).toBe(0);
    const short = tableFromIPC(readFileSync(cutOut));
    expect(short.numRows).toBeGreaterThan(1000);
    for (const n of NAMES) {
      const a = short.getChild(n)!.toArray() as Float64Array;
      const b = expected.get(n)!;
      for (let i = 0; i < a.length; i++)
        if (!Object.is(a[i], b[i])) expect.fail(`${n} row ${i}: cut ${a[i]}, full ${b[i]}`);
    }
  }, 300_000);

  it("serving: bar by bar, through a snapshot and restore, every output equals mlf predict", async () => {
    const server = await testServer({ bundle, modelTimeoutMs: 10_000 });
    const differs = (i: number, outputs: Record<string, number>) => {
      const warmup = server.service.current.primary.warmupBars;
      for (const n of NAMES) {
        if (!Object.is(outputs[n], expected.get(n)![i - warmup]))
          return `bar ${i} ${n}: served ${outputs[n]}, predict ${expected.get(n)![i - warmup]}`;
      }
      return null;
    };
    try {
      const route = `/${server.service.routeVersion}`;
      const warmup = server.service.current.primary.warmupBars;
      for (let from = 0; from < warmup + 500; from += 4000) {
        const r = await server.post(`${route}/bars`, {
          bars: barsJson(bars, from, Math.min(warmup + 500, from + 4000)),
        });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
      }
      for (let i = warmup + 500; i < warmup + 900; i++) {
        const r = await server.post(`${route}/bars`, { bars: [barJson(bars, i)] });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        const d = differs(i, r.body.outputs);
        if (d) expect.fail(d);
      }
      // Restart from a snapshot: the history replays through the regime filter again.
      const snap = server.service.snapshot("default");
      const { header } = decodeSnapshot(snap, "snapshot");
      expect(header.regimes).toEqual([
        { bundle: server.service.current.primary.checksum, probs: expect.any(Array) },
      ]);
      expect(header.regimes![0]!.probs).toHaveLength(3);
      server.service.streams.delete("default");
      server.service.restore(snap, "snapshot");
      for (let i = warmup + 900; i < warmup + 1300; i++) {
        const r = await server.post(`${route}/bars`, { bars: [barJson(bars, i)] });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        const d = differs(i, r.body.outputs);
        if (d) expect.fail(`after restore: ${d}`);
      }
    } finally {
      await server.close();
    }
  }, 600_000);

  it("stacking: the regime probabilities are meta-features; served bar by bar as predict writes them", async () => {
    const config = CONFIG.replace("name: gate", "name: gate-stack").replace(
      "ensemble: {enabled: true, method: voting,",
      "ensemble: {enabled: true, method: stacking, meta_learner: ridge, oof: {n_folds: 3, purge_bars: 60, embargo_bars: 600},",
    );
    writeFileSync(join(dir, "stack.yaml"), config);
    const t = await mlf("train", "--config", join(dir, "stack.yaml"), "--out", join(dir, "s"), "--json");
    expect(t.exitCode, t.stderr).toBe(0);
    const m = JSON.parse(t.stdout);
    expect(m.served).toMatchObject({ model: "ensemble", outputs: ["p_up", "regime_score"] });
    expect(m.ensemble.gating.use).toBe("meta_features");
    const stackBundle = join(dir, "s", "bundle");
    const spec = JSON.parse(readFileSync(join(stackBundle, "ensemble.json"), "utf8"));
    expect(spec.plan.regime).toEqual(["p_state1", "p_state2"]);
    const out = join(dir, "stack.arrow");
    const pred = await mlf("predict", "--bundle", stackBundle, "--data", join(dir, "bars.csv"), "--out", out);
    expect(pred.exitCode, pred.stderr).toBe(0);
    const table = tableFromIPC(readFileSync(out));
    const names = ["p_up", "regime_score"];
    const want = new Map(names.map((n) => [n, table.getChild(n)!.toArray() as Float64Array]));
    const server = await testServer({ bundle: stackBundle, modelTimeoutMs: 10_000 });
    try {
      const route = `/${server.service.routeVersion}`;
      const warmup = server.service.current.primary.warmupBars;
      for (let from = 0; from < warmup + 200; from += 4000) {
        await server.post(`${route}/bars`, {
          bars: barsJson(bars, from, Math.min(warmup + 200, from + 4000)),
        });
      }
      for (let i = warmup + 200; i < warmup + 500; i++) {
        const r = await server.post(`${route}/bars`, { bars: [barJson(bars, i)] });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        for (const n of names) {
          if (!Object.is(r.body.outputs[n], want.get(n)![i - warmup]))
            expect.fail(
              `stacking bar ${i} ${n}: served ${r.body.outputs[n]}, predict ${want.get(n)![i - warmup]}`,
            );
        }
      }
    } finally {
      await server.close();
    }
  }, 600_000);
});
