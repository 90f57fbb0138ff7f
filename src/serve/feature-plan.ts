/**
 * Which feature columns a bundle needs, as the feature engine's column selection: the same
 * `features:` section `mlf predict` recomputes (preprocessing.json's feature_config, parsed with the
 * config defaults), the bundle's volume setting and its roll handling. Bundles with equal plans
 * share one engine per stream: a fallback or a reloaded bundle on the same features costs nothing.
 */
import { createHash } from "node:crypto";
import { parseConfig } from "../config/load.ts";
import { BundleError } from "../core/errors.ts";
import { FeatureEngine } from "../features/engine/feature-engine.ts";
import type { ColumnSelection } from "../features/registry.ts";
import type { Preprocessing } from "../models/preprocessing.ts";
import type { AdjustMode } from "../rolls/adjust.ts";

export interface FeaturePlanSpec {
  /** Identity of the selection and roll handling: equal keys give identical rows. */
  readonly key: string;
  readonly selection: ColumnSelection;
  /** The engine's output columns, in order (equal to the bundle's feature names). */
  readonly names: readonly string[];
  /**
   * Point-in-time back-adjustment at rolls (rolls.handling adjust_ratio / adjust_difference), or
   * null (none, mask: features on the series as given, as `mlf predict` computes them).
   */
  readonly adjust: AdjustMode | null;
  /** Bars replayed before a roll into the new segment's engine: the bundle's warm-up, as predict does. */
  readonly replayBars: number;
  /**
   * Feature rows a stream keeps for the deployment's window models (their longest L; absent or 0:
   * only the last row). Not part of the key: it changes what is kept, not what is computed.
   */
  readonly keep?: number;
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
  const handling = pre.rollHandling ?? "none";
  const adjust: AdjustMode | null =
    handling === "adjust_ratio" ? "ratio" : handling === "adjust_difference" ? "difference" : null;
  const replayBars = pre.warmupBars;
  const key = createHash("sha256")
    .update(
      JSON.stringify({
        v: pre.hasVolume,
        f: selection.families ?? null,
        x: selection.exclude ?? [],
        names,
        adjust,
        replay: adjust ? replayBars : null,
      }),
    )
    .digest("hex")
    .slice(0, 16);
  return { key, selection, names, adjust, replayBars };
}
