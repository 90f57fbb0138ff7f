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
 * Splits a plan's kernels into `parts` groups for parallel engines, balanced on an estimate of their
 * cost. Part 0 is the caller's thread; with parts > 1 it gets 1m kernels only, so that it runs no
 * resampler (the other parts resample the higher timeframes, each its own). Kernels go longest
 * first to the least loaded part that may take them. Derived specs all stay with part 0, which runs
 * them once every part's inputs are in. Deterministic: every thread computes the same assignment
 * from the same plan. `weights[p]` scales part p's capacity (part 0, the main thread, also writes
 * the file).
 */
export function partitionPlan(
  plan: FeaturePlan,
  parts: number,
  weights?: readonly number[],
): { kernelPart: number[] } {
  // Relative cost per 1m row: the kernel's bars (its timeframe's share of the rows, ×4 for the work
  // per bar) plus the aligned output cells.
  const cost = plan.kernels.map((k) => {
    const minutes = Number.parseInt(k.tf, 10) * (k.tf.endsWith("h") ? 60 : 1);
    return (4 * (1 + k.spec.outputs.length)) / minutes + 0.5 * k.sinks.filter((x) => x).length;
  });
  // Higher timeframes first (they may only go to parts 1..), then 1m kernels fill up the balance.
  const isHigher = (i: number) => (parts > 1 && plan.kernels[i].tf !== "1m" ? 1 : 0);
  const order = cost.map((_, i) => i).sort((a, b) => isHigher(b) - isHigher(a) || cost[b] - cost[a] || a - b);
  const load = new Array<number>(parts).fill(0);
  const capacity = Array.from({ length: parts }, (_, p) => weights?.[p] ?? 1);
  const kernelPart = new Array<number>(plan.kernels.length).fill(0);
  for (const i of order) {
    const first = isHigher(i);
    let best = first;
    for (let p = first + 1; p < parts; p++) {
      if ((load[p] + cost[i]) / capacity[p] < (load[best] + cost[i]) / capacity[best]) best = p;
    }
    load[best] += cost[i];
    kernelPart[i] = best;
  }
  return { kernelPart };
}
