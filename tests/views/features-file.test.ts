/**
 * End to end over the real command: `mlf data synth` → `mlf features` → the features file read back,
 * its targets matched against the labeller, split with purge/embargo, a scaler fitted on train, and
 * every view built from it.
 */
import { join } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.ts";
import type { Bars } from "../../src/data/bars.ts";
import { loadBars } from "../../src/data/ingest/index.ts";
import { tripleBarrierLabels } from "../../src/labels/triple-barrier.ts";
import { fitScaler } from "../../src/scalers/fit-scaler.ts";
import { chronologicalSplit } from "../../src/splits/chronological.ts";
import { type FeatureFrame, labelsFromFrame, readFeatureFrame } from "../../src/views/feature-frame.ts";
import { featureMatrix } from "../../src/views/feature-matrix.ts";
import { FoundationView } from "../../src/views/foundation.ts";
import { batches, selectWindowRows } from "../../src/views/lazy-view.ts";
import { concatenatedDefaults, MultiResolutionView } from "../../src/views/multi-resolution.ts";
import { WindowTensorView } from "../../src/views/window-tensor.ts";
import { REPO_ROOT } from "../helpers/real-data.ts";
import { fileTempDir } from "../helpers/temp-dir.ts";

const N = 6000;
let frame: FeatureFrame;
let bars: Bars;

const dir = fileTempDir("mlf-views-e2e-");

beforeAll(async () => {
  const csv = join(dir, "bars.csv");
  const out = join(dir, "features.arrow");
  const mlf = join(REPO_ROOT, "bin", "mlf.js");
  await execa("node", [mlf, "data", "synth", "--bars", String(N), "--seed", "11", "--out", csv]);
  await execa("node", [mlf, "features", "--data", csv, "--out", out]);
  frame = readFeatureFrame(out);
  bars = (await loadBars(csv)).bars;
});

describe("views over a features file written by mlf features", () => {
  it("reads one row per bar, the features, and targets equal to the labeller's", () => {
    expect(frame.length).toBe(N);
    expect(Array.from(frame.timestamp)).toEqual(Array.from(bars.ts));
    expect(frame.featureNames.length).toBeGreaterThan(100);
    expect(frame.featureNames.some((c) => c.startsWith("target_") || c === "timestamp")).toBe(false);
    // The default config: SYNTH contract, label cost derived from the backtest costs.
    const config = parseConfig({});
    const want = tripleBarrierLabels(bars, config.labels, config.tick_size);
    expect(Array.from(labelsFromFrame(frame).t1Index)).toEqual(Array.from(want.t1Index));
    expect(Array.from(frame.targetLabel!)).toEqual(Array.from(want.label));
    expect(Array.from(frame.targetRet!)).toEqual(Array.from(want.ret));
  });

  it("splits, scales on train only and serves every view", () => {
    const split = chronologicalSplit(labelsFromFrame(frame), frame.length, {
      train: 0.7,
      val: 0.15,
      test: 0.15,
      purge: 60,
      embargo: 120,
    });
    expect(split.train.length).toBeGreaterThan(3000);
    const scaler = fitScaler("robust", frame.featureNames, frame.features, split.train);

    const m = featureMatrix(frame, split.val, scaler);
    expect(m.shape).toEqual([split.val.length, frame.featureNames.length]);

    const wt = new WindowTensorView(frame, 32, { scaler, stage: true });
    const { rows } = selectWindowRows(wt, split.test);
    let seen = 0;
    for (const b of batches(wt, rows, 256, { reuse: true })) {
      expect(b.shape).toEqual([b.rows.length, 32, frame.featureNames.length]);
      seen += b.rows.length;
    }
    expect(seen).toBe(split.test.length);

    const mr = new MultiResolutionView(bars, concatenatedDefaults(true));
    const mrRows = selectWindowRows(mr, split.train);
    expect(mrRows.excluded.length).toBeGreaterThan(0); // the first hour(s) have no 60-minute window
    const first = batches(mr, mrRows.rows, 64).next().value!;
    expect(first.shape).toEqual([64, 77, 5]);
    expect(first.data.every(Number.isFinite)).toBe(true);

    const fv = new FoundationView(bars, 64);
    const fb = batches(fv, selectWindowRows(fv, split.val).rows, 128).next().value!;
    expect(fb.shape).toEqual([128, 64, 4]);
    expect(fb.data.every((x: number) => Math.abs(x) < 10)).toBe(true);
  });
});
