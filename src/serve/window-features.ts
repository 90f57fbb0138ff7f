/**
 * The feature row of a window's last bar, computed from scratch: a fresh stream fed the whole window
 * (the engine in batch blocks, rolls handled as the plan says). Used by the stateless /predict route,
 * in a worker thread so that a long window does not hold up the live streams.
 */
import type { Bars } from "../data/bars.ts";
import type { FeaturePlanSpec } from "./feature-plan.ts";
import { FeatureStream } from "./feature-stream.ts";

/** Column j of the last bar of `bars` at index j. */
export function lastFeatureRow(plan: FeaturePlanSpec, bars: Bars, contracts: string[] | null): Float32Array {
  const stream = new FeatureStream("window", [plan]);
  stream.accept({ ...bars, contracts });
  return Float32Array.from(stream.engine(plan.key).row, (c) => c[0]!);
}
