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
 * Splits a plan's work into `parts` groups for parallel engines: a derived spec goes with every
 * kernel (and derived spec) it reads, since it combines their float64 values; groups are balanced on
 * an estimate of their cost (kernel bars plus aligned cells). Deterministic: every thread computes
 * the same assignment from the same plan. Returns part[k] for kernels and derivedPart[d].
 */
export function partitionPlan(
  plan: FeaturePlan,
  parts: number,
): { kernelPart: number[]; derivedPart: number[] } {
  const nk = plan.kernels.length;
  const parent = [...Array(nk + plan.derived.length).keys()];
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]];
    return x;
  };
  const unionWith = (a: number, b: number) => {
    parent[find(a)] = find(b);
  };
  const producer = new Map<string, number>();
  plan.kernels.forEach((k, i) => {
    for (const s of k.sinks) if (s) producer.set(s.name, i);
  });
  plan.derived.forEach((d, j) => {
    producer.set(d.sink.name, nk + j);
  });
  plan.derived.forEach((d, j) => {
    for (const name of d.spec.inputs) {
      const p = producer.get(name);
      if (p !== undefined) unionWith(nk + j, p);
    }
  });
  // Relative cost: a kernel's bars (its timeframe's share of the 1m rows, ×8 for the work per bar)
  // plus one unit per aligned output cell.
  const cost = new Map<number, number>();
  plan.kernels.forEach((k, i) => {
    const minutes = Number.parseInt(k.tf, 10) * (k.tf.endsWith("h") ? 60 : 1);
    const c = (8 * k.spec.outputs.length) / minutes + k.sinks.filter((s) => s).length;
    cost.set(find(i), (cost.get(find(i)) ?? 0) + c);
  });
  plan.derived.forEach((_, j) => {
    cost.set(find(nk + j), (cost.get(find(nk + j)) ?? 0) + 1);
  });
  const groups = [...cost.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const load = new Array<number>(parts).fill(0);
  const groupPart = new Map<number, number>();
  for (const [root, c] of groups) {
    let best = 0;
    for (let p = 1; p < parts; p++) if (load[p] < load[best]) best = p;
    load[best] += c;
    groupPart.set(root, best);
  }
  return {
    kernelPart: plan.kernels.map((_, i) => groupPart.get(find(i)) ?? 0),
    derivedPart: plan.derived.map((_, j) => groupPart.get(find(nk + j)) ?? 0),
  };
}
