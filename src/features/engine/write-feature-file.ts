/**
 * Writes the feature file: an Arrow IPC file with `timestamp` (Int64 epoch ms UTC, one row per 1m
 * bar), one Float32 column per feature, then target_label (Int8), target_t1 (Int64 epoch ms) and
 * target_ret (Float64), null where undefined. The engine runs block by block (features.chunk_rows);
 * each block becomes one record batch written straight to the file, so memory stays O(block ×
 * columns). Output is atomic (temp + rename) and deterministic: same bars and config, same bytes.
 */
import {
  Field,
  Float32,
  Float64,
  Int8,
  Int64,
  makeData,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Struct,
} from "apache-arrow";
import type { ExperimentConfig } from "../../config/schema.ts";
import { withAtomicOutput } from "../../core/atomic-write.ts";
import type { Bars } from "../../data/bars.ts";
import type { Labels } from "../../labels/triple-barrier.ts";
import { BlockEngine, defaultThreads, type FeatureWorkers } from "./block-engine.ts";
import { type FeatureFileMeta, featureFileMetadata } from "./feature-file-metadata.ts";
import { FileSink } from "./file-sink.ts";

export interface WriteFeatureFileOptions {
  bars: Bars;
  meta: FeatureFileMeta;
  config: ExperimentConfig;
  outPath: string;
  labels?: Labels;
  /** Threads computing features (default: 2 on large inputs, see defaultThreads). Output is identical. */
  threads?: number;
  /** Workers started early (prestartFeatureWorkers), used before any new one is started. */
  workers?: FeatureWorkers;
  /** false: write through the page cache even where O_DIRECT works (tests cover both paths). */
  directIo?: boolean;
}

/** Validity bitmap (bit set = valid) for rows [from, to) of `values`: NaN is null. */
function validityOf(values: Float64Array, from: number, to: number): { bitmap: Uint8Array; nulls: number } {
  const n = to - from;
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let r = 0; r < n; r++) {
    if (!Number.isNaN(values[from + r])) bitmap[r >> 3] |= 1 << (r & 7);
    else nulls++;
  }
  return { bitmap, nulls };
}

/**
 * Epoch-ms doubles into an Int64 column without a BigInt per value: integers below 2^53 split exactly
 * into a low and a high 32-bit word (little-endian layout, as Arrow requires). NaN leaves 0 (null).
 */
function int64Of(values: Float64Array, from: number, to: number, out: BigInt64Array): BigInt64Array {
  const words = new Int32Array(out.buffer, out.byteOffset, out.length * 2);
  for (let r = 0, i = from; i < to; r++, i++) {
    const t = values[i];
    if (Number.isNaN(t)) {
      words[2 * r] = 0;
      words[2 * r + 1] = 0;
    } else {
      const high = Math.floor(t / 4294967296);
      words[2 * r] = t - high * 4294967296;
      words[2 * r + 1] = high;
    }
  }
  return out;
}

function targetChildren(labels: Labels, from: number, to: number) {
  const n = to - from;
  const label = new Int8Array(n);
  for (let r = 0; r < n; r++) {
    const l = labels.label[from + r];
    if (!Number.isNaN(l)) label[r] = l;
  }
  const t1 = int64Of(labels.t1, from, to, new BigInt64Array(n));
  const lv = validityOf(labels.label, from, to);
  const tv = validityOf(labels.t1, from, to);
  const rv = validityOf(labels.ret, from, to);
  return [
    makeData({ type: new Int8(), length: n, nullCount: lv.nulls, nullBitmap: lv.bitmap, data: label }),
    makeData({ type: new Int64(), length: n, nullCount: tv.nulls, nullBitmap: tv.bitmap, data: t1 }),
    makeData({
      type: new Float64(),
      length: n,
      nullCount: rv.nulls,
      nullBitmap: rv.bitmap,
      data: labels.ret.subarray(from, to),
    }),
  ];
}

export async function writeFeatureFile(
  opts: WriteFeatureFileOptions,
): Promise<{ rows: number; columns: number }> {
  const { bars, config, labels } = opts;
  const chunk = config.features.chunk_rows;
  const block = Math.min(chunk, Math.max(1, bars.length));
  // One buffer set: the sink copies each batch out as it is written (FileSink.write), so the engine
  // can fill the set again while the copy goes to the file in the background.
  const engine = await BlockEngine.start(
    bars,
    { hasVolume: bars.volume !== null, families: config.features.families, exclude: config.features.exclude },
    { block, setCount: 1, threads: opts.threads ?? defaultThreads(bars.length), prestarted: opts.workers },
  );
  const fields: Field[] = [
    new Field("timestamp", new Int64(), false),
    ...engine.columns.map((c) => new Field(c.name, new Float32(), false)),
  ];
  if (labels) {
    fields.push(
      new Field("target_label", new Int8(), true),
      new Field("target_t1", new Int64(), true),
      new Field("target_ret", new Float64(), true),
    );
  }
  const schema = new Schema(fields, featureFileMetadata(opts.meta, config, engine.columns));
  const structType = new Struct(fields);
  // A batch's bytes: 8 (timestamp) + 4 per feature + 17 (targets) per row, plus validity bitmaps,
  // padding and the message header; the schema message (feature metadata) comes before the first.
  const batchBytes = block * (4 * engine.columns.length + 32) + 4 * 2 ** 20;

  try {
    await withAtomicOutput(opts.outPath, async (tmp) => {
      const sink = await FileSink.open(tmp, {
        batchBytes,
        ...(opts.directIo === false ? { direct: false } : {}),
      });
      try {
        const writer = new RecordBatchFileWriter();
        writer.reset(sink, schema);
        const tsBuf = new BigInt64Array(block);
        for (let from = 0; from < bars.length; from += chunk) {
          const to = Math.min(bars.length, from + chunk);
          const n = to - from;
          await sink.flush();
          const cols = await engine.compute(from, to, 0);
          const ts = int64Of(bars.ts, from, to, tsBuf.subarray(0, n));
          const children = [
            makeData({ type: new Int64(), length: n, nullCount: 0, data: ts }),
            ...cols.map((data) => makeData({ type: new Float32(), length: n, nullCount: 0, data })),
            ...(labels ? targetChildren(labels, from, to) : []),
          ];
          const data = makeData({ type: structType, length: n, nullCount: 0, children });
          writer.write(new RecordBatch(schema, data));
        }
        // The footer (and, for an empty input, the schema) go out on finish.
        await sink.flush();
        writer.finish();
        await sink.closeFile();
      } catch (e) {
        await sink.abandon();
        throw e;
      }
    });
  } finally {
    await engine.close();
  }
  return { rows: bars.length, columns: fields.length };
}
