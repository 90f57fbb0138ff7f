/**
 * writeBundle: checks everything in memory first (paths, JSON, ONNX, the full manifest), then writes
 * into a temporary directory beside the target (same parent, so the rename is atomic), fsyncs each
 * file and directory, verifies the temporary bundle with verifyBundle, and only then renames it into
 * place. An existing bundle at the target is moved aside, replaced, and removed; if the final rename
 * fails it is moved back. On any error the temporary directory is removed and the target is as before.
 */
import { randomBytes } from "node:crypto";
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { checkContent, modelGraphProblem, modelIndexOf } from "./content.ts";
import { BundleFileError } from "./errors.ts";
import {
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  type BundleManifest,
  type BundleManifestInput,
  BundleManifestSchema,
  bundlePathProblem,
  computeBundleChecksum,
  describeZodError,
  MANIFEST_FILE,
  MANIFEST_SHA_FILE,
  MODELS_DIR,
  sha256Hex,
} from "./manifest.ts";
import { verifyBundle } from "./verify.ts";

export interface WriteBundleInput {
  manifest: BundleManifestInput;
  /** Relative path (`metrics.json`, `models/lgbm.onnx`) → content; strings are written as UTF-8. */
  files: ReadonlyMap<string, Uint8Array | string>;
}

export interface WriteBundleOptions {
  /**
   * Called after the complete bundle is written and verified in the temporary directory, just before
   * it is renamed into place. A throw aborts the write like any other failure (tests inject faults here).
   */
  beforeCommit?: (tmpDir: string) => void | Promise<void>;
}

export interface WrittenBundle {
  dir: string;
  manifest: BundleManifest;
  bundle_checksum: string;
}

/** How the writer serialises JSON: 2-space indentation and a trailing newline. */
export function toJsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

const encoder = new TextEncoder();

/** Checks every path and content, and assembles the manifest (schema-checked) with its checksum. */
function prepare(
  dir: string,
  input: WriteBundleInput,
): { manifest: BundleManifest; manifestText: string; files: [string, Uint8Array][] } {
  const files: [string, Uint8Array][] = [];
  const seen = new Map<string, string>();
  for (const [path, content] of input.files) {
    const problem = bundlePathProblem(path);
    if (problem !== undefined) throw new BundleFileError(path, problem, dir);
    const clash = seen.get(path.toLowerCase());
    if (clash !== undefined) throw new BundleFileError(path, `differs from ${clash} only in case`, dir);
    seen.set(path.toLowerCase(), path);
    files.push([path, typeof content === "string" ? encoder.encode(content) : content]);
  }
  files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const graphs = new Map<string, ReturnType<typeof checkContent>>();
  for (const [path, bytes] of files) {
    const content = checkContent(path, bytes);
    if (!content.ok) throw new BundleFileError(path, content.reason, dir);
    graphs.set(path, content);
  }

  const m = input.manifest;
  const draft: Record<string, unknown> = {
    format: BUNDLE_FORMAT,
    format_version: BUNDLE_FORMAT_VERSION,
    name: m.name,
    version: m.version,
    created: m.created ?? new Date().toISOString(),
    mlf_version: m.mlf_version,
    fingerprints: m.fingerprints,
    symbol: m.symbol,
    feature_schema: m.feature_schema,
    warmup_bars: m.warmup_bars,
    input: m.input,
    outputs: m.outputs,
    models: m.models,
    preprocessing: m.preprocessing,
    calibration: m.calibration,
    metrics: m.metrics,
    config: m.config,
    library_versions: m.library_versions,
    files: Object.fromEntries(
      files.map(([path, bytes]) => [path, { sha256: sha256Hex(bytes), bytes: bytes.length }]),
    ),
  };
  // The checksum is computed over exactly what a reader will parse back from manifest.json.
  const roundTripped = JSON.parse(JSON.stringify(draft)) as Record<string, unknown>;
  const withChecksum = { ...roundTripped, bundle_checksum: computeBundleChecksum(roundTripped) };
  const parsed = BundleManifestSchema.safeParse(withChecksum);
  if (!parsed.success) {
    throw new BundleFileError(MANIFEST_FILE, `schema error at ${describeZodError(parsed.error)}`, dir);
  }
  const manifest = parsed.data;
  for (const [path, content] of graphs) {
    const index = modelIndexOf(manifest, path);
    if (index < 0 || !content.ok || content.onnx === undefined) continue;
    const problem = modelGraphProblem(
      manifest.models[index] as BundleManifest["models"][number],
      index,
      content.onnx,
    );
    if (problem !== undefined) throw new BundleFileError(path, problem, dir);
  }
  // Written in `draft`'s key order (files sorted), so the bytes depend only on the inputs.
  return { manifest, manifestText: toJsonText(withChecksum), files };
}

