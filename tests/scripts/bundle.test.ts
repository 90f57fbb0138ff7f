import { mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildBundle, freshBundle, snapshot } from "../../scripts/bundle.mjs";
import { REPO_ROOT } from "../helpers/real-data.ts";

// Inside the repository, so the bundle finds node_modules as the real dist/ does.
const dist = join(REPO_ROOT, "dist", `test-${process.pid}`);
const work = join(dist, "work");

describe("the precompiled CLI (scripts/bundle.mjs)", () => {
  beforeAll(async () => {
    mkdirSync(work, { recursive: true });
    await buildBundle(dist);
  });
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it("is used only while every file it was built from is unchanged", () => {
    expect(freshBundle("main", dist)).toMatch(/^file:.*\/main\.mjs$/);
    expect(freshBundle("engine-worker", dist)).toMatch(/^file:.*\/engine-worker\.mjs$/);
    // Add a stand-in source to the build's inputs, then edit and delete it.
    const source = join(work, "source.ts");
    writeFileSync(source, "export const a = 1;\n");
    const statePath = join(dist, "bundle.json");
    const original = readFileSync(statePath, "utf8");
    const state = JSON.parse(original);
    state.files.push(relative(REPO_ROOT, source));
    Object.assign(state, snapshot(state.files));
    writeFileSync(statePath, JSON.stringify(state));
    expect(freshBundle("main", dist)).not.toBeNull();
    writeFileSync(source, "export const a = 2;\n");
    expect(freshBundle("main", dist)).toBeNull();
    writeFileSync(source, "export const a = 1;\n");
    expect(freshBundle("main", dist)).not.toBeNull();
    unlinkSync(source);
    expect(freshBundle("main", dist)).toBeNull();
    expect(freshBundle("main", join(work, "no-such-dist"))).toBeNull();
    writeFileSync(statePath, original);
    expect(freshBundle("main", dist)).not.toBeNull();
  });

  it("writes the same feature file as the sources run through tsx", async () => {
    const main = freshBundle("main", dist);
    expect(main).not.toBeNull();
    const csv = join(work, "bars.csv");
    const synth = await execa("node", [
      fileURLToPath(main!),
      "data",
      "synth",
      "--bars",
      "3000",
      "--seed",
      "4",
      "--out",
      csv,
    ]);
    expect(synth.exitCode).toBe(0);
    const bundled = join(work, "bundled.arrow");
    const fromSource = join(work, "source.arrow");
    await execa("node", [fileURLToPath(main!), "features", "--data", csv, "--out", bundled]);
    await execa("node", [join(REPO_ROOT, "bin", "mlf.js"), "features", "--data", csv, "--out", fromSource], {
      env: { MLF_NO_BUNDLE: "1" },
    });
    expect(Buffer.compare(readFileSync(bundled), readFileSync(fromSource))).toBe(0);
  });
});
