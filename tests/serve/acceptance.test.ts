/**
 * The acceptance test of live serving, on real TX bars from ../shared/data: a bundle trained by
 * `mlf train` on the file (default config: rolls.handling adjust_ratio, rolls from the file's contract
 * column) is served by the HTTP API; feeding every bar (with its contract) through POST /v1/bars
 * gives, bar for bar, the bits `mlf predict` writes for the whole file, and the live feature rows are
 * the batch pipeline's (predict's features, rolls adjusted point in time) bit for bit — every row in
 * process, every 997th bar through HTTP.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tableFromIPC } from "apache-arrow";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.ts";
import type { Bars } from "../../src/data/bars.ts";
import { fingerprintBars } from "../../src/data/fingerprint.ts";
import { loadBars } from "../../src/data/ingest/index.ts";
import { loadPredictor } from "../../src/predict/predict.ts";
import { engineFeatureRun, featuresWithRolls, selectionOf } from "../../src/rolls/features.ts";
import { rollsFromContracts } from "../../src/rolls/rolls.ts";
import { planOf } from "../../src/serve/feature-plan.ts";
import { FeatureStream } from "../../src/serve/feature-stream.ts";
import { contractOfEachRow } from "../../src/serve/server.ts";
import type { FeatureFrame } from "../../src/views/feature-frame.ts";
import { REPO_ROOT, realDataPath } from "../helpers/real-data.ts";
import { barJson, barsJson, removeDir, tempDir } from "./fixtures.ts";
import { type TestServer, testServer } from "./http-client.ts";

const tx = realDataPath("tx");
const MLF = join(REPO_ROOT, "bin", "mlf.js");
const mlf = (...args: string[]) => execa("node", [MLF, ...args], { reject: false, cwd: REPO_ROOT });

const CONFIG = `
name: tx-serve
version: 1.4.0
symbol: TX
tick_size: 1
seed: 3
labels: {horizon: 30, cost_ticks: 2}
splits: {purge_bars: 60, embargo_bars: 1440}
base_models:
  - name: logistic
    outputs: [p_up]
    config: {C: 0.05, max_iter: 300}
inference:
  calibrate: [temperature_scaling]
`;

/** float32 bit pattern, so NaN payloads and -0 count. */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function bits(v: number): number {
  f32[0] = v;
  return u32[0]!;
}

