/**
 * Model bundles: a directory of ONNX and JSON files (nothing that can run code) with a manifest of
 * checksums, written atomically and verified on every load. docs/bundle.md describes the format.
 */
export { BundleFileError } from "./errors.ts";
export { type BundleSummary, formatBundleSummary, inspectBundle } from "./inspect.ts";
export { type LoadedBundle, loadBundle } from "./load.ts";
export {
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  BUNDLE_OUTPUTS,
  type BundleManifest,
  type BundleManifestInput,
  BundleManifestSchema,
  bundlePathProblem,
  computeBundleChecksum,
  type FeatureSchema,
  featureSchemaSha256,
  MANIFEST_FILE,
  MANIFEST_SHA_FILE,
  type ModelEntry,
} from "./manifest.ts";
export { checkOnnx, NotOnnxError, type OnnxSummary } from "./onnx-check.ts";
export { type VerifiedBundle, type VerifyOptions, verifyBundle } from "./verify.ts";
export {
  toJsonText,
  type WriteBundleInput,
  type WriteBundleOptions,
  type WrittenBundle,
  writeBundle,
} from "./write.ts";
