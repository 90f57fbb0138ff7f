import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tableFromIPC } from "apache-arrow";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { listFeatureColumns } from "../../../src/features/registry.ts";
import { REPO_ROOT } from "../../helpers/real-data.ts";
import { fileTempDir } from "../../helpers/temp-dir.ts";

const MLF = join(REPO_ROOT, "bin", "mlf.js");
const dir = fileTempDir("mlf-features-cli-");
const mlf = (...args: string[]) => execa("node", [MLF, ...args], { reject: false, cwd: dir });

describe("mlf features", () => {
  it("--list --json prints every registry column", async () => {
    const r = await mlf("features", "--list", "--json");
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(listFeatureColumns({ hasVolume: true }));
  });

  it("--list prints a table with one line per column", async () => {
    const r = await mlf("features", "--list");
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trim().split("\n");
    const n = listFeatureColumns({ hasVolume: true }).length;
    expect(lines[0]).toMatch(/^name\s+timeframe\s+family\s+warmup\s+definition$/);
    expect(lines.length).toBe(n + 2);
    expect(lines[n + 1]).toBe(`${n} feature columns`);
  });

  it("CSV in, Arrow out, byte-identical on a second run, config applied", async () => {
    const csv = join(dir, "bars.csv");
    expect((await mlf("data", "synth", "--bars", "2500", "--seed", "5", "--out", csv)).exitCode).toBe(0);
    const cfg = join(dir, "cfg.yaml");
    writeFileSync(cfg, "features:\n  chunk_rows: 700\nlabels:\n  horizon: 10\n");
    const a = join(dir, "a.arrow");
    const b = join(dir, "b.arrow");
    const ra = await mlf("features", "--data", csv, "--out", a, "--config", cfg);
    expect(ra.stderr).toBe("");
    expect(ra.exitCode).toBe(0);
    expect(ra.stdout).toMatch(/^wrote 2500 rows x \d+ columns to /);
    expect((await mlf("features", "--data", csv, "--out", b, "--config", cfg)).exitCode).toBe(0);
    expect(Buffer.compare(readFileSync(a), readFileSync(b))).toBe(0);
    const t = tableFromIPC(readFileSync(a));
    expect(t.numRows).toBe(2500);
    expect(t.batches.length).toBe(4);
    expect(t.schema.fields.slice(-3).map((f) => f.name)).toEqual(["target_label", "target_t1", "target_ret"]);
  });

  it("without --data and no data.path uses the synthetic generator", async () => {
    const cfg = join(dir, "synth.yaml");
    writeFileSync(cfg, "data:\n  synth_bars: 1500\n  synth_seed: 3\n");
    const out = join(dir, "synth.arrow");
    const r = await mlf("features", "--out", out, "--config", cfg);
    expect(r.exitCode).toBe(0);
    expect(tableFromIPC(readFileSync(out)).numRows).toBe(1500);
  });

  it("fails with one line and writes nothing on bad usage or bad data", async () => {
    const noOut = await mlf("features");
    expect(noOut.exitCode).toBe(2);
    expect(noOut.stderr).toBe(
      "error: --out is required: the Arrow file to write (e.g. --out features.arrow)",
    );
    const bad = join(dir, "bad.csv");
    writeFileSync(
      bad,
      "timestamp,open,high,low,close,volume\n2025-01-02T00:00:00Z,1,2,0.5,1.5,3\n2025-01-02T00:00:00Z,1,2,0.5,1.5,3\n",
    );
    const out = join(dir, "bad.arrow");
    const r = await mlf("features", "--data", bad, "--out", out);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr.split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: .*row 3/);
    expect(existsSync(out)).toBe(false);
    // An output path the system refuses is the user's to fix: one line, no stack.
    const csv = join(dir, "ok.csv");
    expect((await mlf("data", "synth", "--bars", "1200", "--seed", "2", "--out", csv)).exitCode).toBe(0);
    const intoFile = await mlf("features", "--data", csv, "--out", join(csv, "x.arrow"));
    expect(intoFile.exitCode).toBe(2);
    expect(intoFile.stderr).toMatch(
      /^error: cannot write .*x\.arrow \(E[A-Z]+\): choose a writable --out path$/,
    );
  });
});
