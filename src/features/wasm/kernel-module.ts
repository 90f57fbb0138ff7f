/**
 * Kernels compiled ahead of time to WebAssembly (sources in ./assembly, built by
 * scripts/build-wasm.mjs into ./<name>.wasm, committed). Each module is compiled once per thread, on
 * first use; each kernel object gets its own instance, whose globals and memory are its state, so
 * kernels share nothing and a dropped kernel is collected like any object.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The WebAssembly API as used here (the project's TypeScript libraries, ES2023 without DOM, omit it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** A kernel module's instance: its exports (functions, globals) and its memory. */
export interface KernelInstance {
  call(name: string): (...args: number[]) => number;
  global(name: string): number;
  /** The instance's memory. Kernel modules allocate nothing, so it never grows and views stay valid. */
  memory: ArrayBuffer;
}

const compiled = new Map<string, object>();

/** A fresh instance of kernel module `name` (./<name>.wasm). */
export function instantiateKernel(name: string): KernelInstance {
  let module = compiled.get(name);
  if (module === undefined) {
    module = new Wasm.Module(readFileSync(join(import.meta.dirname, `${name}.wasm`)));
    compiled.set(name, module);
  }
  // The modules import nothing (built without a runtime or assertions).
  const { exports } = new Wasm.Instance(module, {});
  return {
    call: (fn) => exports[fn] as (...args: number[]) => number,
    global: (g) => (exports[g] as { value: number }).value,
    memory: (exports.memory as { buffer: ArrayBuffer }).buffer,
  };
}
