import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { tableFromIPC } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/load.ts";
import type { Bars } from "../../../src/data/bars.ts";
import { fingerprintBars, fingerprintConfig } from "../../../src/data/fingerprint.ts";
import { generateSynthBars } from "../../../src/data/synth/index.ts";
import { FeatureEngine } from "../../../src/features/engine/feature-engine.ts";
import { METADATA_KEYS } from "../../../src/features/engine/feature-file-metadata.ts";
import { writeFeatureFile } from "../../../src/features/engine/write-feature-file.ts";
import { tripleBarrierLabels } from "../../../src/labels/triple-barrier.ts";
import { fileTempDir } from "../../helpers/temp-dir.ts";

const bars = generateSynthBars({ bars: 3000, seed: 11 });
const noVolume: Bars = { ...bars, volume: null };
const dir = fileTempDir("mlf-featfile-");

function metaOf(b: Bars) {
  return {
    fingerprint: fingerprintBars(b),
    hasVolume: b.volume !== null,
    warnings: b.volume ? [] : ["no volume"],
  };
}

describe("writeFeatureFile", () => {
  const config = parseConfig({ features: { chunk_rows: 1000 } });
  const labels = tripleBarrierLabels(bars, config.labels, config.tick_size);

  it("writes timestamp, every engine column as float32 and nullable targets, with metadata", async () => {
    const out = join(dir, "a.arrow");
    const res = await writeFeatureFile({ bars, meta: metaOf(bars), config, outPath: out, labels });
    const table = tableFromIPC(readFileSync(out));
    const engine = new FeatureEngine({ hasVolume: true });
    const names = engine.columns.map((c) => c.name);
    expect(table.schema.fields.map((f) => f.name)).toEqual([
      "timestamp",
      ...names,
      "target_label",
      "target_t1",
      "target_ret",
    ]);
    expect(res).toEqual({ rows: 3000, columns: names.length + 4 });
    expect(table.numRows).toBe(3000);
    expect(table.batches.length).toBe(3);
    const ts = table.getChild("timestamp")!.toArray() as BigInt64Array;
    expect(Number(ts[0])).toBe(bars.ts[0]);
    expect(Number(ts[2999])).toBe(bars.ts[2999]);
    // Values equal one engine pass over all rows (the writer's blocks do not change them).
    const expected = engine.columns.map(() => new Float32Array(3000));
    engine.push(bars, 0, 3000, expected);
    names.forEach((name, j) => {
      expect(table.getChild(name)!.toArray()).toEqual(expected[j]);
    });
    const label = table.getChild("target_label")!;
    const t1 = table.getChild("target_t1")!;
    const ret = table.getChild("target_ret")!;
    for (const i of [0, 5, 100, 2000, 2990, 2999]) {
      const defined = !Number.isNaN(labels.label[i]);
      expect(label.get(i)).toBe(defined ? labels.label[i] : null);
      expect(t1.get(i)).toBe(defined ? BigInt(labels.t1[i]) : null);
      expect(ret.get(i)).toBe(defined ? labels.ret[i] : null);
    }
    expect(label.nullCount).toBe(labels.label.filter(Number.isNaN).length);
    const md = table.schema.metadata;
    expect(md.get(METADATA_KEYS.dataFingerprint)).toBe(fingerprintBars(bars));
    expect(md.get(METADATA_KEYS.configFingerprint)).toBe(fingerprintConfig(config));
    expect(md.get(METADATA_KEYS.hasVolume)).toBe("true");
    expect(JSON.parse(md.get(METADATA_KEYS.features)!)).toEqual(engine.columns);
    expect(md.get(METADATA_KEYS.version)).toMatch(/^\d+\.\d+\.\d+/);
    // Nothing but the target remains in the directory: the temp file was renamed.
    expect(readdirSync(dir).filter((f) => f.startsWith("."))).toEqual([]);
  });

  it("is byte-identical for the same bars and config", async () => {
    const a = join(dir, "same1.arrow");
    const b = join(dir, "same2.arrow");
    await writeFeatureFile({ bars, meta: metaOf(bars), config, outPath: a, labels });
    await writeFeatureFile({ bars, meta: metaOf(bars), config, outPath: b, labels });
    expect(Buffer.compare(readFileSync(a), readFileSync(b))).toBe(0);
  });

  it("without volume leaves the volume columns out and names them in the metadata", async () => {
    const out = join(dir, "novol.arrow");
    await writeFeatureFile({ bars: noVolume, meta: metaOf(noVolume), config, outPath: out });
    const table = tableFromIPC(readFileSync(out));
    const md = table.schema.metadata;
    expect(md.get(METADATA_KEYS.hasVolume)).toBe("false");
    expect(JSON.parse(md.get(METADATA_KEYS.warnings)!)).toEqual(["no volume"]);
    const skipped: string[] = JSON.parse(md.get(METADATA_KEYS.skippedVolume)!);
    const names = table.schema.fields.map((f) => f.name);
    for (const s of skipped) expect(names).not.toContain(s);
    // No labels given: no target columns.
    expect(names.filter((n) => n.startsWith("target_"))).toEqual([]);
  });

  it("leaves no file behind when writing fails", async () => {
    const out = join(dir, "fails.arrow");
    const bad = parseConfig({ features: { exclude: ["no_such_column_1m"] } });
    await expect(writeFeatureFile({ bars, meta: metaOf(bars), config: bad, outPath: out })).rejects.toThrow(
      /features.exclude/,
    );
    expect(readdirSync(dir).filter((f) => f.includes("fails"))).toEqual([]);
  });
});