async function writeDurably(path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, "wx");
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsync a directory so that the names in it are durable (not supported everywhere: best effort). */
async function syncDir(path: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, "r");
    await handle.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "EPERM" && code !== "EINVAL" && code !== "EBADF") throw e;
  } finally {
    await handle?.close();
  }
}

/** What is at the target: nothing, a bundle (or empty directory) that may be replaced, or something else. */
function targetState(dir: string, target: string): "absent" | "replace" {
  let info: ReturnType<typeof lstatSync>;
  try {
    info = lstatSync(target);
  } catch {
    return "absent";
  }
  const refuse = (why: string) =>
    new BundleFileError("", `${why}; refusing to replace it (remove it or choose another directory)`, dir);
  if (info.isSymbolicLink()) throw refuse("is a symlink");
  if (!info.isDirectory()) throw refuse("exists and is not a directory");
  if (readdirSync(target).length === 0) return "replace";
  try {
    const head = JSON.parse(readFileSync(join(target, MANIFEST_FILE), "utf8")) as { format?: unknown };
    if (head.format === BUNDLE_FORMAT) return "replace";
  } catch {
    // falls through: not a bundle
  }
  throw refuse("exists and is not a bundle");
}

/** Removes the parent directories this write created (deepest first), as long as they are empty. */
function removeEmptyDirs(deepest: string, top: string): void {
  for (let d = deepest; d.length >= top.length; d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
    if (d === top) return;
  }
}

function sideName(target: string, kind: "tmp" | "old"): string {
  return join(
    dirname(target),
    `.${basename(target)}.${kind}-${process.pid}-${randomBytes(4).toString("hex")}`,
  );
}

/** Writes a bundle to `dir` atomically (see the module comment); returns its manifest and checksum. */
export async function writeBundle(
  dir: string,
  input: WriteBundleInput,
  options: WriteBundleOptions = {},
): Promise<WrittenBundle> {
  const { manifest, manifestText, files } = prepare(dir, input);
  const target = resolve(dir);
  const state = targetState(dir, target);
  const parent = dirname(target);
  const firstCreated = mkdirSync(parent, { recursive: true });
  const tmp = sideName(target, "tmp");
  let old: string | undefined;
  try {
    mkdirSync(tmp);
    if (files.some(([path]) => path.startsWith(`${MODELS_DIR}/`))) mkdirSync(join(tmp, MODELS_DIR));
    for (const [path, bytes] of files) await writeDurably(join(tmp, path), bytes);
    await writeDurably(join(tmp, MANIFEST_FILE), encoder.encode(manifestText));
    await writeDurably(
      join(tmp, MANIFEST_SHA_FILE),
      encoder.encode(toJsonText({ manifest_sha256: sha256Hex(manifestText) })),
    );
    if (files.some(([path]) => path.startsWith(`${MODELS_DIR}/`))) await syncDir(join(tmp, MODELS_DIR));
    await syncDir(tmp);
    await verifyBundle(tmp);
    await options.beforeCommit?.(tmp);
    if (state === "absent") {
      renameSync(tmp, target);
    } else {
      const aside = sideName(target, "old");
      renameSync(target, aside);
      try {
        renameSync(tmp, target);
      } catch (e) {
        renameSync(aside, target);
        throw e;
      }
      old = aside;
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (firstCreated !== undefined) removeEmptyDirs(parent, firstCreated);
    throw e;
  }
  // Committed: the replaced bundle goes only now, so no failure above can lose it.
  if (old !== undefined) rmSync(old, { recursive: true, force: true });
  await syncDir(parent);
  return { dir, manifest, bundle_checksum: manifest.bundle_checksum };
}
