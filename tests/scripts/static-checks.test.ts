/**
 * The type checker and the linter/formatter over everything TypeScript in the repository, as part
 * of the test suite: code that does not type-check or drifts from the format fails CI here, not in
 * the next session's editor.
 */
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/real-data.ts";

const bin = (name: string) => join(REPO_ROOT, "node_modules", ".bin", name);

/** The command's output when it fails (so the failure names the file and line), "" when it passes. */
async function failures(file: string, args: string[]): Promise<string> {
  const r = await execa(file, args, { cwd: REPO_ROOT, reject: false, all: true });
  return r.exitCode === 0 ? "" : (r.all ?? `exit ${r.exitCode}`).split("\n").slice(0, 40).join("\n");
}

describe("static checks", () => {
  it("tsc --noEmit: every source, test, bench and script type-checks", async () => {
    expect(await failures(bin("tsc"), ["--noEmit", "-p", "."])).toBe("");
  });

  it("biome check: lint and format are clean (npm run lint)", async () => {
    expect(await failures(bin("biome"), ["check", "src", "tests", "bench", "scripts"])).toBe("");
  });
});
