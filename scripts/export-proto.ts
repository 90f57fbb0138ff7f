/**
 * Writes proto/messages.schema.json (and its byte-identical copy in the Python package) plus the golden
 * fixtures proto/fixtures/* from the zod schemas in src/workers/protocol/messages.ts.
 *   node bin/run-ts.js scripts/export-proto.ts          write the files
 *   node bin/run-ts.js scripts/export-proto.ts --check  exit 1 if any committed file differs
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomicSync } from "../src/core/atomic-write.ts";
import { protoFiles } from "../src/workers/protocol/golden.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const check = process.argv.includes("--check");
const files = protoFiles();
const fixturesDir = join(root, "proto/fixtures");
const stale = existsSync(fixturesDir)
  ? readdirSync(fixturesDir)
      .map((f) => `proto/fixtures/${f}`)
      .filter((f) => !files.has(f))
  : [];

let differing = 0;
for (const [path, bytes] of files) {
  const target = join(root, path);
  const same = existsSync(target) && Buffer.from(bytes).equals(readFileSync(target));
  if (same) continue;
  differing += 1;
  if (check) process.stdout.write(`differs: ${path}\n`);
  else writeFileAtomicSync(target, bytes);
}
for (const path of stale) {
  differing += 1;
  if (check) process.stdout.write(`stale: ${path}\n`);
  else rmSync(join(root, path));
}
process.stdout.write(
  `${files.size} proto files, ${differing} ${check ? "out of date" : "written or removed"}\n`,
);
if (check && differing > 0) process.exitCode = 1;
