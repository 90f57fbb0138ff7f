/** Messages and shared-memory layout between the block engine and its worker threads. */
import type { Bars } from "../../data/bars.ts";
import type { ColumnSelection } from "../registry.ts";

export interface WorkerInit {
  kind: "init";
  /** Bars whose columns live in SharedArrayBuffers. */
  bars: Bars;
  selection: ColumnSelection;
  partition: { index: number; count: number; weights: readonly number[] };
  /** Block buffer sets: each one SharedArrayBuffer of columns × block float32, column-major. */
  sets: SharedArrayBuffer[];
  /** Per set: float64 block buffers of the columns derived specs read (FeatureEngine.derivedInputNames). */
  inputSets: SharedArrayBuffer[];
  block: number;
}

export interface BlockRequest {
  kind: "block";
  from: number;
  to: number;
  set: number;
}

export type WorkerMessage = WorkerInit | BlockRequest;

/** One reply per message, and one when the worker's modules are loaded. */
export type BlockReply = { ok: true } | { ok: false; error: string };

/** Column j of a set: block float32 values at byte offset j × block × 4. */
export function columnViews(
  sab: SharedArrayBuffer | ArrayBuffer,
  columns: number,
  block: number,
): Float32Array[] {
  return Array.from({ length: columns }, (_, j) => new Float32Array(sab, j * block * 4, block));
}

/** Buffer k of an input set: block float64 values at byte offset k × block × 8. */
export function inputViews(
  sab: SharedArrayBuffer | ArrayBuffer,
  inputs: number,
  block: number,
): Float64Array[] {
  return Array.from({ length: inputs }, (_, k) => new Float64Array(sab, k * block * 8, block));
}
