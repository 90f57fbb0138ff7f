/**
 * The bundle manifest: one strict zod schema (unknown keys are errors), the rules for the paths a
 * bundle may hold, and the two hashes derived from canonical JSON (the feature schema hash and the
 * bundle checksum). docs/bundle.md describes the format for readers in other languages.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { canonicalJson } from "../data/fingerprint.ts";
import { inputViews } from "../workers/protocol/messages.ts";

export const BUNDLE_FORMAT = "mlf-bundle";
export const BUNDLE_FORMAT_VERSION = 1;
export const MANIFEST_FILE = "manifest.json";
export const MANIFEST_SHA_FILE = "manifest.sha256.json";
/** The one subdirectory a bundle may have. */
export const MODELS_DIR = "models";
/** What a model may predict; a bundle's `outputs` is a subset. */
export const BUNDLE_OUTPUTS = ["p_up", "E_r", "q05", "q50", "q95", "uncertainty", "regime_score"] as const;

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, "expected 64 lowercase hex digits (a SHA-256)");
/** semver.org's grammar: MAJOR.MINOR.PATCH[-prerelease][+build], no leading zeros. */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
/** Bundle and model names: printable on one line and usable as a file stem. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** One path component of a file in a bundle. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*\.(json|onnx)$/;

const safeName = z.string().max(128).regex(SAFE_NAME, "expected letters, digits, '.', '_' or '-'");

/**
 * Why `path` (relative, '/'-separated) may not be a file of a bundle, or undefined when it may.
 * Allowed: `<name>.json` / `<name>.onnx` at the top level or in models/, except the two manifest files.
 */
export function bundlePathProblem(path: string): string | undefined {
  if (path === MANIFEST_FILE || path === MANIFEST_SHA_FILE) {
    return "is written by the bundle writer itself and cannot be given as a file";
  }
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path) || path.includes("\\")) {
    return "must be a relative path with '/' separators";
  }
  const parts = path.split("/");
  if (parts.some((p) => p === ".." || p === "." || p === ""))
    return "must not contain '.', '..' or empty parts";
  if (parts.length > 2 || (parts.length === 2 && parts[0] !== MODELS_DIR)) {
    return `must be at the top level or in ${MODELS_DIR}/ (no other directories)`;
  }
  const file = parts[parts.length - 1] as string;
  if (!/\.(json|onnx)$/.test(file)) {
    return "is not allowed in a bundle: only .json and .onnx files (nothing that can run code)";
  }
  if (!FILE_NAME.test(file)) return "must be letters, digits, '.', '_' or '-', not starting with '.'";
  return undefined;
}

export const FileEntrySchema = z.strictObject({ sha256: hex64, bytes: z.int().min(0) });

export const FeatureSchemaSchema = z.strictObject({
  names: z.array(z.string().min(1)).min(1),
  dtypes: z.array(z.literal("float32")).min(1),
  sha256: hex64,
});
export type FeatureSchema = z.infer<typeof FeatureSchemaSchema>;

export const ModelEntrySchema = z.strictObject({
  name: safeName,
  model: z.string().min(1),
  file: z.string(),
  input_name: z.string().min(1),
  /**
   * What the graph's input holds: one feature row per sample (`feature_matrix`, shape [f]) or the L
   * feature rows ending at the sample (`window_tensor`, shape [L, f]). Absent: feature_matrix over the
   * bundle's feature schema (bundles written before window models were trained).
   */
  view: z.enum(["feature_matrix", "window_tensor"]).optional(),
  /** One sample's shape (without the batch axis), when `view` is given. */
  input_shape: z.array(z.int().min(1)).min(1).max(2).optional(),
  outputs: z.array(z.string().min(1)).min(1),
  opset: z.int().min(1),
  params: z.record(z.string(), z.unknown()),
});
export type ModelEntry = z.infer<typeof ModelEntrySchema>;

const manifestShape = {
  format: z.literal(BUNDLE_FORMAT),
  format_version: z.literal(BUNDLE_FORMAT_VERSION),
  name: safeName,
  version: z.string().regex(SEMVER, "expected a semantic version such as 1.0.0"),
  created: z.iso.datetime({ offset: false }),
  mlf_version: z.string().min(1),
  fingerprints: z.strictObject({ dataset_sha256: hex64, config_sha256: hex64 }),
  symbol: z.string().min(1),
  feature_schema: FeatureSchemaSchema,
  warmup_bars: z.int().min(0),
  input: z.strictObject({
    view: z.enum(inputViews),
    shape: z.array(z.union([z.string().min(1), z.int().min(1)])).min(1),
  }),
  outputs: z.array(z.enum(BUNDLE_OUTPUTS)).min(1),
  models: z.array(ModelEntrySchema).min(1),
  preprocessing: z.literal("preprocessing.json"),
  calibration: z.literal("calibration.json").nullable(),
  metrics: z.literal("metrics.json"),
  config: z.literal("config.json"),
  library_versions: z.record(z.string(), z.string()),
  files: z.record(z.string(), FileEntrySchema),
  bundle_checksum: hex64,
};

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const v of values) (seen.has(v) ? dup : seen).add(v);
  return [...dup];
}

