/**
 * The feature row of a window's last bar, computed from scratch by a fresh engine (the batch path:
 * blocks of up to 65,536 rows). Used by the stateless /predict route, in a worker thread so a long
 * window does not hold up the live streams.
 */
import type { Bars } from "../data/bars.ts";
import { FeatureEngine } from "../features/engine/feature-engine.ts";
import type { ColumnSelection } from "../features/registry.ts";

const BLOCK_ROWS = 65_536;

/** Column j of the last bar of `bars` at index j. */
export function lastFeatureRow(selection: ColumnSelection, bars: Bars): Float32Array {
  const engine = new FeatureEngine({ ...selection, expectedRows: bars.length });
  const block = Math.min(BLOCK_ROWS, bars.length);
  const out = engine.columns.map(() => new Float32Array(block));
  for (let from = 0; from < bars.length; from += block) {
    const to = Math.min(bars.length, from + block);
    engine.push(bars, from, to, to - from === block ? out : out.map((c) => c.subarray(0, to - from)));
  }
  const last = (bars.length - 1) % block;
  return Float32Array.from(out, (c) => c[last]);
}
