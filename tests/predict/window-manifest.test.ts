/**
 * What a bundle says about each model's input: `view` and `input_shape` come together, a window
 * model's sample is [L, f] and a row model's [f]; bundles written before the fields existed still load.
 */
import { describe, expect, it } from "vitest";
import { writeBundle } from "../../src/bundle/index.ts";
import { bundleInput, tempDir } from "../bundle/fixtures.ts";

type Entry = Record<string, unknown>;

async function writeWith(edit: (models: Entry[]) => void) {
  const input = bundleInput();
  const models = input.manifest.models.map((m) => ({ ...m })) as Entry[];
  edit(models);
  input.manifest = { ...input.manifest, models: models as never };
  return writeBundle(`${tempDir()}/b`, input);
}

describe("manifest models[].view and input_shape", () => {
  it("accepts row models with [f], and entries without either (older bundles)", async () => {
    const written = await writeWith((m) => {
      m[0]!.view = "feature_matrix";
      m[0]!.input_shape = [4];
    });
    expect(written.manifest.models[0]).toMatchObject({ view: "feature_matrix", input_shape: [4] });
    expect(written.manifest.models[1]!.view).toBeUndefined();
  });

  it("refuses a view without input_shape, and a shape of the wrong rank for its view", async () => {
    await expect(
      writeWith((m) => {
        m[0]!.view = "window_tensor";
      }),
    ).rejects.toThrow(/models\[0\]\.input_shape.*given together/);
    await expect(
      writeWith((m) => {
        m[0]!.view = "window_tensor";
        m[0]!.input_shape = [4];
      }),
    ).rejects.toThrow(/a window_tensor sample is \[L, f\], got \[4\]/);
    await expect(
      writeWith((m) => {
        m[1]!.view = "feature_matrix";
        m[1]!.input_shape = [8, 4];
      }),
    ).rejects.toThrow(/a feature_matrix sample is \[f\], got \[8, 4\]/);
  });
});