describe("writeFeatureFile on several threads", () => {
  it("writes the same bytes with 1, 2 and 3 threads, with and without O_DIRECT", async () => {
    // Blocks of 1024 rows: 4096-byte columns, written by reference; 3000 rows end in a partial block.
    const config = parseConfig({ features: { chunk_rows: 1024 } });
    const labels = tripleBarrierLabels(bars, config.labels, config.tick_size);
    const runs: { threads: number; directIo: boolean; lazyLabels: boolean }[] = [
      { threads: 1, directIo: true, lazyLabels: false },
      { threads: 2, directIo: true, lazyLabels: true },
      { threads: 3, directIo: true, lazyLabels: false },
      { threads: 1, directIo: false, lazyLabels: true },
      { threads: 2, directIo: false, lazyLabels: false },
    ];
    const files = await Promise.all(
      runs.map(async ({ threads, directIo, lazyLabels }, k) => {
        const out = join(dir, `threads${k}.arrow`);
        await writeFeatureFile({
          bars,
          meta: metaOf(bars),
          config,
          outPath: out,
          labels: lazyLabels ? () => labels : labels,
          threads,
          directIo,
        });
        return readFileSync(out);
      }),
    );
    for (const f of files.slice(1)) expect(Buffer.compare(files[0], f)).toBe(0);
  });

  it("writes the same bytes with columns padded between them (odd block length)", async () => {
    // 1023 rows: 4092-byte columns that Arrow pads to 4096, so no block is a multiple of the disk's.
    const config = parseConfig({ features: { chunk_rows: 1023 } });
    const labels = tripleBarrierLabels(bars, config.labels, config.tick_size);
    const files = await Promise.all(
      [1, 2].map(async (threads) => {
        const out = join(dir, `odd${threads}.arrow`);
        await writeFeatureFile({ bars, meta: metaOf(bars), config, outPath: out, labels, threads });
        return readFileSync(out);
      }),
    );
    expect(Buffer.compare(files[0], files[1])).toBe(0);
    const table = tableFromIPC(files[0]);
    const engine = new FeatureEngine({ hasVolume: true });
    const expected = engine.columns.map(() => new Float32Array(3000));
    engine.push(bars, 0, 3000, expected);
    engine.columns.forEach((c, j) => {
      expect(table.getChild(c.name)!.toArray()).toEqual(expected[j]);
    });
  });
});
