/**
 * What a run computes: the selected output columns, plus every column a selected derived column
 * reads (computed but not written), grouped into one kernel per (indicator, timeframe).
 */
import type { TimeframeId } from "../../core/timeframes.ts";
import {
  allColumnSources,
  type ColumnSelection,
  type ColumnSource,
  selectColumnSources,
} from "../registry.ts";
import type { DerivedSpec, FeatureSpec, IndicatorSpec } from "../types.ts";

/** Where one computed value goes: an output column and/or a float64 block buffer for derived specs. */
export interface ColumnSink {
  name: string;
  /** Index in the engine's output columns, or -1 when the column is only an input of a derived spec. */
  outIndex: number;
  /** Needs a float64 block buffer because a derived spec reads it. */
  feedsDerived: boolean;
}

export interface KernelPlan {
  spec: IndicatorSpec;
  tf: TimeframeId;
  /** One entry per spec output; null when that output is neither written nor read. */
  sinks: (ColumnSink | null)[];
}

export interface DerivedPlan {
  spec: DerivedSpec;
  sink: ColumnSink;
}

export interface FeaturePlan {
  outputs: ColumnSource[];
  kernels: KernelPlan[];
  derived: DerivedPlan[];
  timeframes: TimeframeId[];
}

export function planFeatures(selection: ColumnSelection, specs?: readonly FeatureSpec[]): FeaturePlan {
  const outputs = selectColumnSources(selection, specs);
  const all = new Map(allColumnSources(specs).map((c) => [c.column.name, c]));
  const outIndex = new Map(outputs.map((c, j) => [c.column.name, j]));

  // Close over derived inputs: everything a selected derived column reads must be computed.
  const needed = new Set(outputs.map((c) => c.column.name));
  const feedsDerived = new Set<string>();
  const stack = outputs.filter((c) => c.spec.kind === "derived");
  while (stack.length > 0) {
    const c = stack.pop()!;
    if (c.spec.kind !== "derived") continue;
    for (const name of c.spec.inputs) {
      feedsDerived.add(name);
      if (needed.has(name)) continue;
      needed.add(name);
      const src = all.get(name)!;
      if (src.spec.kind === "derived") stack.push(src);
    }
  }

  const sinkOf = (name: string): ColumnSink => ({
    name,
    outIndex: outIndex.get(name) ?? -1,
    feedsDerived: feedsDerived.has(name),
  });
  const kernels = new Map<string, KernelPlan>();
  const derived: DerivedPlan[] = [];
  // Registry order keeps kernels, derived evaluation and therefore the output deterministic.
  for (const c of all.values()) {
    if (!needed.has(c.column.name)) continue;
    if (c.spec.kind === "derived") {
      derived.push({ spec: c.spec, sink: sinkOf(c.column.name) });
      continue;
    }
    if (!("tf" in c)) continue;
    const key = `${c.spec.id}@${c.tf}`;
    let k = kernels.get(key);
    if (!k) {
      k = { spec: c.spec, tf: c.tf, sinks: c.spec.outputs.map(() => null) };
      kernels.set(key, k);
    }
    k.sinks[c.output] = sinkOf(c.column.name);
  }
  const timeframes = [...new Set([...kernels.values()].map((k) => k.tf))];
  return { outputs, kernels: [...kernels.values()], derived, timeframes };
}

/**
 * Estimated time per 1m row, in ns on the 2-vCPU VM (bench/features-kernels.ts; rough). Calibrated on
 * 1M-row runs between two signals that the loaded machine made disagree: per-thread CPU time (main
 * thread busier) and per-block waits (main thread waiting for the worker).
 */
const NS = {
  /** A kernel of cost 1, per bar of its timeframe. */
  kernelBar: 35,
  /** Aligning one output column to the 1m grid, per row (1m: a copy; higher: filling runs). */
  align1m: 1,
  alignHigher: 1.5,
  /** One higher-timeframe resampler, per 1m row. */
  resample: 25,
  /** Part 0 (the caller's thread): each derived column, per row... */
  derived: 4,
  /** ...and the targets, timestamps and batch of each row, plus the labels computed once. */
  mainFixed: 100,
} as const;

/**
 * Splits a plan's kernels into `parts` groups for parallel engines, balanced on an estimate of their
 * cost (NS above, with each spec's `cost`). Part 0 is the caller's thread: it also runs the derived
 * specs (once every part's inputs are in), builds the record batches and computes the targets. Each
 * higher timeframe goes whole to one part (its resampler and all its kernels, so that no bar is
 * resampled twice), costliest first, each to the least loaded part; then the 1m kernels, longest
 * first, fill up the balance the same way. With the kernels compiled ahead of time (src/features/wasm)
 * a higher timeframe's cost is mostly its resampling and its columns' alignment to the 1m grid, which
 * this keeps together. Deterministic: every thread computes the same assignment from the same plan;
 * which thread runs a kernel never changes its values.
 */
export function partitionPlan(plan: FeaturePlan, parts: number): { kernelPart: number[] } {
  const minutesOf = (tf: string) => Number.parseInt(tf, 10) * (tf.endsWith("h") ? 60 : 1);
  const cost = plan.kernels.map((k) => {
    const minutes = minutesOf(k.tf);
    const columns = k.sinks.filter((x) => x).length;
    return (
      ((k.spec.cost ?? 1) * NS.kernelBar) / minutes + columns * (minutes === 1 ? NS.align1m : NS.alignHigher)
    );
  });
  const load = new Array<number>(parts).fill(0);
  load[0] = NS.mainFixed + NS.derived * plan.derived.length;
  const kernelPart = new Array<number>(plan.kernels.length).fill(0);
  const leastLoaded = () => load.reduce((best, l, p) => (l < load[best] ? p : best), 0);
  const groups = new Map<string, { cost: number; kernels: number[] }>();
  plan.kernels.forEach((k, i) => {
    if (k.tf === "1m") return;
    let g = groups.get(k.tf);
    if (!g) {
      g = { cost: NS.resample, kernels: [] };
      groups.set(k.tf, g);
    }
    g.cost += cost[i];
    g.kernels.push(i);
  });
  for (const g of [...groups.values()].sort((a, b) => b.cost - a.cost || a.kernels[0] - b.kernels[0])) {
    const p = leastLoaded();
    load[p] += g.cost;
    for (const i of g.kernels) kernelPart[i] = p;
  }
  const oneMinute = plan.kernels.map((_, i) => i).filter((i) => plan.kernels[i].tf === "1m");
  for (const i of oneMinute.sort((a, b) => cost[b] - cost[a] || a - b)) {
    const p = leastLoaded();
    load[p] += cost[i];
    kernelPart[i] = p;
  }
  return { kernelPart };
}
