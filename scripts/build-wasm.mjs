/**
 * Compiles the feature kernels written in AssemblyScript, src/features/wasm/assembly/<name>.ts, each to
 * its own module src/features/wasm/<name>.wasm. The modules are committed: running mlf needs no
 * compiler, and tests/scripts/wasm-build.test.ts rebuilds them (`--check`) to prove each matches its
 * source byte for byte (the compiler is pinned in package.json; its output is deterministic).
 *
 * Why WebAssembly for kernels: compiled ahead of time, a kernel costs no JIT warm-up in each thread
 * and its arithmetic runs ~1.5x faster than V8's JIT on the same algorithm (docs/benchmarks.md,
 * features rounds 7 and 9).
 *
 * Usage: node scripts/build-wasm.mjs [--check]   (--check: exit 1 if a committed module differs)
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SOURCES = join(ROOT, "src/features/wasm/assembly");
const OUT = join(ROOT, "src/features/wasm");
/** No runtime (kernels allocate nothing), no assertions, no imports: a module needs nothing from its host. */
const FLAGS = ["-O3", "--runtime", "stub", "--noAssert", "--use", "abort="];

const check = process.argv.includes("--check");
const tmp = mkdtempSync(join(tmpdir(), "mlf-wasm-"));
let stale = 0;
try {
  for (const file of readdirSync(SOURCES)
    .filter((f) => f.endsWith(".ts"))
    .sort()) {
    const name = file.slice(0, -3);
    const built = join(tmp, `${name}.wasm`);
    const { error, stderr } = await asc.main([join(SOURCES, file), ...FLAGS, "--outFile", built]);
    if (error) {
      process.stderr.write(stderr.toString());
      throw new Error(`${file}: ${error.message}`);
    }
    const target = join(OUT, `${name}.wasm`);
    let same = false;
    try {
      same = readFileSync(target).equals(readFileSync(built));
    } catch {}
    if (check) {
      if (!same) {
        stale++;
        process.stderr.write(
          `src/features/wasm/${name}.wasm does not match its source: run node scripts/build-wasm.mjs\n`,
        );
      }
    } else if (!same) {
      copyFileSync(built, target);
      process.stdout.write(`built src/features/wasm/${name}.wasm\n`);
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
if (stale > 0) process.exit(1);
