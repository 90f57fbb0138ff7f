/**
 * inspectBundle: a verified bundle summarised for people (`mlf bundle inspect`) and scripts (--json).
 */
import { z } from "zod";
import { loadBundle } from "./load.ts";
import type { VerifyOptions } from "./verify.ts";

export interface BundleSummary {
  dir: string;
  name: string;
  version: string;
  created: string;
  bundle_checksum: string;
  mlf_version: string;
  symbol: string;
  input: { view: string; shape: (string | number)[] };
  outputs: string[];
  models: {
    name: string;
    model: string;
    file: string;
    bytes: number;
    opset: number;
    outputs: string[];
    /** What one sample of the graph's input is (manifest view and input_shape), when recorded. */
    input: { view: string; shape: number[] } | null;
  }[];
  feature_count: number;
  feature_schema_sha256: string;
  warmup_bars: number;
  calibration: string | null;
  fingerprints: { dataset_sha256: string; config_sha256: string };
  files: number;
  total_bytes: number;
  /** The numbers in metrics.json's `test` section, when it has one. */
  metrics_test: Record<string, number> | null;
}

const MetricsSchema = z.looseObject({ test: z.unknown().optional() });

function numbersOf(section: unknown): Record<string, number> | null {
  if (section === null || typeof section !== "object" || Array.isArray(section)) return null;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(section)) if (typeof v === "number") out[k] = v;
  return out;
}

export async function inspectBundle(dir: string, options: VerifyOptions = {}): Promise<BundleSummary> {
  const bundle = await loadBundle(dir, options);
  const m = bundle.manifest;
  const metrics = await bundle.readJson(m.metrics, MetricsSchema);
  const sizes = Object.values(m.files).map((f) => f.bytes);
  return {
    dir,
    name: m.name,
    version: m.version,
    created: m.created,
    bundle_checksum: m.bundle_checksum,
    mlf_version: m.mlf_version,
    symbol: m.symbol,
    input: m.input,
    outputs: m.outputs,
    models: m.models.map((x) => ({
      name: x.name,
      model: x.model,
      file: x.file,
      bytes: m.files[x.file]?.bytes ?? 0,
      opset: x.opset,
      outputs: x.outputs,
      input:
        x.view !== undefined && x.input_shape !== undefined ? { view: x.view, shape: x.input_shape } : null,
    })),
    feature_count: m.feature_schema.names.length,
    feature_schema_sha256: m.feature_schema.sha256,
    warmup_bars: m.warmup_bars,
    calibration: m.calibration,
    fingerprints: m.fingerprints,
    files: sizes.length,
    total_bytes: sizes.reduce((a, b) => a + b, 0),
    metrics_test: numbersOf(metrics.test),
  };
}

function formatMetric(v: number): string {
  return Number.isInteger(v) ? v.toLocaleString("en-US") : v.toPrecision(4);
}

export function formatBundleSummary(s: BundleSummary): string {
  const width = Math.max(...s.models.map((x) => x.name.length), 4);
  const modelWidth = Math.max(...s.models.map((x) => x.model.length), 5);
  const lines = [
    `bundle:      ${s.name} ${s.version} (${s.dir})`,
    `checksum:    ${s.bundle_checksum}`,
    `created:     ${s.created} by mlf ${s.mlf_version}`,
    `symbol:      ${s.symbol}`,
    `input:       ${s.input.view} [${s.input.shape.join(", ")}]`,
    `features:    ${s.feature_count} float32 (schema sha256 ${s.feature_schema_sha256.slice(0, 12)}…)`,
    `warm-up:     ${s.warmup_bars.toLocaleString("en-US")} bars`,
    `outputs:     ${s.outputs.join(", ")}`,
    "models:",
    ...s.models.map(
      (x) =>
        `  ${x.name.padEnd(width)}  ${x.model.padEnd(modelWidth)}  ${x.bytes.toLocaleString("en-US").padStart(12)} bytes  opset ${x.opset}  → ${x.outputs.join(", ")}${x.input ? `  (reads ${x.input.view} [${x.input.shape.join(", ")}])` : ""}`,
    ),
    `calibration: ${s.calibration ?? "none"}`,
    `data:        sha256 ${s.fingerprints.dataset_sha256.slice(0, 12)}…, config sha256 ${s.fingerprints.config_sha256.slice(0, 12)}…`,
  ];
  if (s.metrics_test !== null) {
    const entries = Object.entries(s.metrics_test).map(([k, v]) => `${k} ${formatMetric(v)}`);
    lines.push(`test:        ${entries.length > 0 ? entries.join(", ") : "(no numbers)"}`);
  }
  lines.push(
    `verified:    ${s.files} files, ${s.total_bytes.toLocaleString("en-US")} bytes, every checksum matches`,
  );
  return `${lines.join("\n")}\n`;
}
