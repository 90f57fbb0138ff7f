/**
 * The TypeScript registry against the Python workers it drives: every registered model's fitter is
 * advertised by a real worker's hello, with the same outputs, the same parameter names and the same
 * defaults and bounds, so a config TypeScript accepts is a config the worker accepts. Also the
 * `mlf registry list` CLI.
 */
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { listRegistries, MODELS } from "../../src/registry/index.ts";
import { REPO_ROOT } from "../helpers/real-data.ts";

const MLF = join(REPO_ROOT, "bin", "mlf.js");

interface ParamInfo {
  kind: string;
  default: unknown;
  low?: number;
  high?: number;
  low_inclusive?: boolean;
  options?: unknown[];
}

describe("model registry vs the worker's fitters", async () => {
  const r = await execa("node", [MLF, "workers", "info", "--json"], { cwd: REPO_ROOT });
  const hello = JSON.parse(r.stdout) as {
    models: Array<{ model_id: string; outputs: string[]; params: Record<string, ParamInfo> }>;
  };
  for (const entry of MODELS) {
    it(`${entry.name}: the worker fits it with the same outputs, parameters and defaults`, () => {
      const fitter = hello.models.find((m) => m.model_id === entry.fitter);
      expect(fitter, `worker has no fitter ${entry.fitter}`).toBeDefined();
      expect([...fitter!.outputs].sort()).toEqual([...entry.outputs].sort());
      const defaults = entry.params.parse({}) as Record<string, unknown>;
      expect(Object.keys(defaults).sort()).toEqual(Object.keys(fitter!.params).sort());
      for (const [name, info] of Object.entries(fitter!.params)) {
        expect(defaults[name], name).toEqual(info.default);
        // Bounds agree: what the worker refuses, TypeScript refuses first.
        if (info.kind === "integer_list") {
          if (info.low !== undefined)
            expect(entry.params.safeParse({ [name]: [info.low - 1] }).success).toBe(false);
          if (info.high !== undefined)
            expect(entry.params.safeParse({ [name]: [info.high + 1] }).success).toBe(false);
          expect(entry.params.safeParse({ [name]: [] }).success, `${name}=[]`).toBe(false);
          continue;
        }
        if (info.low !== undefined && info.kind !== "choice") {
          const below =
            info.kind === "integer"
              ? info.low - 1
              : info.low_inclusive === false
                ? info.low
                : info.low - 1e-9;
          expect(entry.params.safeParse({ [name]: below }).success, `${name}=${below}`).toBe(false);
        }
        if (info.high !== undefined) {
          const above = info.kind === "integer" ? info.high + 1 : info.high + 1e-9;
          expect(entry.params.safeParse({ [name]: above }).success, `${name}=${above}`).toBe(false);
        }
        if (info.kind === "choice") {
          for (const option of info.options ?? []) {
            expect(entry.params.safeParse({ [name]: option }).success, `${name}=${String(option)}`).toBe(
              true,
            );
          }
        }
      }
    });
  }
});

describe("mlf registry list", () => {
  it("--json lists every registry with each model's defaults", async () => {
    const r = await execa("node", [MLF, "registry", "list", "--json"], { cwd: REPO_ROOT });
    const listing = JSON.parse(r.stdout);
    expect(listing).toEqual(JSON.parse(JSON.stringify(listRegistries())));
    expect(listing.models.map((m: { name: string }) => m.name)).toEqual(MODELS.map((m) => m.name));
    expect(listing.models.map((m: { name: string }) => m.name).slice(0, 4)).toEqual([
      "lightgbm",
      "xgboost",
      "logistic",
      "lstm",
    ]);
    expect(listing.inference.map((c: { name: string }) => c.name)).toContain("temperature_scaling");
  });

  it("prints a readable listing", async () => {
    const r = await execa("node", [MLF, "registry", "list"], { cwd: REPO_ROOT });
    expect(r.stdout).toMatch(/^models\n {2}lightgbm/);
    expect(r.stdout).toMatch(/\nensembles\n {2}stacking +meta-learner fitted on purged K-fold/);
    expect(r.stdout).toMatch(/\nmeta-learners \(stacking\)\n {2}ridge/);
  });
});
