/**
 * Every config shipped in configs/ validates, and each names the charter sample it implements, so a
 * schema change cannot silently break a file users start from.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.ts";

const DIR = join(import.meta.dirname, "../../configs");
const files = readdirSync(DIR).filter((f) => f.endsWith(".yaml"));

describe("configs/*.yaml", () => {
  it("ships the charter's sample configs (as far as the registry allows)", () => {
    expect(files).toEqual(
      expect.arrayContaining([
        "fast-baseline.yaml",
        "tabular-duo-stacking.yaml",
        "heterogeneous-trio.yaml",
        "probabilistic-trio.yaml",
        "full-stack.yaml",
        "research-comparison.yaml",
      ]),
    );
  });
  for (const file of files) {
    it(`${file} validates and is named after its file`, () => {
      const c = loadConfig(join(DIR, file));
      expect(c.name).toBe(file.replace(/\.yaml$/, ""));
      expect(readFileSync(join(DIR, file), "utf8")).toMatch(/^# Charter Config \d/);
    });
  }
});
