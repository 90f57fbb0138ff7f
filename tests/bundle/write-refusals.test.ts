/**
 * What writeBundle refuses before touching the disk: file names outside the layout, files that could
 * run code, content that is not what its extension says, and manifests that fail the schema.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BundleFileError, bundlePathProblem, writeBundle } from "../../src/bundle/index.ts";
import { bundleInput, type EditableInput, tempDir } from "./fixtures.ts";
import { externalDataOnnx } from "./tiny-onnx.ts";

async function refused(input: EditableInput): Promise<BundleFileError> {
  const root = tempDir();
  const err = await writeBundle(join(root, "b"), input).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(readdirSync(root)).toEqual([]);
  if (!(err instanceof BundleFileError)) throw new Error(`expected a BundleFileError, got ${String(err)}`);
  return err;
}

describe("bundle paths", () => {
  it.each([
    ["metrics.json", undefined],
    ["models/lgbm.onnx", undefined],
    ["models/meta.json", undefined],
    ["stack.onnx", undefined],
    ["model.pkl", "only .json and .onnx files"],
    ["models/hook.py", "only .json and .onnx files"],
    ["lib.so", "only .json and .onnx files"],
    ["metrics.JSON", "only .json and .onnx files"],
    ["../x.json", "must not contain '.', '..' or empty parts"],
    ["models/../x.json", "must not contain"],
    ["./x.json", "must not contain"],
    ["models//x.onnx", "must not contain"],
    ["/etc/x.json", "must be a relative path"],
    ["C:/x.json", "must be a relative path"],
    ["models\\x.onnx", "must be a relative path"],
    ["sub/x.json", "must be at the top level or in models/"],
    ["models/a/b.onnx", "must be at the top level or in models/"],
    [".hidden.json", "not starting with '.'"],
    ["my file.json", "must be letters, digits"],
    ["manifest.json", "written by the bundle writer itself"],
    ["manifest.sha256.json", "written by the bundle writer itself"],
  ])("%s", (path, problem) => {
    const got = bundlePathProblem(path);
    if (problem === undefined) expect(got).toBeUndefined();
    else expect(got).toContain(problem);
  });
});

describe("writeBundle refuses before writing", () => {
  it("a pickle or a Python file, whatever the map says", async () => {
    for (const file of ["model.pkl", "models/model.pkl", "train.py", "models/custom_op.so"]) {
      const input = bundleInput();
      input.files.set(file, "x");
      const err = await refused(input);
      expect(err.file).toBe(file);
      expect(err.reason).toContain("nothing that can run code");
    }
  });

  it("an .onnx that is not ONNX (a pickle renamed), or that keeps tensors outside the file", async () => {
    const input = bundleInput();
    input.files.set(
      "models/lr_a.onnx",
      Uint8Array.from([0x80, 0x04, 0x95, 0x0b, 0, 0, 0, 0, 0, 0, 0, 0x7d, 0x94, 0x2e]),
    );
    expect(await refused(input)).toMatchObject({
      file: "models/lr_a.onnx",
      reason: expect.stringMatching(/^not an ONNX model/),
    });
    const external = bundleInput();
    external.files.set("models/lr_b.onnx", externalDataOnnx());
    expect((await refused(external)).reason).toContain("external data");
  });

  it("a .json that does not parse", async () => {
    const input = bundleInput();
    input.files.set("config.json", "{seed: 7}");
    expect(await refused(input)).toMatchObject({
      file: "config.json",
      reason: expect.stringMatching(/^not JSON: /),
    });
  });

  it("paths that differ only in case", async () => {
    const input = bundleInput();
    input.files.set("Metrics.json", "{}");
    expect((await refused(input)).reason).toMatch(/differs from .* only in case/);
  });

  it("a manifest that misses a referenced file, or fails the schema, naming the field", async () => {
    const noMetrics = bundleInput();
    noMetrics.files.delete("metrics.json");
    expect(await refused(noMetrics)).toMatchObject({
      file: "manifest.json",
      reason: 'schema error at metrics: "metrics.json" is not listed in files',
    });
    const noModel = bundleInput();
    noModel.files.delete("models/lr_b.onnx");
    expect((await refused(noModel)).reason).toBe(
      'schema error at models[1].file: "models/lr_b.onnx" is not listed in files',
    );
    const badVersion = bundleInput();
    badVersion.manifest.version = "v1";
    expect((await refused(badVersion)).reason).toMatch(
      /^schema error at version: expected a semantic version/,
    );
    const badName = bundleInput();
    badName.manifest.name = "my bundle";
    expect((await refused(badName)).reason).toMatch(/^schema error at name: /);
    const calibrationNull = bundleInput();
    calibrationNull.manifest.calibration = null;
    expect((await refused(calibrationNull)).reason).toBe(
      "schema error at calibration: is null but calibration.json is listed in files",
    );
    const badShape = bundleInput();
    badShape.manifest.feature_schema = { ...badShape.manifest.feature_schema, dtypes: ["float32"] };
    expect((await refused(badShape)).reason).toMatch(
      /^schema error at feature_schema\.dtypes: 1 dtypes for 4 names/,
    );
  });

  it("a model graph that disagrees with its manifest entry", async () => {
    const input = bundleInput();
    (input.manifest.models[0] as { outputs: string[] }).outputs = ["p_up", "label"];
    expect(await refused(input)).toMatchObject({
      file: "models/lr_a.onnx",
      reason: "the graph's outputs are [p_up], but manifest.json models[0].outputs names label",
    });
  });
});
