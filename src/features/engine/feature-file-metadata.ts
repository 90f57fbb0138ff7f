/**
 * Schema metadata of the feature file: what produced it, from what, and what it holds. Values are
 * strings (Arrow metadata); lists are JSON. Nothing time- or machine-dependent goes in, so the file
 * stays byte-identical across runs.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { ExperimentConfig } from "../../config/schema.ts";
import { fingerprintConfig } from "../../data/fingerprint.ts";
import type { FeatureColumn } from "../registry.ts";
import { allColumnSources } from "../registry.ts";

/** What the feature file needs to know about its data (a subset of the dataset metadata). */
export interface FeatureFileMeta {
  /** fingerprintBars of the canonical bars. */
  fingerprint: string;
  hasVolume: boolean;
  warnings: readonly string[];
}

let version: string | undefined;
export function mlfVersion(): string {
  if (version === undefined) {
    const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, "../../../package.json"), "utf8"));
    version = String(pkg.version);
  }
  return version;
}

export const METADATA_KEYS = {
  dataFingerprint: "mlf.data_fingerprint",
  configFingerprint: "mlf.config_fingerprint",
  hasVolume: "mlf.has_volume",
  warnings: "mlf.warnings",
  features: "mlf.features",
  skippedVolume: "mlf.skipped_volume_columns",
  version: "mlf.version",
} as const;

export function featureFileMetadata(
  meta: FeatureFileMeta,
  config: ExperimentConfig,
  columns: readonly FeatureColumn[],
): Map<string, string> {
  // Without volume, the columns that need it are left out; name them so the file says what is missing.
  const skipped = meta.hasVolume
    ? []
    : allColumnSources()
        .filter((c) => c.column.needsVolume)
        .map((c) => c.column.name);
  return new Map([
    [METADATA_KEYS.dataFingerprint, meta.fingerprint],
    [METADATA_KEYS.configFingerprint, fingerprintConfig(config)],
    [METADATA_KEYS.hasVolume, String(meta.hasVolume)],
    [METADATA_KEYS.warnings, JSON.stringify(meta.warnings)],
    [METADATA_KEYS.skippedVolume, JSON.stringify(skipped)],
    [METADATA_KEYS.features, JSON.stringify(columns)],
    [METADATA_KEYS.version, mlfVersion()],
  ]);
}
