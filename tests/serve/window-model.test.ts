/**
 * Live serving of window (sequence) bundles on real TX bars (15,000 bars, the 2024-11-20 roll inside,
 * features adjusted at it as in training): a TCN alone, and a TCN stacked with LightGBM, each trained
 * here by `mlf train`. Served through /v1/bars (history in blocks, then bar by bar across the roll),
 * every answer is the bits `mlf predict` computes for the bar, and the first answered bar is
 * predict's first (feature warm-up plus L − 1); /v1/predict on a full window answers its last bar
 * the same; a stream snapshotted mid-way and restored into another server continues exactly; a
 * server reloaded from a tabular bundle to the TCN replays its streams keeping the TCN's rows; the
 * TCN as the fallback of a failing tabular bundle on other features answers as predict does.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.ts";
import type { Bars } from "../../src/data/bars.ts";
import { loadBars } from "../../src/data/ingest/index.ts";
import { loadPredictor, type Predictions, predictBars } from "../../src/predict/predict.ts";
import { contractOfEachRow } from "../../src/serve/server.ts";
import { type Answer, ServingService } from "../../src/serve/service.ts";
import { train } from "../../src/train/train.ts";
import { realDataPath } from "../helpers/real-data.ts";
import { barJson, removeDir, tempDir, writeFixtureBundle } from "./fixtures.ts";
import { type TestServer, testServer } from "./http-client.ts";

const tx = realDataPath("tx");
const L = 8;
const BARS = 15_000;
/** A loaded 2-core machine can take more than the default 100 ms for one answer: no fallback here. */
const SLOW = 10_000;

const config = (name: string, models: string, ensemble = "") => `
name: ${name}
version: 1.0.0
symbol: TX
tick_size: 1
seed: 3
features: {families: [momentum, statistics]}
labels: {horizon: 30, cost_ticks: 2}
splits: {purge_bars: 30, embargo_bars: 60}
base_models:
${models}
${ensemble}
inference: {calibrate: [temperature_scaling]}
`;
const TCN = `  - name: tcn
    view: window_tensor
    outputs: [p_up, E_r]
    config: {seq_len: ${L}, num_channels: [4, 4], max_epochs: 2, batch_size: 256}`;
const LGBM = "  - {name: lightgbm, outputs: [p_up], config: {n_estimators: 20, num_leaves: 7}}";
const STACK =
  "ensemble: {enabled: true, method: stacking, meta_learner: ridge, oof: {n_folds: 2, purge_bars: 30, embargo_bars: 60}}";

interface Served {
  bundle: string;
  pred: Predictions;
}

