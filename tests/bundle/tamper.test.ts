/**
 * Tampering: every file of a bundle, one flipped byte at a time, is caught and named; so are deleted
 * files, extra files, symlinks, and forgeries that re-seal the manifest after changing something.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BundleFileError, toJsonText, verifyBundle, writeBundle } from "../../src/bundle/index.ts";
import { bundleInput, flipByte, listTree, replaceAndReseal, reseal, tempDir } from "./fixtures.ts";
import { externalDataOnnx, tinyLogisticOnnx } from "./tiny-onnx.ts";

let pristine: string;
let pristineFiles: string[];

beforeAll(async () => {
  // A bundle written once and copied for each case (tempDir() is per test, so this one is managed here).
  const root = mkdtempSync(join(tmpdir(), "mlf-bundle-pristine-"));
  pristine = join(root, "b");
  await writeBundle(pristine, bundleInput());
  pristineFiles = listTree(pristine);
  return () => rmSync(root, { recursive: true, force: true });
});

function copy(): string {
  const dir = join(tempDir(), "b");
  cpSync(pristine, dir, { recursive: true });
  return dir;
}

async function failure(target: string | Promise<unknown>): Promise<BundleFileError> {
  const err = await (typeof target === "string" ? verifyBundle(target) : target).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof BundleFileError)) throw new Error(`expected a BundleFileError, got ${String(err)}`);
  expect(err.message.split("\n")).toHaveLength(1);
  expect(err.code).toBe("BUNDLE_INVALID");
  return err;
}

describe("one flipped byte anywhere is caught and the file named", () => {
  it("the pristine bundle has all eight files and verifies", async () => {
    expect(pristineFiles).toHaveLength(8);
    await expect(verifyBundle(pristine)).resolves.toMatchObject({ ok: true });
  });

  const positions = [0, 0.5, 1];
  it.each([
    "calibration.json",
    "config.json",
    "manifest.json",
    "manifest.sha256.json",
    "metrics.json",
    "models/lr_a.onnx",
    "models/lr_b.onnx",
    "preprocessing.json",
  ])("%s", async (file) => {
    expect(pristineFiles).toContain(file);
    for (const at of positions) {
      const dir = copy();
      flipByte(join(dir, file), at);
      const err = await failure(dir);
      expect(err.message, `byte at ${at}`).toContain(file);
      if (file === "manifest.sha256.json") {
        // Either the pin file is unreadable, or it no longer matches manifest.json: both name it.
        expect(["manifest.json", "manifest.sha256.json"]).toContain(err.file);
      } else {
        expect(err.file, `byte at ${at}`).toBe(file);
      }
      if (!file.startsWith("manifest"))
        expect(err.reason).toMatch(/^checksum mismatch \(expected [0-9a-f]{12}…, actual [0-9a-f]{12}…\)$/);
      if (file === "manifest.json")
        expect(err.reason).toMatch(/^sha256 mismatch with manifest\.sha256\.json/);
    }
  });

  it("covers every file the bundle has (a new file kind must join the list above)", () => {
    expect(pristineFiles).toEqual([
      "calibration.json",
      "config.json",
      "manifest.json",
      "manifest.sha256.json",
      "metrics.json",
      "models/lr_a.onnx",
      "models/lr_b.onnx",
      "preprocessing.json",
    ]);
  });
});

describe("missing, extra and linked files", () => {
  it("deleting any file names it as missing", async () => {
    for (const file of pristineFiles) {
      const dir = copy();
      rmSync(join(dir, file));
      const err = await failure(dir);
      expect([file, err.file, err.reason]).toEqual([file, file, "missing"]);
    }
  });

  it("deleting models/ names it", async () => {
    const dir = copy();
    rmSync(join(dir, "models"), { recursive: true });
    expect((await failure(dir)).file).toBe("models/");
  });

  it.each([
    ["x.pkl", "unexpected file: is not allowed in a bundle: only .json and .onnx files"],
    ["model.py", "unexpected file: is not allowed in a bundle"],
    ["models/lib.so", "unexpected file: is not allowed in a bundle"],
    ["extra.json", "unexpected file: not listed in manifest.json"],
    ["models/extra.onnx", "unexpected file: not listed in manifest.json"],
    [".hidden.json", "unexpected file: must be letters, digits"],
  ])("an extra %s is refused", async (file, reason) => {
    const dir = copy();
    writeFileSync(
      join(dir, file),
      file.endsWith(".onnx") ? tinyLogisticOnnx({ weights: [1], bias: 0 }) : "{}\n",
    );
    const err = await failure(dir);
    expect(err.file).toBe(file);
    expect(err.reason).toContain(reason);
  });

  it("an extra subdirectory is refused, even an empty one; so is a directory inside models/", async () => {
    for (const sub of ["code", "models/nested"]) {
      const dir = copy();
      mkdirSync(join(dir, sub));
      const err = await failure(dir);
      expect(err.file).toBe(`${sub}/`);
      expect(err.reason).toMatch(/^unexpected directory/);
    }
  });

  it("a symlink is refused: an extra one, and one standing in for a listed file with the right content", async () => {
    const extra = copy();
    symlinkSync(join(extra, "metrics.json"), join(extra, "link.json"));
    expect(await failure(extra)).toMatchObject({
      file: "link.json",
      reason: expect.stringMatching(/symlink/),
    });

    const standIn = copy();
    const outside = join(tempDir(), "lr_a.onnx");
    cpSync(join(standIn, "models/lr_a.onnx"), outside);
    rmSync(join(standIn, "models/lr_a.onnx"));
    symlinkSync(outside, join(standIn, "models/lr_a.onnx"));
    expect(await failure(standIn)).toMatchObject({
      file: "models/lr_a.onnx",
      reason: expect.stringMatching(/symlink/),
    });

    const linkedDir = copy();
    const elsewhere = join(tempDir(), "models");
    cpSync(join(linkedDir, "models"), elsewhere, { recursive: true });
    rmSync(join(linkedDir, "models"), { recursive: true });
    symlinkSync(elsewhere, join(linkedDir, "models"));
    expect((await failure(linkedDir)).file).toBe("models/");

    const linkedManifest = copy();
    cpSync(join(linkedManifest, "manifest.json"), join(tempDir(), "m.json"));
    rmSync(join(linkedManifest, "manifest.json"));
    symlinkSync(join(pristine, "manifest.json"), join(linkedManifest, "manifest.json"));
    expect(await failure(linkedManifest)).toMatchObject({
      file: "manifest.json",
      reason: expect.stringMatching(/symlink/),
    });
  });

  it("a directory that is not there, or a file instead of a directory", async () => {
    const root = tempDir();
    expect((await failure(join(root, "nope"))).reason).toBe("no such directory");
    writeFileSync(join(root, "file"), "x");
    expect((await failure(join(root, "file"))).reason).toBe("is not a directory");
  });
});

describe("forgeries that re-seal manifest.sha256.json", () => {
  it("a manifest edited without recomputing bundle_checksum: bundle checksum mismatch", async () => {
    const dir = copy();
    reseal(dir, (m) => (m.warmup_bars = 0), false);
    const err = await failure(dir);
    expect(err.file).toBe("manifest.json");
    expect(err.reason).toMatch(/^bundle checksum mismatch \(expected [0-9a-f]{12}…, actual [0-9a-f]{12}…\)$/);
  });

  it("a changed `created` alone keeps the checksum (it is not content) and still verifies once resealed", async () => {
    const dir = copy();
    reseal(dir, (m) => (m.created = "2030-01-01T00:00:00Z"), false);
    const ok = await verifyBundle(dir);
    expect(ok.bundle_checksum).toBe((await verifyBundle(pristine)).bundle_checksum);
  });

  it("a fully re-sealed forgery passes the checksums but not a comparison with the trusted checksum", async () => {
    const trusted = (await verifyBundle(pristine)).bundle_checksum;
    const dir = copy();
    reseal(dir, (m) => (m.warmup_bars = 0));
    await expect(verifyBundle(dir)).resolves.toMatchObject({ ok: true });
    await expect(verifyBundle(pristine, { expectChecksum: trusted })).resolves.toMatchObject({ ok: true });
    const err = await failure(verifyBundle(dir, { expectChecksum: trusted }));
    expect(err.file).toBe("manifest.json");
    expect(err.reason).toMatch(/is not the expected [0-9a-f]{12}…: this is another bundle$/);
  });

  it("a model replaced by a pickle that the manifest lists with its true hash: not an ONNX model", async () => {
    const pickle = Uint8Array.from([0x80, 0x04, 0x95, 0x0b, 0, 0, 0, 0, 0, 0, 0, 0x7d, 0x94, 0x2e]);
    const dir = copy();
    replaceAndReseal(dir, "models/lr_a.onnx", pickle);
    const err = await failure(dir);
    expect(err.file).toBe("models/lr_a.onnx");
    expect(err.reason).toMatch(/^not an ONNX model: /);
  });

  it("a JSON file replaced by non-JSON with its true hash: not JSON", async () => {
    const dir = copy();
    replaceAndReseal(dir, "config.json", "seed: 7\n");
    expect(await failure(dir)).toMatchObject({
      file: "config.json",
      reason: expect.stringMatching(/^not JSON: /),
    });
    const latin1 = copy();
    replaceAndReseal(latin1, "metrics.json", Uint8Array.from([0x22, 0xe9, 0x22]));
    expect((await failure(latin1)).reason).toBe("not JSON: the bytes are not UTF-8 text");
  });

  it("a model whose graph disagrees with its manifest entry", async () => {
    const dir = copy();
    replaceAndReseal(
      dir,
      "models/lr_b.onnx",
      tinyLogisticOnnx({ weights: [1, 1, 1, 1], bias: 0, inputName: "x" }),
    );
    const err = await failure(dir);
    expect(err.file).toBe("models/lr_b.onnx");
    expect(err.reason).toContain(`manifest.json models[1].input_name is "features"`);
    const opset = copy();
    replaceAndReseal(
      opset,
      "models/lr_a.onnx",
      tinyLogisticOnnx({ weights: [1, 1, 1, 1], bias: 0, opset: 13 }),
    );
    expect((await failure(opset)).reason).toContain("opset 13, but manifest.json models[0].opset is 17");
  });

  it("a model with external tensor data is refused", async () => {
    const dir = copy();
    replaceAndReseal(dir, "models/lr_a.onnx", externalDataOnnx());
    expect((await failure(dir)).reason).toContain("stored as external data");
  });

  it("a .pkl or .py listed in the manifest (with its true hash) is a schema error", async () => {
    for (const file of ["model.pkl", "models/hook.py"]) {
      const dir = copy();
      replaceAndReseal(dir, file, "import os\n");
      const err = await failure(dir);
      expect(err.file).toBe("manifest.json");
      expect(err.reason).toContain(`schema error at files[${JSON.stringify(file)}]`);
      expect(err.reason).toContain("only .json and .onnx files");
    }
  });

  it("schema errors name the field path", async () => {
    const cases: [(m: Record<string, unknown>) => void, RegExp][] = [
      [(m) => (m.version = "1.0"), /^schema error at version: expected a semantic version/],
      [(m) => (m.created = "2025-01-02 03:04:05"), /^schema error at created: /],
      [(m) => (m.created = "2025-01-02T03:04:05+01:00"), /^schema error at created: /],
      [
        (m) => ((m.models as Record<string, unknown>[])[1]!.file = "models/x.onnx"),
        /^schema error at models\[1\]\.file: /,
      ],
      [(m) => (m.outputs = ["p_up", "probability"]), /^schema error at outputs\[1\]: /],
      [
        (m) => ((m.fingerprints as Record<string, unknown>).config_sha256 = "ABC"),
        /^schema error at fingerprints\.config_sha256: /,
      ],
      [(m) => (m.extra = 1), /^schema error at \(root\): Unrecognized key: "extra"/],
      [
        (m) => delete (m.files as Record<string, unknown>)["metrics.json"],
        /^schema error at metrics: "metrics\.json" is not listed in files/,
      ],
      [
        (m) => ((m.feature_schema as { names: string[] }).names[0] = "ret_2m"),
        /^schema error at feature_schema\.sha256: /,
      ],
      [
        (m) => (m.input = { view: "feature_matrix", shape: ["batch", 5] }),
        /^schema error at input\.shape: the feature_matrix is 5 wide but feature_schema has 4 names$/,
      ],
      [(m) => (m.format_version = 2), /^format_version 2 is not supported \(this mlf reads 1\)$/],
      [(m) => (m.format = "other"), /^format is "other", not "mlf-bundle"$/],
    ];
    for (const [edit, reason] of cases) {
      const dir = copy();
      reseal(dir, edit);
      const err = await failure(dir);
      expect(err.file).toBe("manifest.json");
      expect(err.reason).toMatch(reason);
    }
  });

  it("manifest.sha256.json with a bad shape or missing manifest.json", async () => {
    const dir = copy();
    writeFileSync(join(dir, "manifest.sha256.json"), toJsonText({ sha: "x" }));
    const err = await failure(dir);
    expect(err.file).toBe("manifest.sha256.json");
    expect(err.reason).toMatch(/^schema error at /);
    const gone = copy();
    rmSync(join(gone, "manifest.json"));
    expect(await failure(gone)).toMatchObject({ file: "manifest.json", reason: "missing" });
    expect(readFileSync(join(pristine, "manifest.json")).length).toBeGreaterThan(0);
  });
});
