/**
 * The committed WebAssembly kernels are what their AssemblyScript sources compile to, byte for byte
 * (scripts/build-wasm.mjs --check rebuilds each and compares): a source edited without rebuilding, or a
 * module edited by hand, fails here.
 */
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/real-data.ts";

describe("scripts/build-wasm.mjs", () => {
  it("--check: every committed .wasm matches its source", async () => {
    const r = await execa("node", [join(REPO_ROOT, "scripts", "build-wasm.mjs"), "--check"], {
      cwd: REPO_ROOT,
      reject: false,
      all: true,
    });
    expect(r.all).toBe("");
    expect(r.exitCode).toBe(0);
  });
});
