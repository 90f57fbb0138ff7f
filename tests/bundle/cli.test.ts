/**
 * `mlf bundle verify` and `mlf bundle inspect`, run as a user would (`node bin/mlf.js`): exit 0 and
 * one line on a good bundle; exit 2 and `error: …` naming the file for every tampered file.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { inspectBundle, writeBundle } from "../../src/bundle/index.ts";
import { REPO_ROOT } from "../helpers/real-data.ts";
import { bundleInput, flipByte, listTree } from "./fixtures.ts";

const MLF = join(REPO_ROOT, "bin", "mlf.js");
const mlf = (...args: string[]) => execa("node", [MLF, ...args], { reject: false });

let root: string;
let good: string;
let checksum: string;

beforeAll(async () => {
  // Shared by every test here, so not a tempDir() (those are removed after each test).
  root = mkdtempSync(join(tmpdir(), "mlf-bundle-cli-"));
  good = join(root, "good");
  checksum = (await writeBundle(good, bundleInput())).bundle_checksum;
  return () => rmSync(root, { recursive: true, force: true });
});

function copy(name: string): string {
  const dir = join(root, name);
  cpSync(good, dir, { recursive: true });
  return dir;
}

describe("mlf bundle verify", () => {
  it("a good bundle: exit 0, `ok <name> <version> <checksum>`", async () => {
    const r = await mlf("bundle", "verify", good);
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([0, `ok es-tiny 1.0.0 ${checksum}`, ""]);
  });

  it("--json", async () => {
    const r = await mlf("bundle", "verify", good, "--json");
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: true,
      dir: good,
      name: "es-tiny",
      version: "1.0.0",
      bundle_checksum: checksum,
      files: 6,
    });
  });

  it("one flipped byte in any file: exit 2, one line on stderr naming the file", async () => {
    const files = listTree(good);
    expect(files).toHaveLength(8);
    for (const [i, file] of files.entries()) {
      const dir = copy(`flip-${i}`);
      flipByte(join(dir, file), 0.5);
      const r = await mlf("bundle", "verify", dir);
      expect([file, r.exitCode, r.stdout]).toEqual([file, 2, ""]);
      expect(r.stderr.split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^error: bundle /);
      expect(r.stderr).toContain(file);
    }
  });

  it("--expect: the right checksum passes, another one fails, a malformed one is a usage error", async () => {
    const ok = await mlf("bundle", "verify", good, "--expect", checksum.toUpperCase());
    expect(ok.exitCode).toBe(0);
    const other = await mlf("bundle", "verify", good, "--expect", "0".repeat(64));
    expect(other.exitCode).toBe(2);
    expect(other.stderr).toBe(
      `error: bundle ${good}: manifest.json: bundle checksum ${checksum.slice(0, 12)}… is not the expected 000000000000…: this is another bundle`,
    );
    const bad = await mlf("bundle", "verify", good, "--expect", "abc");
    expect([bad.exitCode, bad.stderr]).toEqual([
      2,
      'error: --expect must be a bundle checksum (64 hex digits), got "abc"',
    ]);
  });

  it("a .pkl beside the models: exit 2 naming it", async () => {
    const dir = copy("pkl");
    writeFileSync(join(dir, "models", "model.pkl"), "cos\nsystem\n");
    const r = await mlf("bundle", "verify", dir);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      `error: bundle ${dir}: models/model.pkl: unexpected file: is not allowed in a bundle: only .json and .onnx files (nothing that can run code)`,
    );
  });

  it("a missing file, a missing directory, a missing argument", async () => {
    const dir = copy("missing");
    rmSync(join(dir, "config.json"));
    const r = await mlf("bundle", "verify", dir);
    expect([r.exitCode, r.stderr]).toEqual([2, `error: bundle ${dir}: config.json: missing`]);
    const none = await mlf("bundle", "verify", join(root, "nope"));
    expect([none.exitCode, none.stderr]).toEqual([
      2,
      `error: bundle ${join(root, "nope")}: no such directory`,
    ]);
    const noArg = await mlf("bundle", "verify");
    expect(noArg.exitCode).toBe(2);
    expect(noArg.stderr).toContain("missing required argument");
  });
});

describe("mlf bundle inspect", () => {
  it("prints the summary of a good bundle", async () => {
    const r = await mlf("bundle", "inspect", good);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe(`bundle:      es-tiny 1.0.0 (${good})`);
    expect(lines).toContain(`checksum:    ${checksum}`);
    expect(lines).toContain(
      "features:    4 float32 (schema sha256 " +
        `${(await inspectBundle(good)).feature_schema_sha256.slice(0, 12)}…)`,
    );
    expect(lines).toContain("warm-up:     1,440 bars");
    expect(lines.some((l) => /^ {2}lr_a +logistic +[\d,]+ bytes {2}opset 17 {2}→ p_up$/.test(l))).toBe(true);
    expect(lines).toContain(
      "verified:    6 files, " +
        `${(await inspectBundle(good)).total_bytes.toLocaleString("en-US")} bytes, every checksum matches`,
    );
  });

  it("--json prints what inspectBundle returns", async () => {
    const r = await mlf("bundle", "inspect", good, "--json");
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(await inspectBundle(good));
  });

  it("verifies first: a tampered bundle is not inspected", async () => {
    const dir = copy("inspect-tampered");
    const metrics = join(dir, "metrics.json");
    writeFileSync(metrics, readFileSync(metrics, "utf8").replace("0.5312", "0.9312"));
    const r = await mlf("bundle", "inspect", dir);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^error: bundle .*: metrics\.json: checksum mismatch/);
  });
});
