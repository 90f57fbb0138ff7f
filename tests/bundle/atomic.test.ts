/**
 * Atomic writes: a bundle appears whole or not at all. A write that fails (a refused file name, bad
 * content, a failure injected after the files are on disk) leaves no target and no temporary
 * directory, and a bundle already at the target stays as it was.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { BundleFileError, verifyBundle, writeBundle } from "../../src/bundle/index.ts";
import { bundleInput, listTree, tempDir } from "./fixtures.ts";

function snapshot(dir: string): Map<string, string> {
  return new Map(listTree(dir).map((p) => [p, readFileSync(join(dir, p)).toString("base64")]));
}

async function refusal(promise: Promise<unknown>): Promise<BundleFileError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof BundleFileError)) throw new Error(`expected a BundleFileError, got ${String(err)}`);
  return err;
}

describe("writeBundle is atomic", () => {
  it("the temporary directory is beside the target and holds a verified bundle before the rename", async () => {
    const root = tempDir();
    const target = join(root, "b");
    let seen: string | undefined;
    await writeBundle(target, bundleInput(), {
      beforeCommit: async (tmp) => {
        seen = tmp;
        expect(dirname(tmp)).toBe(root);
        expect(readdirSync(root)).toEqual([tmp.slice(root.length + 1)]);
        await expect(verifyBundle(tmp)).resolves.toMatchObject({ ok: true });
      },
    });
    expect(seen).toMatch(/\/\.b\.tmp-\d+-[0-9a-f]{8}$/);
    expect(readdirSync(root)).toEqual(["b"]);
  });

  it("an injected failure after everything is written leaves no directory and no temp dir", async () => {
    const root = tempDir();
    const target = join(root, "nested", "deeper", "b");
    const err = await writeBundle(target, bundleInput(), {
      beforeCommit: () => {
        throw new Error("disk on fire");
      },
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe("disk on fire");
    expect(readdirSync(root)).toEqual([]); // the parents this write created are gone too
  });

  it("an invalid file name in the map: refused, nothing written", async () => {
    for (const bad of [
      "../escape.json",
      "/abs.json",
      "sub/x.json",
      "models/deep/x.onnx",
      "model.pkl",
      "x.py",
    ]) {
      const root = tempDir();
      const input = bundleInput();
      input.files.set(bad, "{}");
      const err = await refusal(writeBundle(join(root, "b"), input));
      expect(err.file).toBe(bad);
      expect(readdirSync(root)).toEqual([]);
    }
  });

  it("a failed write over an existing bundle leaves the old bundle byte for byte", async () => {
    const root = tempDir();
    const target = join(root, "b");
    const first = await writeBundle(target, bundleInput());
    const before = snapshot(target);

    const changed = bundleInput("2031-01-01T00:00:00Z");
    changed.files.set("metrics.json", '{"test": {"auc": 0.9}}\n');
    await expect(
      writeBundle(target, changed, {
        beforeCommit: () => {
          throw new Error("injected");
        },
      }),
    ).rejects.toThrow("injected");
    const bad = bundleInput();
    bad.files.set("evil.pkl", "cos\nsystem\n");
    await refusal(writeBundle(target, bad));

    expect(snapshot(target)).toEqual(before);
    expect(readdirSync(root)).toEqual(["b"]);
    expect((await verifyBundle(target)).bundle_checksum).toBe(first.bundle_checksum);
  });

  it("a successful write replaces an existing bundle whole, leaving nothing beside it", async () => {
    const root = tempDir();
    const target = join(root, "b");
    await writeBundle(target, bundleInput());
    const changed = bundleInput();
    changed.manifest.version = "1.1.0";
    changed.manifest.calibration = null;
    changed.files.delete("calibration.json");
    await writeBundle(target, changed);
    expect(readdirSync(root)).toEqual(["b"]);
    expect(listTree(target)).not.toContain("calibration.json");
    expect((await verifyBundle(target)).manifest.version).toBe("1.1.0");
  });

  it("an empty directory at the target is replaced; a directory that is not a bundle, or a file, is not", async () => {
    const root = tempDir();
    mkdirSync(join(root, "empty"));
    await writeBundle(join(root, "empty"), bundleInput());
    await expect(verifyBundle(join(root, "empty"))).resolves.toMatchObject({ ok: true });

    mkdirSync(join(root, "home"));
    writeFileSync(join(root, "home", "thesis.tex"), "precious");
    const err = await refusal(writeBundle(join(root, "home"), bundleInput()));
    expect(err.reason).toMatch(/^exists and is not a bundle; refusing to replace it/);
    expect(readFileSync(join(root, "home", "thesis.tex"), "utf8")).toBe("precious");

    writeFileSync(join(root, "file"), "x");
    expect((await refusal(writeBundle(join(root, "file"), bundleInput()))).reason).toMatch(
      /is not a directory/,
    );
    expect(readdirSync(root).sort()).toEqual(["empty", "file", "home"]);
  });
});
