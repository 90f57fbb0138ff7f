/**
 * The main job as a user runs it: `mlf run --config ...` on synthetic bars, twice, must give the same
 * bytes; a bad config or bad data must leave no run directory behind.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/real-data.ts";

const MLF = join(REPO_ROOT, "bin", "mlf.js");

function writeConfig(dir: string, name: string, extra = ""): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(
    path,
    [
      `name: ${name}`,
      `output_dir: ${join(dir, "out")}`,
      "data:",
      "  synth_bars: 12000",
      "  synth_seed: 3",
      "splits:",
      "  purge: 30",
      "  embargo: 120",
      extra,
    ].join("\n"),
  );
  return path;
}

function readRun(dir: string): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (const f of readdirSync(dir).sort()) files[f] = readFileSync(join(dir, f));
  return files;
}

describe("mlf run", () => {
  it("writes features, splits, a train-only scaler and a manifest, byte-identical across runs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlf-run-"));
    const a = writeConfig(dir, "a", "model:\n  id: logistic\n  params: {C: 0.5}");
    const first = await execa("node", [MLF, "run", "--config", a, "--json"], { cwd: REPO_ROOT });
    const summary = JSON.parse(first.stdout);
    expect(summary.rows).toBe(12000);
    expect(summary.featureColumns).toBeGreaterThan(150);
    expect(summary.split.train).toBeGreaterThan(summary.split.val);
    expect(summary.split.embargoed).toBe(240);
    const runA = readRun(join(dir, "out", "a"));
    expect(Object.keys(runA)).toEqual([
      "features.arrow",
      "manifest.json",
      "model.json",
      "model.onnx",
      "scaler.json",
      "splits.json",
    ]);
    const card = JSON.parse(runA["model.json"].toString());
    expect(card.model_id).toBe("logistic");
    expect(card.onnx_parity.max_abs_diff).toBeLessThanOrEqual(1e-6);
    expect(card.input.features).toHaveLength(summary.featureColumns);
    expect(summary.model.metrics.valid_rows).toBe(summary.split.val);
    const manifest = JSON.parse(runA["manifest.json"].toString());
    expect(manifest.data.format).toBe("synthetic");
    expect(manifest.files["features.arrow"].bytes).toBe(runA["features.arrow"].byteLength);
    expect(manifest.files["model.onnx"].bytes).toBe(runA["model.onnx"].byteLength);

    await execa("node", [MLF, "run", "--config", a, "--json"], { cwd: REPO_ROOT });
    const again = readRun(join(dir, "out", "a"));
    for (const name of Object.keys(runA)) expect(again[name].equals(runA[name]), name).toBe(true);
    // Only the finished run directory remains: no partial or previous copies.
    expect(readdirSync(join(dir, "out"))).toEqual(["a"]);
  });

  it("refuses a bad config with a one-line error naming the field and writes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlf-run-"));
    const bad = writeConfig(dir, "bad", "labels:\n  horizon: -3");
    const r = await execa("node", [MLF, "run", "--config", bad], { cwd: REPO_ROOT, reject: false });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("labels.horizon");
    expect(readdirSync(dir)).toEqual(["bad.yaml"]);
  });

  it("refuses bad data without leaving a partial run directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlf-run-"));
    const data = join(dir, "bars.csv");
    writeFileSync(
      data,
      "timestamp,open,high,low,close,volume\n2024-01-02T00:00:00Z,10,11,9,10,5\n2024-01-02T00:01:00Z,10,9,11,10,5\n",
    );
    const cfg = writeConfig(dir, "c");
    const r = await execa("node", [MLF, "run", "--config", cfg, "--data", data], {
      cwd: REPO_ROOT,
      reject: false,
    });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/row 3/);
    expect(readdirSync(join(dir, "out"))).toEqual([]);
  });
});
