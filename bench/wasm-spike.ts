/**
 * Spike: one kernel compiled ahead of time to WebAssembly against the same kernel in TypeScript.
 * The kernel is the volatility-regime rank (the costliest, ~180 ms per 1M bars), written in
 * AssemblyScript in bench/wasm-spike/volrank.as with the same algorithm and operations as
 * src/features/regime/trailing-vol-rank.ts. Measures: WebAssembly compile time, three passes of each
 * over 1M synthetic bars (the first includes the JIT's warm-up for the TypeScript), and whether the
 * outputs are the same bits (sha256 of the float64 column).
 *
 *   node --no-liftoff --no-wasm-lazy-compilation bin/run-ts.js bench/wasm-spike.ts
 *
 * (the flags make V8 compile the module with its optimizing compiler up front, as a product would).
 * It fetches the AssemblyScript compiler with `npx --package assemblyscript@0.28.20` (a package
 * registry must be reachable) and builds into a temporary directory. Results: docs/benchmarks.md,
 * features round 7.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateSynthBars } from "../src/data/synth/index.ts";
import { TrailingVolRank } from "../src/features/regime/trailing-vol-rank.ts";
import { seriesFromBars } from "../src/features/series.ts";
import { REPO_ROOT } from "../tests/helpers/real-data.ts";

/** The WebAssembly API as used here (the project's TypeScript libraries do not declare it). */
const Wasm = (
  globalThis as unknown as {
    WebAssembly: {
      Module: new (bytes: Uint8Array) => object;
      Instance: new (module: object, imports: object) => { exports: unknown };
    };
  }
).WebAssembly;

const dir = mkdtempSync(join(tmpdir(), "mlf-wasm-spike-"));
try {
  const source = join(dir, "volrank.ts");
  copyFileSync(join(REPO_ROOT, "bench", "wasm-spike", "volrank.as"), source);
  const wasmPath = join(dir, "volrank.wasm");
  execFileSync(
    "npx",
    ["--yes", "--package", "assemblyscript@0.28.20", "asc", source, "-O3", "--runtime", "stub"].concat([
      "--initialMemory",
      "400",
      "--noAssert",
      "-o",
      wasmPath,
    ]),
    { stdio: "inherit" },
  );

  const bars = generateSynthBars({ bars: 1_000_000, seed: 1 });
  const n = bars.length;
  const series = seriesFromBars(bars);
  const sha = (a: Float64Array) =>
    createHash("sha256")
      .update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
      .digest("hex")
      .slice(0, 16);

  // TypeScript, fed in sub-blocks of 8,192 rows as the engine feeds it.
  for (let pass = 1; pass <= 3; pass++) {
    const out = new Float64Array(n);
    const kernel = new TrailingVolRank();
    const t = performance.now();
    for (let f = 0; f < n; f += 8192) {
      const to = Math.min(n, f + 8192);
      kernel.advance(series, f, to, out.subarray(f, to));
    }
    console.log(`TypeScript  pass ${pass}: ${(performance.now() - t).toFixed(1)} ms, sha256 ${sha(out)}`);
  }

  const bytes = readFileSync(wasmPath);
  const t0 = performance.now();
  const module = new Wasm.Module(bytes);
  const instance = new Wasm.Instance(module, {
    env: {
      abort() {
        throw new Error("WebAssembly abort");
      },
    },
  });
  const exports = instance.exports as {
    memory: { buffer: ArrayBuffer };
    init(scratch: number): void;
    run(close: number, n: number, out: number): void;
  };
  console.log(
    `WebAssembly: ${bytes.length} bytes, compiled and instantiated in ${(performance.now() - t0).toFixed(1)} ms`,
  );
  const closeAt = 1 << 16;
  const outAt = closeAt + n * 8;
  new Float64Array(exports.memory.buffer, closeAt, n).set(bars.close);
  exports.init(outAt + n * 8);
  for (let pass = 1; pass <= 3; pass++) {
    const t = performance.now();
    exports.run(closeAt, n, outAt);
    const ms = performance.now() - t;
    console.log(
      `WebAssembly pass ${pass}: ${ms.toFixed(1)} ms, sha256 ${sha(new Float64Array(exports.memory.buffer, outAt, n))}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
