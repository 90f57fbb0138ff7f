/**
 * An onnxruntime session whose `run` computes on the calling turn of the event loop.
 *
 * onnxruntime-node's native `run` is synchronous, but its JavaScript wrapper defers every call to
 * `setImmediate`. On a server that defer is a cost: a request's inference waits for the loop's check
 * phase, after every other request that arrived in the same turn has done its own feature update, so
 * each answer in a burst waits behind the whole burst (bench/serve.ts, docs/benchmarks.md serving round
 * 4: time in the server p50 -23 %, p99 -40 % without it). The native session is the same object the wrapper drives (same graph, same
 * options, same kernels), so the numbers are identical bit for bit (tests/models/ort-session.test.ts).
 *
 * The binding is reached through onnxruntime-node's `dist/binding.js` (not a documented entry point).
 * Where it is missing or has another shape, the public API is used instead: same results, with the
 * defer.
 */
import { createRequire } from "node:module";
import * as ort from "onnxruntime-node";

export interface OrtSessionOptions {
  intraOpNumThreads: number;
  interOpNumThreads: number;
  executionMode: "sequential" | "parallel";
  graphOptimizationLevel: "disabled" | "basic" | "extended" | "all";
}

/** The part of a session the runners use. */
export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Outputs by name; resolves on the same turn when the native binding is used. */
  run(feeds: Record<string, ort.Tensor>, outputs: readonly string[]): Promise<Record<string, ort.Tensor>>;
  release(): Promise<void>;
  /** true: `run` computes synchronously (the native binding); false: the public, deferred API. */
  readonly direct: boolean;
}

interface NativeSession {
  loadModel(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: object, fetches: object, options: object): Record<string, ort.Tensor>;
  dispose(): void;
  readonly inputMetadata: readonly { name: string }[];
  readonly outputMetadata: readonly { name: string }[];
}

interface NativeBinding {
  binding: { InferenceSession: new () => NativeSession };
  initOrt: () => void;
}

let native: NativeBinding | null | undefined;

function nativeBinding(): NativeBinding | null {
  if (native !== undefined) return native;
  try {
    const b = createRequire(import.meta.url)("onnxruntime-node/dist/binding.js") as NativeBinding;
    native = typeof b?.binding?.InferenceSession === "function" && typeof b.initOrt === "function" ? b : null;
  } catch {
    native = null;
  }
  return native;
}

class DirectSession implements OrtSession {
  readonly direct = true;
  readonly inputNames: string[];
  readonly outputNames: string[];
  private readonly noOptions = {};

  constructor(private readonly session: NativeSession) {
    this.inputNames = session.inputMetadata.map((m) => m.name);
    this.outputNames = session.outputMetadata.map((m) => m.name);
  }

  run(feeds: Record<string, ort.Tensor>, outputs: readonly string[]): Promise<Record<string, ort.Tensor>> {
    try {
      const fetches: Record<string, null> = {};
      for (const o of outputs) {
        if (!this.outputNames.includes(o))
          throw new RangeError(`'fetches' contains invalid output name: ${o}.`);
        fetches[o] = null;
      }
      for (const name of this.inputNames) {
        if (feeds[name] === undefined) throw new Error(`input '${name}' is missing in 'feeds'.`);
      }
      return Promise.resolve(this.session.run(feeds, fetches, this.noOptions));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  release(): Promise<void> {
    this.session.dispose();
    return Promise.resolve();
  }
}

class PublicSession implements OrtSession {
  readonly direct = false;
  constructor(private readonly session: ort.InferenceSession) {}
  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }
  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }
  run(feeds: Record<string, ort.Tensor>, outputs: readonly string[]): Promise<Record<string, ort.Tensor>> {
    return this.session.run(feeds, [...outputs]) as Promise<Record<string, ort.Tensor>>;
  }
  release(): Promise<void> {
    return this.session.release();
  }
}

/**
 * Loads `bytes` (an ONNX model) on the CPU. `prefer: "public"` forces onnxruntime's public API
 * (tests compare the two).
 */
export async function createOrtSession(
  bytes: Uint8Array,
  options: OrtSessionOptions,
  prefer: "direct" | "public" = "direct",
): Promise<OrtSession> {
  const b = prefer === "direct" ? nativeBinding() : null;
  if (b === null) return new PublicSession(await ort.InferenceSession.create(bytes, options));
  b.initOrt();
  const s = new b.binding.InferenceSession();
  // The options the public API hands the binding once it has resolved the execution providers.
  s.loadModel(bytes.buffer, bytes.byteOffset, bytes.byteLength, { ...options, executionProviders: ["cpu"] });
  return new DirectSession(s);
}
