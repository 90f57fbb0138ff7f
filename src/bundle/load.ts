/**
 * loadBundle: verifies the bundle, then hands out its contents. Every read is checked again against
 * the verified manifest's SHA-256, so a file changed after verification is refused, never served.
 */
import type { z } from "zod";
import { parseJsonBytes } from "./content.ts";
import { BundleFileError } from "./errors.ts";
import { type BundleManifest, describeZodError, sha256Hex } from "./manifest.ts";
import { readRegularFile, shortHash, type VerifyOptions, verifyBundle } from "./verify.ts";

export interface LoadedBundle {
  dir: string;
  manifest: BundleManifest;
  bundle_checksum: string;
  /** Reads a listed .json file (`metrics.json`) and parses it with `schema`. */
  readJson<S extends z.ZodType>(name: string, schema: S): Promise<z.output<S>>;
  /** The ONNX bytes of the model named `modelName` in manifest.models. */
  onnxBytes(modelName: string): Promise<Uint8Array>;
}

/** Verifies `dir` (with `options.expectChecksum` when given), then returns reading access to it. */
export async function loadBundle(dir: string, options: VerifyOptions = {}): Promise<LoadedBundle> {
  const { manifest, bundle_checksum } = await verifyBundle(dir, options);

  const readVerified = async (path: string): Promise<Uint8Array> => {
    const entry = manifest.files[path];
    if (entry === undefined) {
      const listed = Object.keys(manifest.files).sort().join(", ");
      throw new BundleFileError(path, `is not a file of this bundle (it holds ${listed})`, dir);
    }
    const bytes = await readRegularFile(dir, path);
    const actual = sha256Hex(bytes);
    if (actual !== entry.sha256) {
      throw new BundleFileError(
        path,
        `changed since the bundle was verified (expected ${shortHash(entry.sha256)}, actual ${shortHash(actual)})`,
        dir,
      );
    }
    return bytes;
  };

  return {
    dir,
    manifest,
    bundle_checksum,
    async readJson<S extends z.ZodType>(name: string, schema: S): Promise<z.output<S>> {
      if (!name.endsWith(".json")) throw new BundleFileError(name, "is not a .json file", dir);
      const value = parseJsonBytes(await readVerified(name));
      const parsed = schema.safeParse(value);
      if (!parsed.success) {
        throw new BundleFileError(
          name,
          `does not match the expected schema at ${describeZodError(parsed.error)}`,
          dir,
        );
      }
      return parsed.data;
    },
    async onnxBytes(modelName: string): Promise<Uint8Array> {
      const model = manifest.models.find((m) => m.name === modelName);
      if (model === undefined) {
        const names = manifest.models.map((m) => m.name).join(", ");
        throw new BundleFileError(
          `models/${modelName}.onnx`,
          `no model "${modelName}" in this bundle (it has ${names})`,
          dir,
        );
      }
      return readVerified(model.file);
    },
  };
}
