/**
 * verifyBundle: the one gate every bundle passes before anything reads it. In order:
 *   1. manifest.sha256.json pins manifest.json's exact bytes;
 *   2. manifest.json parses and matches the schema;
 *   3. every file it lists exists as a regular file (no symlinks) with the listed size and SHA-256,
 *      .json files parse, .onnx files are ONNX models whose graphs match their manifest entries;
 *   4. nothing else is in the directory (only models/ as a subdirectory);
 *   5. the bundle checksum recomputed from the manifest equals the recorded one.
 * The first failure throws a BundleFileError naming the file and the reason.
 */
import type { Dirent } from "node:fs";
import { lstat, readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { checkContent, modelGraphProblem, modelIndexOf, parseJsonBytes } from "./content.ts";
import { BundleFileError } from "./errors.ts";
import {
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  type BundleManifest,
  BundleManifestSchema,
  bundlePathProblem,
  computeBundleChecksum,
  describeZodError,
  MANIFEST_FILE,
  MANIFEST_SHA_FILE,
  MODELS_DIR,
  sha256Hex,
} from "./manifest.ts";

export interface VerifiedBundle {
  ok: true;
  /** The directory as given. */
  dir: string;
  manifest: BundleManifest;
  bundle_checksum: string;
}

export const ManifestShaSchema = z.strictObject({
  manifest_sha256: z.string().regex(/^[0-9a-f]{64}$/, "expected 64 lowercase hex digits (a SHA-256)"),
});

/** First 12 hex digits, for messages. */
export function shortHash(hex: string): string {
  return `${hex.slice(0, 12)}…`;
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

/** Reads a bundle file that must be a regular file (never through a symlink). */
export async function readRegularFile(dir: string, path: string): Promise<Uint8Array> {
  const fail = (reason: string) => new BundleFileError(path, reason, dir);
  let info: Awaited<ReturnType<typeof lstat>>;
  try {
    info = await lstat(join(dir, path));
  } catch (e) {
    if (errno(e) === "ENOENT" || errno(e) === "ENOTDIR") throw fail("missing");
    throw fail(`cannot be read (${errno(e) ?? (e as Error).message})`);
  }
  if (info.isSymbolicLink()) throw fail("is a symlink; a bundle holds only regular files");
  if (!info.isFile()) throw fail("is not a regular file");
  try {
    return new Uint8Array(await readFile(join(dir, path)));
  } catch (e) {
    throw fail(`cannot be read (${errno(e) ?? (e as Error).message})`);
  }
}

async function checkManifestSha(dir: string): Promise<Uint8Array> {
  const shaBytes = await readRegularFile(dir, MANIFEST_SHA_FILE);
  let shaJson: unknown;
  try {
    shaJson = parseJsonBytes(shaBytes);
  } catch (e) {
    throw new BundleFileError(MANIFEST_SHA_FILE, (e as Error).message, dir);
  }
  const sha = ManifestShaSchema.safeParse(shaJson);
  if (!sha.success) {
    throw new BundleFileError(MANIFEST_SHA_FILE, `schema error at ${describeZodError(sha.error)}`, dir);
  }
  const manifestBytes = await readRegularFile(dir, MANIFEST_FILE);
  const actual = sha256Hex(manifestBytes);
  const expected = sha.data.manifest_sha256;
  if (actual !== expected) {
    throw new BundleFileError(
      MANIFEST_FILE,
      `sha256 mismatch with ${MANIFEST_SHA_FILE} (expected ${shortHash(expected)}, actual ${shortHash(actual)}): one of the two was changed`,
      dir,
    );
  }
  return manifestBytes;
}

function parseManifest(
  dir: string,
  bytes: Uint8Array,
): { manifest: BundleManifest; raw: Record<string, unknown> } {
  const fail = (reason: string) => new BundleFileError(MANIFEST_FILE, reason, dir);
  let raw: unknown;
  try {
    raw = parseJsonBytes(bytes);
  } catch (e) {
    throw fail((e as Error).message);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw fail("is not a JSON object");
  const head = raw as Record<string, unknown>;
  if (head.format !== BUNDLE_FORMAT)
    throw fail(`format is ${JSON.stringify(head.format)}, not "${BUNDLE_FORMAT}"`);
  if (head.format_version !== BUNDLE_FORMAT_VERSION) {
    throw fail(
      `format_version ${JSON.stringify(head.format_version)} is not supported (this mlf reads ${BUNDLE_FORMAT_VERSION})`,
    );
  }
  const parsed = BundleManifestSchema.safeParse(raw);
  if (!parsed.success) throw fail(`schema error at ${describeZodError(parsed.error)}`);
  return { manifest: parsed.data, raw: head };
}

async function checkListedFiles(dir: string, manifest: BundleManifest): Promise<void> {
  const paths = Object.keys(manifest.files).sort();
  if (paths.some((p) => p.startsWith(`${MODELS_DIR}/`))) {
    let info: Awaited<ReturnType<typeof lstat>> | undefined;
    try {
      info = await lstat(join(dir, MODELS_DIR));
    } catch {
      info = undefined;
    }
    if (info === undefined) throw new BundleFileError(`${MODELS_DIR}/`, "missing", dir);
    if (info.isSymbolicLink() || !info.isDirectory()) {
      throw new BundleFileError(`${MODELS_DIR}/`, "is not a plain directory (a symlink or a file)", dir);
    }
  }
  for (const path of paths) {
    const entry = manifest.files[path] as { sha256: string; bytes: number };
    const fail = (reason: string) => new BundleFileError(path, reason, dir);
    const bytes = await readRegularFile(dir, path);
    const actual = sha256Hex(bytes);
    if (actual !== entry.sha256) {
      throw fail(`checksum mismatch (expected ${shortHash(entry.sha256)}, actual ${shortHash(actual)})`);
    }
    if (bytes.length !== entry.bytes)
      throw fail(`is ${bytes.length} bytes, manifest.json says ${entry.bytes}`);
    const content = checkContent(path, bytes);
    if (!content.ok) throw fail(content.reason);
    const index = modelIndexOf(manifest, path);
    if (index >= 0 && content.onnx !== undefined) {
      const problem = modelGraphProblem(
        manifest.models[index] as BundleManifest["models"][number],
        index,
        content.onnx,
      );
      if (problem !== undefined) throw fail(problem);
    }
  }
}

function unexpected(entry: Dirent, path: string): string {
  if (entry.isSymbolicLink()) return "unexpected symlink: a bundle holds only regular files";
  if (entry.isDirectory())
    return `unexpected directory: ${MODELS_DIR}/ is the only subdirectory a bundle may have`;
  if (!entry.isFile()) return "unexpected special file";
  const problem = bundlePathProblem(path);
  if (problem !== undefined) return `unexpected file: ${problem}`;
  return "unexpected file: not listed in manifest.json";
}

async function checkNothingElse(dir: string, manifest: BundleManifest): Promise<void> {
  const listed = new Set(Object.keys(manifest.files));
  const visit = async (sub: string): Promise<void> => {
    const entries = (await readdir(join(dir, sub), { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const entry of entries) {
      const path = sub === "" ? entry.name : `${sub}/${entry.name}`;
      if (sub === "" && (path === MANIFEST_FILE || path === MANIFEST_SHA_FILE)) continue;
      if (sub === "" && path === MODELS_DIR && entry.isDirectory()) {
        await visit(MODELS_DIR);
        continue;
      }
      if (entry.isFile() && listed.has(path)) continue;
      throw new BundleFileError(entry.isDirectory() ? `${path}/` : path, unexpected(entry, path), dir);
    }
  };
  await visit("");
}

export interface VerifyOptions {
  /**
   * The bundle checksum the caller trusts (from a deployment config, a registry, a release note).
   * Checksums alone show a bundle is intact; only a comparison with a value kept elsewhere shows it is
   * the bundle you meant, since whoever can rewrite every file can also re-seal the manifest.
   */
  expectChecksum?: string;
}

/** Verifies the bundle in `dir` (see the module comment for the order); throws BundleFileError on the first failure. */
export async function verifyBundle(dir: string, options: VerifyOptions = {}): Promise<VerifiedBundle> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(dir);
  } catch {
    throw new BundleFileError("", "no such directory", dir);
  }
  if (!info.isDirectory()) throw new BundleFileError("", "is not a directory", dir);
  const manifestBytes = await checkManifestSha(dir);
  const { manifest, raw } = parseManifest(dir, manifestBytes);
  await checkListedFiles(dir, manifest);
  await checkNothingElse(dir, manifest);
  const actual = computeBundleChecksum(raw);
  if (actual !== manifest.bundle_checksum) {
    throw new BundleFileError(
      MANIFEST_FILE,
      `bundle checksum mismatch (expected ${shortHash(manifest.bundle_checksum)}, actual ${shortHash(actual)})`,
      dir,
    );
  }
  const expected = options.expectChecksum;
  if (expected !== undefined && expected.toLowerCase() !== actual) {
    throw new BundleFileError(
      MANIFEST_FILE,
      `bundle checksum ${shortHash(actual)} is not the expected ${shortHash(expected.toLowerCase())}: this is another bundle`,
      dir,
    );
  }
  return { ok: true, dir, manifest, bundle_checksum: manifest.bundle_checksum };
}
