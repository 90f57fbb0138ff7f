/**
 * Writes the feature file: an Arrow IPC file with `timestamp` (Int64 epoch ms UTC, one row per 1m
 * bar), one Float32 column per feature, then target_label (Int8), target_t1 (Int64 epoch ms) and
 * target_ret (Float64), null where undefined. The engine runs block by block (features.chunk_rows);
 * each block becomes one record batch written straight to the file, so memory stays O(block ×
 * columns). Output is atomic (temp + rename) and deterministic: same bars and config, same bytes.
 */
import {
  AsyncByteQueue,
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
import { BlockEngine, type BlockPlacement, defaultThreads, type FeatureWorkers } from "./block-engine.ts";
import { columnViews } from "./block-engine-protocol.ts";
import { type FeatureFileMeta, featureFileMetadata } from "./feature-file-metadata.ts";
import { FileSink } from "./file-sink.ts";

export interface WriteFeatureFileOptions {
  bars: Bars;
  meta: FeatureFileMeta;
  config: ExperimentConfig;
  outPath: string;
  /** The targets; a function is called once the feature threads have started (it overlaps them). */
  labels?: Labels | (() => Labels);
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

/**
 * Zeroes the bytes between consecutive columns (a block whose columns are not a multiple of 8 bytes
 * long): the writer pads each column with zeros, and when memory holds the same bytes the sink sends
 * the block as one run instead of one run per column.
 */
function zeroGaps(cols: readonly Float32Array[], stride: number): void {
  for (const c of cols) {
    const end = c.byteOffset + c.byteLength;
    const gap = c.byteOffset + stride - end;
    if (gap > 0) new Uint8Array(c.buffer, end, gap).fill(0);
  }
}

/** Target columns of a block with every value valid: the same message header as real targets. */
function placeholderTargets(n: number) {
  return [
    makeData({ type: new Int8(), length: n, nullCount: 0, data: new Int8Array(n) }),
    makeData({ type: new Int64(), length: n, nullCount: 0, data: new BigInt64Array(n) }),
    makeData({ type: new Float64(), length: n, nullCount: 0, data: new Float64Array(n) }),
  ];
}

/**
 * Records the pieces a writer emits instead of writing them: a dry run of a record batch gives
 * its exact size and where its first feature column lands, without touching the file.
 */
class LayoutProbe extends AsyncByteQueue<Uint8Array> {
  position = 0;
  firstAt = new Map<number, number>();
  override write(value: Uint8Array | ArrayBufferView | ArrayBuffer): void {
    const bytes = ArrayBuffer.isView(value) ? value : new Uint8Array(value);
    if (ArrayBuffer.isView(value) && !this.firstAt.has(value.byteOffset)) {
      this.firstAt.set(value.byteOffset, this.position);
    }
    this.position += bytes.byteLength;
  }
}

export async function writeFeatureFile(
  opts: WriteFeatureFileOptions,
): Promise<{ rows: number; columns: number }> {
  const { bars, config } = opts;
  const chunk = config.features.chunk_rows;
  const block = Math.min(chunk, Math.max(1, bars.length));
  const threads = opts.threads ?? defaultThreads(bars.length);
  // Two buffer sets: block k + 1 is computed while block k goes to the file from where it lies.
  const setCount = 2;
  const engine = await BlockEngine.start(
    bars,
    { hasVolume: bars.volume !== null, families: config.features.families, exclude: config.features.exclude },
    { block, setCount, threads, prestarted: opts.workers },
  );
  const columnCount = engine.columns.length;
  const fields: Field[] = [
    new Field("timestamp", new Int64(), false),
    ...engine.columns.map((c) => new Field(c.name, new Float32(), false)),
  ];
  const withTargets = opts.labels !== undefined;
  if (withTargets) {
    fields.push(
      new Field("target_label", new Int8(), true),
      new Field("target_t1", new Int64(), true),
      new Field("target_ret", new Float64(), true),
    );
  }
  const schema = new Schema(fields, featureFileMetadata(opts.meta, config, engine.columns));
  const structType = new Struct(fields);
  const blocks: [number, number][] = [];
  for (let from = 0; from < bars.length; from += chunk)
    blocks.push([from, Math.min(bars.length, from + chunk)]);
  // Column j of a block of n rows at j × stride: the file's layout (Arrow pads buffers to 8 bytes).
  const stride = (n: number) => Math.ceil((n * 4) / 8) * 8;
  const tsBuf = new BigInt64Array(block);
  const batchOf = (
    n: number,
    ts: BigInt64Array,
    cols: Float32Array[],
    targets: ReturnType<typeof placeholderTargets>,
  ) =>
    new RecordBatch(
      schema,
      makeData({
        type: structType,
        length: n,
        nullCount: 0,
        children: [
          makeData({ type: new Int64(), length: n, nullCount: 0, data: ts }),
          ...cols.map((data) => makeData({ type: new Float32(), length: n, nullCount: 0, data })),
          ...(withTargets ? targets : []),
        ],
      }),
    );

  try {
    await withAtomicOutput(opts.outPath, async (tmp) => {
      const regionBytes = columnCount * stride(block);
      const sink = await FileSink.open(tmp, {
        // A batch's bytes: 8 (timestamp) + 4 per feature + 17 (targets) per row, plus validity
        // bitmaps, padding and the message header; the schema message comes before the first.
        batchBytes: block * (4 * columnCount + 32) + 4 * 2 ** 20,
        regions: Array.from({ length: setCount }, () => regionBytes),
        ...(opts.directIo === false ? { direct: false } : {}),
      });
      try {
        const writer = new RecordBatchFileWriter();
        writer.reset(sink, schema);
        // Where each batch starts in the file, and where its first feature column lands (a dry run
        // of the same batch through a LayoutProbe): block k's columns are placed in memory so that
        // the sink can write them without a copy (FileSink.alignedOffset).
        const probe = new LayoutProbe();
        const probeWriter = new RecordBatchFileWriter();
        probeWriter.reset(probe, schema);
        // A batch's layout depends only on its row count and on which target columns carry a
        // validity bitmap (the message header has a fixed shape), so each kind is probed once. A
        // wrong layout could only cost the copy of a misplaced block, never a byte of the file.
        const layouts = new Map<string, { columnsAt: number; size: number }>();
        const dryRun = (n: number, targets: ReturnType<typeof placeholderTargets> | null) => {
          const key = `${n}/${targets?.map((t) => (t.nullCount > 0 ? 1 : 0)).join("") ?? "000"}`;
          let layout = layouts.get(key);
          if (!layout) {
            layout = probeLayout(n, targets ?? placeholderTargets(n));
            layouts.set(key, layout);
          }
          return layout;
        };
        const probeLayout = (n: number, targets: ReturnType<typeof placeholderTargets>) => {
          const cols = columnViews(
            {
              memory: sink.regions[0].buffer as SharedArrayBuffer,
              offset: sink.regions[0].byteOffset,
              stride: stride(n),
            },
            columnCount,
            n,
          );
          const start = probe.position;
          probe.firstAt.clear();
          probeWriter.write(batchOf(n, tsBuf.subarray(0, n), cols, targets));
          const columnsAt = columnCount > 0 ? probe.firstAt.get(cols[0].byteOffset)! - start : 0;
          return { columnsAt, size: probe.position - start };
        };
        const batchStart = [sink.position];
        const place = (k: number): BlockPlacement => {
          const [from, to] = blocks[k];
          const region = sink.regions[k % setCount];
          const at = batchStart[k] + dryRun(to - from, null).columnsAt;
          return {
            memory: region.buffer as SharedArrayBuffer,
            offset: region.byteOffset + sink.alignedOffset(at),
            stride: stride(to - from),
          };
        };
        // The workers start on the first block at once; the targets are computed meanwhile.
        if (blocks.length > 0) engine.begin(blocks[0][0], blocks[0][1], 0, place(0));
        const labels = typeof opts.labels === "function" ? opts.labels() : opts.labels;
        // Block k's target columns are built once, for the dry run that sizes batch k, and kept
        // until batch k is written.
        const targets = new Map<number, ReturnType<typeof placeholderTargets>>();
        const targetsOf = (k: number) => {
          let t = targets.get(k);
          if (!t) {
            const [from, to] = blocks[k];
            t = labels ? targetChildren(labels, from, to) : placeholderTargets(0);
            targets.set(k, t);
          }
          return t;
        };
        const beginBlock = (k: number) => {
          // The start of batch k follows from the exact size of batch k - 1 (its targets' nulls
          // decide whether validity bitmaps are written).
          const [from, to] = blocks[k - 1];
          batchStart[k] = batchStart[k - 1] + dryRun(to - from, targetsOf(k - 1)).size;
          engine.begin(blocks[k][0], blocks[k][1], k % setCount, place(k));
        };
        for (let k = 1; k < Math.min(setCount, blocks.length); k++) beginBlock(k);
        const begun: Promise<void>[] = [];
        for (let k = 0; k < blocks.length; k++) {
          const [from, to] = blocks[k];
          const n = to - from;
          if (k >= setCount) await begun[k];
          const cols = await engine.finish();
          zeroGaps(cols, stride(n));
          const ts = int64Of(bars.ts, from, to, tsBuf.subarray(0, n));
          writer.write(batchOf(n, ts, cols, targetsOf(k)));
          targets.delete(k);
          // Block k's memory is free once the sink has written it: block k + 2 goes there.
          const written = sink.flush();
          if (k + setCount < blocks.length)
            begun[k + setCount] = written.then(() => beginBlock(k + setCount));
          // A failed write also fails the final flush; no rejection may go unhandled meanwhile.
          written.catch(() => undefined);
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
