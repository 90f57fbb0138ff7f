/**
 * A bundle written, verified, loaded and inspected; then written again at another time to show the
 * checksum is the content's identity and every byte but the manifest's is reproduced.
 */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  BundleFileError,
  computeBundleChecksum,
  formatBundleSummary,
  inspectBundle,
  loadBundle,
  verifyBundle,
  writeBundle,
} from "../../src/bundle/index.ts";
import { sha256Hex } from "../../src/bundle/manifest.ts";
import { bundleInput, FEATURES, listTree, tempDir } from "./fixtures.ts";

const EXPECTED_TREE = [
  "calibration.json",
  "config.json",
  "manifest.json",
  "manifest.sha256.json",
  "metrics.json",
  "models/lr_a.onnx",
  "models/lr_b.onnx",
  "preprocessing.json",
];

describe("bundle round trip", () => {
  it("write → verify → load → inspect", async () => {
    const dir = join(tempDir(), "es-tiny");
    const written = await writeBundle(dir, bundleInput());
    expect(listTree(dir)).toEqual(EXPECTED_TREE);

    const verified = await verifyBundle(dir);
    expect(verified.ok).toBe(true);
    expect(verified.bundle_checksum).toBe(written.bundle_checksum);
    expect(verified.manifest).toEqual(written.manifest);
    expect(verified.manifest.format).toBe("mlf-bundle");
    expect(verified.manifest.format_version).toBe(1);

    const m = verified.manifest;
    expect(Object.keys(m.files).sort()).toEqual(EXPECTED_TREE.filter((p) => !p.startsWith("manifest")));
    for (const [path, entry] of Object.entries(m.files)) {
      const bytes = readFileSync(join(dir, path));
      expect(entry).toEqual({ sha256: sha256Hex(bytes), bytes: bytes.length });
    }
    const raw = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Record<string, unknown>;
    expect(computeBundleChecksum(raw)).toBe(m.bundle_checksum);
    const shaFile = JSON.parse(readFileSync(join(dir, "manifest.sha256.json"), "utf8"));
    expect(shaFile).toEqual({ manifest_sha256: sha256Hex(readFileSync(join(dir, "manifest.json"))) });

    const bundle = await loadBundle(dir);
    const metrics = await bundle.readJson("metrics.json", z.object({ test: z.object({ auc: z.number() }) }));
    expect(metrics.test.auc).toBe(0.5312);
    await expect(
      bundle.readJson("metrics.json", z.object({ test: z.object({ auc: z.string() }) })),
    ).rejects.toThrow(/metrics\.json: does not match the expected schema at test\.auc/);
    await expect(bundle.readJson("nothing.json", z.unknown())).rejects.toThrow(
      /nothing\.json: is not a file/,
    );

    // The served model bytes run in onnxruntime-node and compute sigmoid(x·w + b).
    const session = await ort.InferenceSession.create(await bundle.onnxBytes("lr_a"));
    const out = await session.run({
      features: new ort.Tensor("float32", Float32Array.from([1, 1, 1, 1]), [1, FEATURES.length]),
    });
    expect(out.p_up?.data[0]).toBeCloseTo(1 / (1 + Math.exp(-(0.5 - 1 + 2 + 0.1 + 0.25))), 6);
    await expect(bundle.onnxBytes("lr_z")).rejects.toThrow(
      /no model "lr_z" in this bundle \(it has lr_a, lr_b\)/,
    );

    const summary = await inspectBundle(dir);
    expect(summary).toMatchObject({
      name: "es-tiny",
      version: "1.0.0",
      created: "2025-01-02T03:04:05Z",
      bundle_checksum: written.bundle_checksum,
      symbol: "ES",
      outputs: ["p_up"],
      feature_count: 4,
      feature_schema_sha256: m.feature_schema.sha256,
      warmup_bars: 1440,
      calibration: "calibration.json",
      files: 6,
      metrics_test: { auc: 0.5312, logloss: 0.6891, rows: 12000 },
    });
    expect(summary.models.map((x) => [x.name, x.bytes])).toEqual([
      ["lr_a", statSync(join(dir, "models/lr_a.onnx")).size],
      ["lr_b", statSync(join(dir, "models/lr_b.onnx")).size],
    ]);
    const text = formatBundleSummary(summary);
    expect(text).toContain(`checksum:    ${written.bundle_checksum}`);
    expect(text).toContain("test:        auc 0.5312, logloss 0.6891, rows 12,000");
  });

  it("a file changed after loading is refused when read, never served", async () => {
    const dir = join(tempDir(), "b");
    await writeBundle(dir, bundleInput());
    const bundle = await loadBundle(dir);
    writeFileSync(join(dir, "metrics.json"), '{"test": {"auc": 0.99}}\n');
    const err = await bundle.readJson("metrics.json", z.unknown()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BundleFileError);
    expect((err as BundleFileError).file).toBe("metrics.json");
    expect((err as BundleFileError).reason).toMatch(/^changed since the bundle was verified/);
  });

  it("writes JSON with 2-space indentation and a trailing newline, manifest keys in a fixed order", async () => {
    const dir = join(tempDir(), "b");
    const { manifest } = await writeBundle(dir, bundleInput());
    const text = readFileSync(join(dir, "manifest.json"), "utf8");
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    expect(Object.keys(JSON.parse(text))).toEqual([
      "format",
      "format_version",
      "name",
      "version",
      "created",
      "mlf_version",
      "fingerprints",
      "symbol",
      "feature_schema",
      "warmup_bars",
      "input",
      "outputs",
      "models",
      "preprocessing",
      "calibration",
      "metrics",
      "config",
      "library_versions",
      "files",
      "bundle_checksum",
    ]);
    expect(Object.keys(manifest.files)).toEqual([...Object.keys(manifest.files)].sort());
    const sha = readFileSync(join(dir, "manifest.sha256.json"), "utf8");
    expect(sha).toBe(`{\n  "manifest_sha256": "${sha256Hex(text)}"\n}\n`);
  });

  it("without calibration: calibration is null and no calibration.json is written", async () => {
    const input = bundleInput();
    input.manifest.calibration = null;
    const files = new Map(input.files);
    files.delete("calibration.json");
    const dir = join(tempDir(), "b");
    await writeBundle(dir, { manifest: input.manifest, files });
    const { manifest } = await verifyBundle(dir);
    expect(manifest.calibration).toBeNull();
    expect(listTree(dir)).not.toContain("calibration.json");
    expect((await inspectBundle(dir)).calibration).toBeNull();
  });
});

