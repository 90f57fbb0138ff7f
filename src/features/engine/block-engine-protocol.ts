/** Messages and shared-memory layout between the block engine and its worker threads. */
import type { Bars } from "../../data/bars.ts";
import type { ColumnSelection } from "../registry.ts";

export interface WorkerInit {
  kind: "init";
  /** Bars whose columns live in SharedArrayBuffers. */
  bars: Bars;
  selection: ColumnSelection;
  partition: { index: number; count: number };
  /** Per buffer set: float64 block buffers of the columns derived specs read (FeatureEngine.derivedInputNames). */
  inputSets: SharedArrayBuffer[];
  block: number;
}

/** Where a block's float32 columns go: column j at byte offset + j × stride of `memory`. */
export interface BlockPlacement {
  memory: SharedArrayBuffer;
  offset: number;
  stride: number;
}

export interface BlockRequest {
  kind: "block";
  from: number;
  to: number;
  /** Buffer set of the derived inputs. */
  set: number;
  out: BlockPlacement;
}

export type WorkerMessage = WorkerInit | BlockRequest;

/** One reply per message, and one when the worker's modules are loaded. */
export type BlockReply = { ok: true } | { ok: false; error: string };

/** The columns of a block of n rows placed as `p` says. */
export function columnViews(p: BlockPlacement, columns: number, n: number): Float32Array[] {
  return Array.from({ length: columns }, (_, j) => new Float32Array(p.memory, p.offset + j * p.stride, n));
}

/** Buffer k of an input set: block float64 values at byte offset k × block × 8. */
export function inputViews(
  sab: SharedArrayBuffer | ArrayBuffer,
  inputs: number,
  block: number,
): Float64Array[] {
  return Array.from({ length: inputs }, (_, k) => new Float64Array(sab, k * block * 8, block));
}