describe.skipIf(!tx)("serving window bundles on TX bars equals mlf predict bit for bit", () => {
  let dir: string;
  let bars: Bars;
  let contracts: string[];
  let rollRow: number;
  let tcn: Served;
  let stacked: Served;
  const open: Array<{ close(): Promise<void> }> = [];

  const bar = (i: number) => ({ ...barJson(bars, i), contract: contracts[i]! });
  const block = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => bar(from + k));

  /** Fails unless `a` (the answer for bar i) is predict's, bit for bit, for every output. */
  function expectPredicted(s: Served, i: number, a: Answer, fallback = false): void {
    const k = i - s.pred.firstRow;
    if (!a.warm || a.fallback !== fallback || a.timestamp_ms !== s.pred.timestamp[k])
      expect.fail(`bar ${i}: ${JSON.stringify(a)}`);
    for (const [name, values] of s.pred.outputs) {
      if (!Object.is(a.outputs![name], values[k]))
        expect.fail(`bar ${i} ${name}: served ${a.outputs![name]}, predict ${values[k]}`);
    }
  }

  beforeAll(async () => {
    dir = tempDir("mlf-serve-window-");
    const lines = gunzipSync(readFileSync(tx as string))
      .toString("utf8")
      .split("\n");
    const data = join(dir, "tx.csv");
    writeFileSync(data, `${lines.slice(0, BARS + 1).join("\n")}\n`);
    const loaded = await loadBars(data);
    bars = loaded.bars;
    contracts = contractOfEachRow(loaded.contracts!);
    rollRow = loaded.contracts!.start[1]!;
    const trainAndPredict = async (name: string, text: string): Promise<Served> => {
      writeFileSync(join(dir, `${name}.yaml`), text);
      const run = await train(loadConfig(join(dir, `${name}.yaml`)), {
        dataPath: data,
        outDir: join(dir, name),
      });
      const p = await loadPredictor(run.bundleDir);
      return { bundle: run.bundleDir, pred: await predictBars(p, bars, true, loaded.contracts) };
    };
    tcn = await trainAndPredict("tcn", config("tx-tcn", TCN));
    stacked = await trainAndPredict("stacked", config("tx-stacked", `${LGBM}\n${TCN}`, STACK));
  }, 400_000);

  afterAll(async () => {
    for (const o of open) await o.close();
    if (dir) removeDir(dir);
  });

  it("the slice has a roll well past the warm-up; predictions start L − 1 bars past the feature warm-up", async () => {
    expect(rollRow).toBeGreaterThan(tcn.pred.firstRow + 5000);
    const p = await loadPredictor(tcn.bundle);
    expect(tcn.pred.firstRow).toBe(p.pre.warmupBars + L - 1);
    expect(stacked.pred.firstRow).toBe(tcn.pred.firstRow);
    expect([...stacked.pred.outputs.keys()]).toEqual(["p_up"]);
  });

  it("TCN alone: blocks then bar by bar across the roll; a snapshot restored elsewhere continues exactly", async () => {
    const svc = await ServingService.start({
      bundle: tcn.bundle,
      prestartWindowWorker: false,
      modelTimeoutMs: SLOW,
    });
    open.push(svc);
    expect(svc.current.primary.describe()).toMatchObject({
      window_length: L,
      warmup_bars: tcn.pred.firstRow,
    });
    const first = tcn.pred.firstRow;
    // Cold up to bar first − 1, answered from bar `first` on: the block ending there answers it.
    const cold = await svc.ingest("s", block(0, first));
    expect([cold.warm, cold.outputs]).toEqual([false, null]);
    expectPredicted(tcn, first, await svc.ingest("s", [bar(first)]));
    // Blocks of odd sizes (the kept rows wrap around inside them), each answering its last bar.
    let i = first + 1;
    for (const size of [1, 7, 8, 9, 4000]) {
      expectPredicted(tcn, i + size - 1, await svc.ingest("s", block(i, i + size)));
      i += size;
    }
    const cut = rollRow - 300;
    expectPredicted(tcn, cut - 1, await svc.ingest("s", block(i, cut)));
    const snap = svc.snapshot("s");
    const other = await ServingService.start({
      bundle: tcn.bundle,
      prestartWindowWorker: false,
      modelTimeoutMs: SLOW,
    });
    open.push(other);
    other.restore(snap, "test snapshot");
    for (let j = cut; j < BARS; j++) {
      expectPredicted(tcn, j, await svc.ingest("s", [bar(j)]));
      if (j < cut + 600 || j % 7 === 0) expectPredicted(tcn, j, await other.ingest("s", [bar(j)]));
      else await other.ingest("s", [bar(j)]);
    }
  }, 300_000);

  it("a reload from a tabular bundle to the TCN answers the next bars as predict does", async () => {
    const tabular = await writeFixtureBundle(join(dir, "tabular"));
    const svc = await ServingService.start({
      bundle: tabular,
      prestartWindowWorker: false,
      modelTimeoutMs: SLOW,
    });
    open.push(svc);
    const cut = tcn.pred.firstRow + 3000;
    expect((await svc.ingest("s", block(0, cut))).warm).toBe(true);
    await svc.reload({ bundle: tcn.bundle });
    expect(svc.current.primary.windowLength).toBe(L);
    for (let j = cut; j < cut + 50; j++) expectPredicted(tcn, j, await svc.ingest("s", [bar(j)]));
  }, 120_000);

  it("the TCN as fallback of a tabular primary that answers NaN: predict's bits, live and on a full window", async () => {
    const broken = await writeFixtureBundle(join(dir, "nan"), { model: "nan" });
    const svc = await ServingService.start({
      bundle: broken,
      fallback: tcn.bundle,
      prestartWindowWorker: false,
      modelTimeoutMs: SLOW,
    });
    open.push(svc);
    expect(svc.current.primary.plan.key).not.toBe(svc.current.fallback!.plan.key);
    const cut = tcn.pred.firstRow + 500;
    await svc.ingest("s", block(0, cut));
    for (let j = cut; j < cut + 30; j++) {
      const a = await svc.ingest("s", [bar(j)]);
      expect(a.fallback_reason).toBe("non_finite");
      expectPredicted(tcn, j, a, true);
    }
    expectPredicted(tcn, cut + 40, await svc.predictWindow(block(0, cut + 41)), true);
  }, 120_000);

  it("TCN stacked with LightGBM through HTTP: /v1/bars bar by bar across the roll, /v1/predict on full windows", async () => {
    const server: TestServer = await testServer({ bundle: stacked.bundle, modelTimeoutMs: SLOW });
    open.push(server);
    const first = stacked.pred.firstRow;
    const post = async (path: string, body: unknown) => {
      const r = await server.post(path, body);
      if (r.status !== 200) expect.fail(`${path}: ${r.status} ${r.text}`);
      return r.body as Answer;
    };
    const cold = await post("/v1/bars", { bars: block(0, first - 1) });
    expect(cold.warm).toBe(false);
    expectPredicted(stacked, first, await post("/v1/bars", { bars: block(first - 1, first + 1) }));
    const from = rollRow - 400;
    for (let i = first + 1; i < from; i += 5000) {
      const to = Math.min(from, i + 5000);
      expectPredicted(stacked, to - 1, await post("/v1/bars", { bars: block(i, to) }));
    }
    for (let i = from; i < BARS; i++) expectPredicted(stacked, i, await post("/v1/bars", { bars: [bar(i)] }));
    // Stateless: the features of the whole window from scratch, its last L rows into the TCN.
    for (const i of [first, rollRow + L - 2, BARS - 1]) {
      expectPredicted(stacked, i, await post("/v1/predict", { bars: block(0, i + 1) }));
    }
    const short = await server.post("/v1/predict", { bars: block(0, first) });
    expect([short.status, short.body.error.code]).toEqual([422, "WINDOW_TOO_SHORT"]);
  }, 300_000);
});
