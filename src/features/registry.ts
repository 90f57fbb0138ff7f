/**
 * The feature registry: the nine family lists concatenated in a fixed order. The CLI (`mlf features
 * --list`), the engine, the feature file's metadata and the contract tests all read it; nothing else
 * lists features.
 */
import { ConfigError, invariant } from "../core/errors.ts";
import { type TimeframeId, timeframe } from "../core/timeframes.ts";
import { specs as interaction } from "./interaction/index.ts";
import { specs as microstructure } from "./microstructure/index.ts";
import { specs as momentum } from "./momentum/index.ts";
import { specs as regime } from "./regime/index.ts";
import { specs as statistics } from "./statistics/index.ts";
import { specs as time } from "./time/index.ts";
import type { DerivedSpec, FeatureFamily, FeatureSpec, IndicatorSpec } from "./types.ts";
import { specs as volatility } from "./volatility/index.ts";
import { specs as volume } from "./volume/index.ts";
import { specs as wavelet } from "./wavelet/index.ts";

/** Every spec, family by family. The engine runs all indicators of a block before any derived spec. */
export const FEATURE_SPECS: readonly FeatureSpec[] = [
  ...momentum,
  ...volatility,
  ...volume,
  ...microstructure,
  ...regime,
  ...interaction,
  ...wavelet,
  ...statistics,
  ...time,
];

export interface FeatureColumn {
  name: string;
  family: FeatureFamily;
  timeframe: TimeframeId | "1m-derived";
  /**
   * Indicators: bars of their own timeframe that are NaN at the start of a clean series (the spec's
   * warmup). Derived columns: the largest input warm-up expressed in 1m bars (warmup × minutes), which
   * holds on a gap-free grid.
   */
  warmupBars: number;
  definition: string;
  needsVolume: boolean;
}

/** One output column and the spec (and, for indicators, the timeframe and output index) behind it. */
export type ColumnSource =
  | { column: FeatureColumn; spec: IndicatorSpec; tf: TimeframeId; output: number }
  | { column: FeatureColumn; spec: DerivedSpec };

function indicatorColumns(spec: IndicatorSpec): ColumnSource[] {
  const out: ColumnSource[] = [];
  for (const tf of spec.timeframes) {
    spec.outputs.forEach((o, k) => {
      out.push({
        spec,
        tf,
        output: k,
        column: {
          name: `${o.name}_${tf}`,
          family: spec.family,
          timeframe: tf,
          warmupBars: spec.warmup,
          definition: o.definition,
          needsVolume: spec.needsVolume,
        },
      });
    });
  }
  return out;
}

/**
 * Every column the registry can produce, in registry order, with their sources. A derived spec's
 * inputs must be indicator columns or columns of derived specs listed before it (a bug if not).
 */
export function allColumnSources(specs: readonly FeatureSpec[] = FEATURE_SPECS): ColumnSource[] {
  const ids = new Set<string>();
  const byName = new Map<string, ColumnSource>();
  const perSpec = new Map<FeatureSpec, ColumnSource[]>();
  const add = (spec: FeatureSpec, cols: ColumnSource[]) => {
    for (const c of cols) {
      invariant(!byName.has(c.column.name), `feature column '${c.column.name}' is produced twice`);
      byName.set(c.column.name, c);
    }
    perSpec.set(spec, cols);
  };
  for (const s of specs) {
    invariant(!ids.has(s.id), `feature spec id '${s.id}' is registered twice`);
    ids.add(s.id);
    if (s.kind === "indicator") add(s, indicatorColumns(s));
  }
  for (const s of specs) if (s.kind === "derived") add(s, [derivedColumn(s, byName)]);
  return specs.flatMap((s) => perSpec.get(s) ?? []);
}

function derivedColumn(spec: DerivedSpec, known: ReadonlyMap<string, ColumnSource>): ColumnSource {
  let warmup = 0;
  let needsVolume = false;
  for (const name of spec.inputs) {
    const src = known.get(name);
    invariant(src, `${spec.id}: input column '${name}' is not registered before it`);
    const c = src.column;
    const minutes = c.timeframe === "1m-derived" ? 1 : timeframe(c.timeframe).minutes;
    warmup = Math.max(warmup, c.warmupBars * minutes);
    needsVolume ||= c.needsVolume;
  }
  return {
    spec,
    column: {
      name: spec.output.name,
      family: spec.family,
      timeframe: "1m-derived",
      warmupBars: warmup,
      definition: spec.output.definition,
      needsVolume,
    },
  };
}

export interface ColumnSelection {
  hasVolume: boolean;
  families?: readonly FeatureFamily[] | undefined;
  exclude?: readonly string[] | undefined;
}

/**
 * The columns a run produces, with their sources: volume columns are left out when the data has no
 * volume, then the families filter and the exclude list apply. An excluded name that is no column at
 * all is a config error (a typo would otherwise pass silently).
 */
export function selectColumnSources(
  opts: ColumnSelection,
  specs: readonly FeatureSpec[] = FEATURE_SPECS,
): ColumnSource[] {
  const all = allColumnSources(specs);
  const names = new Set(all.map((c) => c.column.name));
  for (const name of opts.exclude ?? []) {
    if (!names.has(name)) {
      throw new ConfigError(
        `features.exclude names '${name}', which is no feature column: see 'mlf features --list'`,
        "features.exclude",
      );
    }
  }
  const excluded = new Set(opts.exclude ?? []);
  const families = opts.families ? new Set(opts.families) : undefined;
  return all.filter(
    (c) =>
      (opts.hasVolume || !c.column.needsVolume) &&
      (!families || families.has(c.column.family)) &&
      !excluded.has(c.column.name),
  );
}

export function listFeatureColumns(opts: {
  hasVolume: boolean;
  families?: readonly FeatureFamily[];
  exclude?: readonly string[];
}): FeatureColumn[] {
  return selectColumnSources(opts).map((c) => c.column);
}
