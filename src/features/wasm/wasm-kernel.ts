/**
 * A feature kernel whose state and arithmetic live in a WebAssembly module compiled ahead of time
 * (./assembly/<module>.ts → ./<module>.wasm, scripts/build-wasm.mjs). This class only moves data: it
 * copies the input columns of bars [from, to) into the module's memory, calls `advance`, and copies
 * the outputs out, in ranges of at most the module's capacity.
 *
 * Every kernel module exports:
 *   CAPACITY         global i32: the most bars one `advance` call takes;
 *   inputPtr(k)      where input column k (in the order the spec lists them) goes, CAPACITY f64 values;
 *   outputPtr(k)     where output k comes out, CAPACITY f64 values;
 *   advance(n)       consumes the next n bars (their inputs at inputPtr(k)[0..n)), writes outputs[0..n);
 *   init(...params)  only in modules whose spec passes parameters (e.g. the timeframe's length in
 *                    minutes): called once, before the first bar.
 * The module sees every bar exactly once, in order from the series' first (the engine's contract: batch
 * and live both push every bar), so it keeps whatever history it needs in its own state (a previous
 * close, a ring of the last 20 squares, ...) and never reads bars before the range it is given.
 */
import { invariant } from "../../core/errors.ts";
import type { FeatureKernel, SeriesView } from "../types.ts";
import { instantiateKernel } from "./kernel-module.ts";

/** A series column a kernel module reads (`volume` only for specs that need volume). */
export type KernelInput = "ts" | "open" | "high" | "low" | "close" | "volume" | "count";

/** Ranges of at most this many bars are copied element by element: no views made for a live bar. */
const SMALL = 8;

const INPUT_CODES: Record<KernelInput, number> = {
  ts: 0,
  open: 1,
  high: 2,
  low: 3,
  close: 4,
  volume: 5,
  count: 6,
};

/**
 * A series column by code. A switch of named property reads, not `src[name]`: one kernel reads several
 * names and 140 kernels share this code, so a keyed read by name would be a megamorphic lookup per
 * input per call (a live bar makes ~30 such calls).
 */
function column(src: SeriesView, code: number): Float64Array | null {
  switch (code) {
    case 0:
      return src.ts;
    case 1:
      return src.open;
    case 2:
      return src.high;
    case 3:
      return src.low;
    case 4:
      return src.close;
    case 5:
      return src.volume;
    default:
      return src.count;
  }
}

export class WasmKernel implements FeatureKernel {
  private readonly run: (n: number) => number;
  private readonly capacity: number;
  private readonly ins: Float64Array[];
  private readonly codes: Int32Array;
  private readonly outs: Float64Array[];
  /** The next bar the module expects. */
  private next = 0;

  constructor(
    private readonly module: string,
    inputs: readonly KernelInput[],
    outputs: number,
    params: readonly number[] = [],
  ) {
    const wasm = instantiateKernel(module);
    if (params.length > 0) wasm.call("init")(...params);
    this.run = wasm.call("advance");
    this.capacity = wasm.global("CAPACITY");
    const view = (at: number) => new Float64Array(wasm.memory, at, this.capacity);
    this.ins = inputs.map((_, k) => view(wasm.call("inputPtr")(k)));
    this.codes = Int32Array.from(inputs, (name) => INPUT_CODES[name]);
    this.outs = Array.from({ length: outputs }, (_, k) => view(wasm.call("outputPtr")(k)));
  }

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    if (from !== this.next) invariant(false, `kernel module expected bar ${this.next}, got ${from}`);
    for (let at = from; at < to; ) {
      const n = Math.min(to - at, this.capacity);
      const o = at - from;
      for (let k = 0; k < this.ins.length; k++) {
        const values = column(src, this.codes[k]);
        // Specs that read volume are never planned on data without it; reaching this is a bug.
        if (values === null) invariant(false, `${this.module}: the ${src.timeframe} series has no volume`);
        const dst = this.ins[k];
        if (n <= SMALL) for (let i = 0; i < n; i++) dst[i] = values[at + i];
        else dst.set(values.subarray(at, at + n));
      }
      this.run(n);
      for (let k = 0; k < this.outs.length; k++) {
        const values = this.outs[k];
        const dst = out[k];
        if (n <= SMALL) for (let i = 0; i < n; i++) dst[o + i] = values[i];
        else dst.set(values.subarray(0, n), o);
      }
      at += n;
    }
    this.next = to;
  }
}
