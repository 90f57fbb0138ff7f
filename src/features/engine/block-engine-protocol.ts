/** Messages and shared-memory layout between the block engine and its worker threads. */
import type { Bars } from "../../data/bars.ts";
import type { ColumnSelection } from "../registry.ts";

export interface WorkerInit {
  /** Bars whose columns live in SharedArrayBuffers. */
  bars: Bars;
  selection: ColumnSelection;
  partition: { index: number; count: number };
  /** Block buffer sets: each one SharedArrayBuffer of columns × block float32, column-major. */
  sets: SharedArrayBuffer[];
  block: number;
}

export interface BlockRequest {
  from: number;
  to: number;
  set: number;
}

export type BlockReply = { ok: true } | { ok: false; error: string };

/** Column j of a set: block float32 values at byte offset j × block × 4. */
export function columnViews(
  sab: SharedArrayBuffer | ArrayBuffer,
  columns: number,
  block: number,
): Float32Array[] {
  return Array.from({ length: columns }, (_, j) => new Float32Array(sab, j * block * 4, block));
}
