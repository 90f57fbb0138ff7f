// `mlf data synth` run as a real process: output equals the library's, bad arguments fail in one line.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSynthBars } from "../../src/data/synth/index.ts";
import { writeBars } from "../../src/data/write-bars.ts";
import { REPO_ROOT } from "../helpers/real-data.ts";

const MLF = join(REPO_ROOT, "bin", "mlf.js");
const mlf = (args: string[]) => execa("node", [MLF, ...args], { reject: false, cwd: REPO_ROOT });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "mlf-synth-cli-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("mlf data synth", () => {
  it("writes the same bytes as generateSynthBars + writeBars", async () => {
    const out = join(dir, "cli.csv");
    const result = await mlf(["data", "synth", "--bars", "2500", "--seed", "17", "--out", out]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^wrote 2500 bars \(2024-01-01T00:00:00.000Z \.\. .*, seed 17\) to /);
    const reference = join(dir, "reference.csv");
    await writeBars(reference, generateSynthBars({ bars: 2500, seed: 17 }));
    expect(readFileSync(out).equals(readFileSync(reference))).toBe(true);
  });

  it("honours --tick-size and writes Parquet by extension", async () => {
    const csv = join(dir, "tick.csv");
    expect(
      (await mlf(["data", "synth", "--bars", "300", "--seed", "2", "--tick-size", "0.1", "--out", csv]))
        .exitCode,
    ).toBe(0);
    const prices = readFileSync(csv, "latin1")
      .trim()
      .split("\n")
      .slice(1)
      .flatMap((l) => l.split(",").slice(1, 5));
    expect(prices.length).toBe(1200);
    for (const p of prices) expect(p).toMatch(/^\d+\.\d$/);

    const parquet = join(dir, "bars.parquet");
    expect((await mlf(["data", "synth", "--bars", "300", "--seed", "2", "--out", parquet])).exitCode).toBe(0);
    expect(readFileSync(parquet).subarray(0, 4).toString("latin1")).toBe("PAR1");
  });

  it.each([
    [["--bars", "0"], /--bars must be a whole number from 1 to/],
    [["--bars", "abc"], /--bars must be a whole number/],
    [["--bars", "1.5"], /--bars must be a whole number/],
    [["--bars", "50000001"], /--bars must be a whole number from 1 to 50000000/],
    [[], /--bars is required/],
    [["--bars", "10", "--seed", "-1"], /--seed must be a whole number/],
    [["--bars", "10", "--tick-size", "0"], /--tick-size must be a positive number/],
    [["--bars", "10", "--tick-size", "abc"], /--tick-size must be a positive number/],
    [["--bars", "10", "--tick-size", "0.123456789"], /--tick-size 0.123456789 has too many decimals/],
    [["--bars", "10", "--bogus"], /unknown option '--bogus'/],
  ])("%j fails with one line and writes nothing", async (args, message) => {
    const out = join(dir, "bad", "never.csv");
    const result = await mlf(["data", "synth", ...args, "--out", out]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  it("fails without --out and on an unknown extension, writing nothing", async () => {
    const missing = await mlf(["data", "synth", "--bars", "10"]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr.trim()).toBe("error: --out is required: the file to write");

    const txt = join(dir, "bars.txt");
    const wrong = await mlf(["data", "synth", "--bars", "10", "--out", txt]);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr.trim()).toMatch(
      /^error: cannot tell the format of .*bars\.txt: use a \.csv, \.csv\.gz/,
    );
    expect(readdirSync(dir).filter((f) => f.startsWith("bars.txt") || f.includes(".tmp-"))).toEqual([]);
  });
});
