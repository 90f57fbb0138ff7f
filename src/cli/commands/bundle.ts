/**
 * `mlf bundle verify BUNDLE_DIR [--json]`: checks a model bundle (docs/bundle.md lists the checks in
 * order) and prints `ok <name> <version> <checksum>`; a failure is one line naming the file, exit 2.
 * `mlf bundle inspect BUNDLE_DIR [--json]`: verifies, then summarises the bundle.
 */
import type { Command } from "commander";

export function registerBundle(program: Command): void {
  const bundle = program
    .command("bundle")
    .description("model bundles (ONNX + JSON, checksummed): verify and inspect");

  bundle
    .command("verify")
    .description("check every file of a bundle against its manifest; exit 0 only if all match")
    .argument("<bundle_dir>", "the bundle directory")
    .option("--json", "print the result as JSON")
    .action(async (dir: string, opts: { json?: boolean }) => {
      const { verifyBundle } = await import("../../bundle/verify.ts");
      const { manifest, bundle_checksum } = await verifyBundle(dir);
      const out =
        opts.json === true
          ? JSON.stringify(
              {
                ok: true,
                dir,
                name: manifest.name,
                version: manifest.version,
                bundle_checksum,
                files: Object.keys(manifest.files).length,
              },
              null,
              2,
            )
          : `ok ${manifest.name} ${manifest.version} ${bundle_checksum}`;
      process.stdout.write(`${out}\n`);
    });

  bundle
    .command("inspect")
    .description("verify a bundle, then print what it holds")
    .argument("<bundle_dir>", "the bundle directory")
    .option("--json", "print the summary as JSON")
    .action(async (dir: string, opts: { json?: boolean }) => {
      const { formatBundleSummary, inspectBundle } = await import("../../bundle/inspect.ts");
      const summary = await inspectBundle(dir);
      process.stdout.write(
        opts.json === true ? `${JSON.stringify(summary, null, 2)}\n` : formatBundleSummary(summary),
      );
    });
}
