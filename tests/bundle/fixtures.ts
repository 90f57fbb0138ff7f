/**
 * Shared bundle-test fixtures: the inputs of a small but complete bundle (two real ONNX models,
 * preprocessing, calibration, metrics, config), temp directories, and helpers that edit a written
 * bundle the way an attacker or a careless hand would.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import {
  type BundleManifestInput,
  computeBundleChecksum,
  featureSchemaSha256,
  toJsonText,
  type WriteBundleInput,
} from "../../src/bundle/index.ts";
import { sha256Hex } from "../../src/bundle/manifest.ts";
import { TINY_OPSET, tinyLogisticOnnx } from "./tiny-onnx.ts";

export const FEATURES = ["ret_1m", "rsi_14_5m", "atr_14_1h", "vol_z_15m"];

/** A writer input whose file map the test may edit. */
export interface EditableInput extends WriteBundleInput {
  files: Map<string, Uint8Array | string>;
}

export function bundleInput(created = "2025-01-02T03:04:05Z"): EditableInput {
  const dtypes = FEATURES.map(() => "float32" as const);
  const manifest: BundleManifestInput = {
    name: "es-tiny",
    version: "1.0.0",
    created,
    mlf_version: "0.1.0",
    fingerprints: { dataset_sha256: "a".repeat(64), config_sha256: "b".repeat(64) },
    symbol: "ES",
    feature_schema: { names: FEATURES, dtypes, sha256: featureSchemaSha256(FEATURES, dtypes) },
    warmup_bars: 1440,
    input: { view: "feature_matrix", shape: ["batch", FEATURES.length] },
    outputs: ["p_up"],
    models: ["lr_a", "lr_b"].map((name, i) => ({
      name,
      model: "logistic",
      file: `models/${name}.onnx`,
      input_name: "features",
      outputs: ["p_up"],
      opset: TINY_OPSET,
      params: { C: 1 + i, penalty: "l2" },
    })),
    preprocessing: "preprocessing.json",
    calibration: "calibration.json",
    metrics: "metrics.json",
    config: "config.json",
    library_versions: { "scikit-learn": "1.5.2", onnx: "1.17.0" },
  };
  const files = new Map<string, Uint8Array | string>([
    ["models/lr_a.onnx", tinyLogisticOnnx({ weights: [0.5, -1, 2, 0.1], bias: 0.25 })],
    ["models/lr_b.onnx", tinyLogisticOnnx({ weights: [-0.5, 1, 0.2, 0.3], bias: -0.1 })],
    [
      "preprocessing.json",
      toJsonText({ features: FEATURES, center: [0, 50, 1, 0], scale: [0.01, 10, 0.5, 1], nan_fill: 0 }),
    ],
    ["calibration.json", toJsonText({ method: "isotonic", x: [0, 0.5, 1], y: [0.02, 0.5, 0.97] })],
    ["metrics.json", toJsonText({ val: { auc: 0.55 }, test: { auc: 0.5312, logloss: 0.6891, rows: 12000 } })],
    ["config.json", toJsonText({ seed: 7, model: { id: "logistic", params: { C: 1 } } })],
  ]);
  return { manifest, files };
}

const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh temp directory removed after the test. */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "mlf-bundle-"));
  temps.push(d);
  return d;
}

/** Every regular file and symlink under `dir`, as sorted '/'-separated relative paths. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const visit = (sub: string) => {
    for (const e of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const path = sub === "" ? e.name : `${sub}/${e.name}`;
      if (e.isDirectory()) visit(path);
      else out.push(path);
    }
  };
  visit("");
  return out.sort();
}

/** XORs one byte of a file (position as a fraction of its length, clamped to the last byte). */
export function flipByte(file: string, at: number): void {
  const bytes = readFileSync(file);
  const i = Math.min(bytes.length - 1, Math.floor(at * bytes.length));
  bytes[i] = (bytes[i] as number) ^ 0x01;
  writeFileSync(file, bytes);
}

/**
 * Rewrites manifest.json (after `edit`) and manifest.sha256.json so that the manifest's own hash is
 * right again: what a forger who knows the format would do. `checksum` also recomputes bundle_checksum.
 */
export function reseal(dir: string, edit: (m: Record<string, unknown>) => void, checksum = true): void {
  const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Record<string, unknown>;
  edit(m);
  if (checksum) m.bundle_checksum = computeBundleChecksum(m);
  const text = toJsonText(m);
  writeFileSync(join(dir, "manifest.json"), text);
  writeFileSync(join(dir, "manifest.sha256.json"), toJsonText({ manifest_sha256: sha256Hex(text) }));
}

/** Replaces a bundle file's bytes and reseals the manifest with its new hash and size. */
export function replaceAndReseal(dir: string, path: string, bytes: Uint8Array | string): void {
  writeFileSync(join(dir, path), bytes);
  const data = readFileSync(join(dir, path));
  reseal(dir, (m) => {
    (m.files as Record<string, unknown>)[path] = { sha256: sha256Hex(data), bytes: data.length };
  });
}