describe.skipIf(!tx)("live serving on real TX bars equals mlf predict and the batch features", () => {
  let dir: string;
  let bundle: string;
  let bars: Bars;
  let predicted: { ts: Float64Array; p: Float64Array };
  let frame: FeatureFrame;
  let contracts: string[];
  let server: TestServer;

  beforeAll(async () => {
    dir = tempDir("mlf-serve-tx-");
    writeFileSync(join(dir, "tx.yaml"), CONFIG);
    const train = await mlf(
      "train",
      "--config",
      join(dir, "tx.yaml"),
      "--data",
      tx!,
      "--out",
      join(dir, "run"),
    );
    expect(train.exitCode, train.stderr).toBe(0);
    bundle = join(dir, "run", "bundle");
    const pred = await mlf("predict", "--bundle", bundle, "--data", tx!, "--out", join(dir, "pred.arrow"));
    expect(pred.exitCode, pred.stderr).toBe(0);
    const table = tableFromIPC(readFileSync(join(dir, "pred.arrow")));
    predicted = {
      ts: Float64Array.from(table.getChild("timestamp")!.toArray() as BigInt64Array, Number),
      p: table.getChild("p_up")!.toArray() as Float64Array,
    };
    const loaded = await loadBars(tx!);
    bars = loaded.bars;
    expect(loaded.contracts?.name.length).toBeGreaterThan(1);
    contracts = contractOfEachRow(loaded.contracts!);
    // The batch features exactly as predict computes them (src/predict/predict.ts).
    const p = await loadPredictor(bundle);
    const config = parseConfig({ features: { exclude: p.pre.featureConfig.exclude } });
    const work = tempDir("mlf-serve-tx-features-");
    try {
      frame = await featuresWithRolls(
        bars,
        rollsFromContracts(bars, loaded.contracts!),
        p.pre.rollHandling ?? "none",
        p.pre.warmupBars,
        {
          whole: engineFeatureRun({
            config,
            meta: { fingerprint: fingerprintBars(bars), hasVolume: true, warnings: [] },
            workDir: work,
          }),
          selection: selectionOf(config, true),
        },
      );
    } finally {
      removeDir(work);
    }
    server = await testServer({ bundle });
  }, 600_000);

  afterAll(async () => {
    await server?.close();
    if (dir) removeDir(dir);
  });

  it("computes every feature row of the file bar by bar exactly as the batch pipeline", async () => {
    const p = await loadPredictor(bundle);
    const plan = planOf(p.pre, bundle);
    expect(frame.featureNames).toEqual(plan.names);
    expect(plan.adjust).toBe("ratio");
    const stream = new FeatureStream("check", [plan]);
    const row = stream.engine(plan.key).row;
    const one = (i: number) => ({
      contracts: [contracts[i]!],
      length: 1,
      ts: bars.ts.subarray(i, i + 1),
      open: bars.open.subarray(i, i + 1),
      high: bars.high.subarray(i, i + 1),
      low: bars.low.subarray(i, i + 1),
      close: bars.close.subarray(i, i + 1),
      volume: bars.volume!.subarray(i, i + 1),
    });
    for (let i = 0; i < bars.length; i++) {
      stream.accept(one(i));
      for (let j = 0; j < row.length; j++) {
        if (bits(row[j][0]) !== bits(frame.features[j][i])) {
          expect.fail(`${plan.names[j]} at bar ${i}: live ${row[j][0]}, batch ${frame.features[j][i]}`);
        }
      }
    }
  });

  it("answers every bar through POST /v1/bars with the bits mlf predict writes", async () => {
    const warmup = server.service.current.primary.warmupBars;
    expect(predicted.ts[0]).toBe(bars.ts[warmup]);
    expect(predicted.ts.length).toBe(bars.length - warmup);
    // History first, in requests of 5,000 bars (answers: not warm).
    const withContracts = (from: number, to: number) =>
      barsJson(bars, from, to).map((b, k) => ({ ...b, contract: contracts[from + k]! }));
    for (let from = 0; from < warmup; from += 5000) {
      const r = await server.post("/v1/bars", { bars: withContracts(from, Math.min(warmup, from + 5000)) });
      expect(r.status).toBe(200);
      expect(r.body.warm).toBe(false);
    }
    let featureChecks = 0;
    for (let i = warmup; i < bars.length; i++) {
      const withFeatures = i % 997 === 0;
      const r = await server.post("/v1/bars", {
        bars: [{ ...barJson(bars, i, i % 2 ? "ms" : "iso"), contract: contracts[i]! }],
        ...(withFeatures ? { include_features: true } : {}),
      });
      if (r.status !== 200) expect.fail(`bar ${i}: ${r.status} ${r.text}`);
      const k = i - warmup;
      if (
        !Object.is(r.body.outputs.p_up, predicted.p[k]) ||
        r.body.timestamp_ms !== predicted.ts[k] ||
        r.body.fallback
      ) {
        expect.fail(`bar ${i}: served ${r.text}, predict p_up ${predicted.p[k]}`);
      }
      if (withFeatures) {
        // JSON carries each float32 exactly except the sign of zero (-0 is written 0) and NaN (null).
        const f = r.body.features as Record<string, number | null>;
        frame.featureNames.forEach((name, j) => {
          const batch = frame.features[j][i];
          const same = f[name] === null ? Number.isNaN(batch) : Math.fround(f[name]!) === batch;
          if (!same) expect.fail(`${name} at bar ${i}: served ${f[name]}, batch ${batch}`);
        });
        featureChecks++;
      }
    }
    expect(featureChecks).toBeGreaterThan(40);
    const m = await server.get("/v1/metrics");
    expect(m.text).toMatch(new RegExp(`^mlf_bars_accepted_total ${bars.length}$`, "m"));
    expect(m.text).not.toMatch(/mlf_fallback_answers_total\{/);
  }, 900_000);
});
