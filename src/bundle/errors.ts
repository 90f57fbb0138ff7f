/**
 * Bundle failures name the file they are about. `BundleFileError` is a `BundleError` (same code and
 * exit status) that also carries the file (relative to the bundle, or the bundle directory itself)
 * and the bare reason, so callers and tests need not parse the message.
 */
import { BundleError } from "../core/errors.ts";

export class BundleFileError extends BundleError {
  constructor(
    /** Path relative to the bundle directory (`models/a.onnx`, `manifest.json`); "" for the directory itself. */
    readonly file: string,
    readonly reason: string,
    /** The bundle directory, for the message. */
    readonly bundleDir: string,
  ) {
    super(file === "" ? `bundle ${bundleDir}: ${reason}` : `bundle ${bundleDir}: ${file}: ${reason}`);
  }
}