describe("bundle determinism", () => {
  it("the same content written at different times: same checksum, same bytes except the manifest pair", async () => {
    const root = tempDir();
    const a = await writeBundle(join(root, "a"), bundleInput("2025-01-02T03:04:05Z"));
    const b = await writeBundle(join(root, "b"), bundleInput("2026-06-07T08:09:10.123Z"));
    expect(b.bundle_checksum).toBe(a.bundle_checksum);
    const tree = listTree(join(root, "a"));
    expect(listTree(join(root, "b"))).toEqual(tree);
    for (const path of tree) {
      const same = readFileSync(join(root, "a", path)).equals(readFileSync(join(root, "b", path)));
      expect([path, same]).toEqual([path, !path.startsWith("manifest")]);
    }
    // Only `created` differs in the manifests.
    const ma = JSON.parse(readFileSync(join(root, "a", "manifest.json"), "utf8"));
    const mb = JSON.parse(readFileSync(join(root, "b", "manifest.json"), "utf8"));
    expect({ ...mb, created: ma.created }).toEqual(ma);
  });

  it("the same inputs at the same time give byte-identical bundles", async () => {
    const root = tempDir();
    await writeBundle(join(root, "a"), bundleInput());
    await writeBundle(join(root, "b"), bundleInput());
    for (const path of listTree(join(root, "a"))) {
      expect(readFileSync(join(root, "b", path)).equals(readFileSync(join(root, "a", path)))).toBe(true);
    }
  });

  it("any change of content changes the checksum (one model weight, one param, one metric)", async () => {
    const root = tempDir();
    const base = await writeBundle(join(root, "base"), bundleInput());
    const changed = bundleInput();
    changed.files.set("metrics.json", `${changed.files.get("metrics.json")} `);
    const c1 = await writeBundle(join(root, "c1"), changed);
    const changedParams = bundleInput();
    (changedParams.manifest.models[0] as { params: Record<string, unknown> }).params = {
      C: 1.5,
      penalty: "l2",
    };
    const c2 = await writeBundle(join(root, "c2"), changedParams);
    expect(new Set([base.bundle_checksum, c1.bundle_checksum, c2.bundle_checksum]).size).toBe(3);
  });
});