/** manifest.json. Cross-field rules: every referenced file is listed in `files`, names are unique, hashes agree. */
export const BundleManifestSchema = z.strictObject(manifestShape).superRefine((m, ctx) => {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: "custom", path, message });
  for (const path of Object.keys(m.files)) {
    const problem = bundlePathProblem(path);
    if (problem !== undefined) issue(["files", path], `"${path}" ${problem}`);
  }
  const lower = duplicates(Object.keys(m.files).map((p) => p.toLowerCase()));
  if (lower.length > 0) issue(["files"], `paths differ only in case: ${lower.join(", ")}`);
  const fs = m.feature_schema;
  if (fs.dtypes.length !== fs.names.length) {
    issue(["feature_schema", "dtypes"], `${fs.dtypes.length} dtypes for ${fs.names.length} names`);
  }
  const dupNames = duplicates(fs.names);
  if (dupNames.length > 0)
    issue(["feature_schema", "names"], `duplicate feature names: ${dupNames.join(", ")}`);
  const schemaHash = featureSchemaSha256(fs.names, fs.dtypes);
  if (fs.sha256 !== schemaHash) {
    issue(
      ["feature_schema", "sha256"],
      `is ${fs.sha256.slice(0, 12)}…, names+dtypes hash to ${schemaHash.slice(0, 12)}…`,
    );
  }
  const width = m.input.shape.at(-1);
  if (m.input.view === "feature_matrix" && typeof width === "number" && width !== fs.names.length) {
    issue(
      ["input", "shape"],
      `the feature_matrix is ${width} wide but feature_schema has ${fs.names.length} names`,
    );
  }
  const dupOutputs = duplicates(m.outputs);
  if (dupOutputs.length > 0) issue(["outputs"], `duplicate outputs: ${dupOutputs.join(", ")}`);
  const dupModels = duplicates(m.models.map((x) => x.name));
  if (dupModels.length > 0) issue(["models"], `duplicate model names: ${dupModels.join(", ")}`);
  m.models.forEach((model, i) => {
    const expected = `${MODELS_DIR}/${model.name}.onnx`;
    if (model.file !== expected) issue(["models", i, "file"], `is "${model.file}", expected "${expected}"`);
    else if (!(model.file in m.files)) issue(["models", i, "file"], `"${model.file}" is not listed in files`);
    const shape = model.input_shape;
    if ((model.view === undefined) !== (shape === undefined)) {
      issue(["models", i, "input_shape"], "view and input_shape are given together or not at all");
    } else if (shape !== undefined && shape.length !== (model.view === "window_tensor" ? 2 : 1)) {
      issue(
        ["models", i, "input_shape"],
        `a ${model.view} sample is ${model.view === "window_tensor" ? "[L, f]" : "[f]"}, got [${shape.join(", ")}]`,
      );
    }
  });
  const referenced = {
    preprocessing: m.preprocessing,
    calibration: m.calibration,
    metrics: m.metrics,
    config: m.config,
  };
  for (const [key, file] of Object.entries(referenced)) {
    if (file !== null && !(file in m.files)) issue([key], `"${file}" is not listed in files`);
  }
  if (m.calibration === null && "calibration.json" in m.files) {
    issue(["calibration"], `is null but calibration.json is listed in files`);
  }
});
export type BundleManifest = z.infer<typeof BundleManifestSchema>;

/** What a writer supplies: the manifest less the fields the writer derives (`created` defaults to now). */
export type BundleManifestInput = Omit<
  BundleManifest,
  "format" | "format_version" | "files" | "bundle_checksum" | "created"
> & { created?: string };

export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** SHA-256 of the canonical JSON of `{names, dtypes}`: the feature schema's identity. */
export function featureSchemaSha256(names: readonly string[], dtypes: readonly string[]): string {
  return sha256Hex(canonicalJson({ names, dtypes }));
}

/**
 * The bundle's identity: SHA-256 of the canonical JSON (keys sorted at every depth, no whitespace) of
 * the manifest without `created` and `bundle_checksum`. `manifest` is the parsed JSON as it was read.
 */
export function computeBundleChecksum(manifest: Readonly<Record<string, unknown>>): string {
  const { created: _created, bundle_checksum: _checksum, ...rest } = manifest;
  return sha256Hex(canonicalJson(rest));
}

/** A zod issue path as `models[0].file`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else if (typeof p === "string" && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p)) out += `[${JSON.stringify(p)}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out === "" ? "(root)" : out;
}

/** One line for the first issue of a failed parse: `field path: message`. */
export function describeZodError(error: z.ZodError): string {
  const first = error.issues[0];
  if (first === undefined) return "invalid";
  const where = formatIssuePath(first.path);
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : "";
  return `${where}: ${first.message}${more}`;
}
