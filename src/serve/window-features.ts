/**
 * The feature rows of a window's last bars, computed from scratch: a fresh stream fed the whole window
 * (the engine in batch blocks, rolls handled as the plan says). Used by the stateless /predict route,
 * in a worker thread so that a long window does not hold up the live streams.
 */
import type { Bars } from "../data/bars.ts";
import type { FeaturePlanSpec } from "./feature-plan.ts";
import { FeatureStream } from "./feature-stream.ts";

/** Column j of the last bar of `bars` at index j. */
export function lastFeatureRow(plan: FeaturePlanSpec, bars: Bars, contracts: string[] | null): Float32Array {
  return lastFeatureRows(plan, bars, contracts, 1);
}

/**
 * The last min(`rows`, bars) feature rows of `bars`, row-major and oldest first (column j of the last
 * bar at the last row's index j): what a window model reads for the last bar.
 */
export function lastFeatureRows(
  plan: FeaturePlanSpec,
  bars: Bars,
  contracts: string[] | null,
  rows: number,
): Float32Array {
  const stream = new FeatureStream("window", [{ ...plan, keep: rows > 1 ? rows : 0 }]);
  stream.accept({ ...bars, contracts });
  const e = stream.engine(plan.key);
  if (rows <= 1) return Float32Array.from(e.row, (c) => c[0]!);
  const k = Math.min(rows, bars.length);
  const cols = e.window(k).features;
  const out = new Float32Array(k * cols.length);
  for (let j = 0; j < cols.length; j++) for (let l = 0; l < k; l++) out[l * cols.length + j] = cols[j]![l]!;
  return out;
}
