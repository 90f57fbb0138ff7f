/**
 * Which feature columns a bundle needs, as the feature engine's column selection: the same
 * `features:` section `mlf predict` recomputes (preprocessing.json's feature_config, parsed with the
 * config defaults) and the bundle's volume setting. Bundles with equal selections share one engine
 * per stream: a fallback or a reloaded bundle trained on the same features costs nothing extra.
 */
import { createHash } from "node:crypto";
import { parseConfig } from "../config/load.ts";
import { BundleError } from "../core/errors.ts";
import { FeatureEngine } from "../features/engine/feature-engine.ts";
import type { ColumnSelection } from "../features/registry.ts";
import type { Preprocessing } from "../models/preprocessing.ts";

export interface FeaturePlanSpec {
  /** Identity of the selection: equal keys give identical columns. */
  readonly key: string;
  readonly selection: ColumnSelection;
  /** The engine's output columns, in order (equal to the bundle's feature names). */
  readonly names: readonly string[];
}

export function planOf(pre: Preprocessing, source: string): FeaturePlanSpec {
  const config = parseConfig({
    features: {
      ...(pre.featureConfig.families ? { families: pre.featureConfig.families } : {}),
      exclude: pre.featureConfig.exclude,
    },
  });
  const selection: ColumnSelection = {
    hasVolume: pre.hasVolume,
    families: config.features.families,
    exclude: config.features.exclude,
  };
  const names = new FeatureEngine(selection).columns.map((c) => c.name);
  if (names.length !== pre.featureNames.length || names.some((n, i) => n !== pre.featureNames[i])) {
    const missing = pre.featureNames.filter((n) => !names.includes(n));
    throw new BundleError(
      `${source}: the feature engine computes ${names.length} columns for this bundle's feature config but the bundle expects ${pre.featureNames.length}${missing.length ? ` (missing ${missing.slice(0, 3).join(", ")}…)` : ""}: it was trained by an incompatible mlf`,
    );
  }
  const key = createHash("sha256")
    .update(
      JSON.stringify({ v: pre.hasVolume, f: selection.families ?? null, x: selection.exclude ?? [], names }),
    )
    .digest("hex")
    .slice(0, 16);
  return { key, selection, names };
}
