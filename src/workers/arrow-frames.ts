/**
 * Arrow IPC stream frames for the worker protocol, built over the caller's typed arrays.
 *
 * Encoding wraps each existing Float32Array/Float64Array in an Arrow Data object (makeData) instead of
 * copying values into new JS arrays (the naive tableFromArrays path measured 150-310 MB/s end to end in
 * NOTES.md). The only copy is the unavoidable one into the single contiguous buffer a ZeroMQ frame needs.
 * Decoding reads the record batches and hands back typed-array views into the received frame; Arrow
 * copies only when a column is not aligned for its element size.
 */
import {
  DataType,
  Field,
  type Float,
  Float32,
  Float64,
  makeData,
  Precision,
  RecordBatch,
  RecordBatchReader,
  RecordBatchStreamWriter,
  Schema,
  Struct,
} from "apache-arrow";
import { WorkerError } from "../core/errors.ts";

export type NumericColumn = Float32Array | Float64Array;

/** Named numeric columns of equal length, in schema order. */
export type ColumnSet = ReadonlyArray<readonly [name: string, values: NumericColumn]>;

function arrowTypeOf(values: NumericColumn): Float32 | Float64 {
  return values instanceof Float32Array ? new Float32() : new Float64();
}

/**
 * A stream writer that records the chunks it would write (small metadata pieces plus references to the
 * column buffers themselves) instead of queueing them, so the frame can be assembled with exactly one
 * copy of the data into one buffer (the writer's own toUint8Array goes through a queue and a join).
 */
class ChunkRecorder extends RecordBatchStreamWriter {
  readonly chunks: Uint8Array[] = [];
  protected override _write(chunk: unknown): this {
    if (this._started && ArrayBuffer.isView(chunk) && chunk.byteLength > 0) {
      this.chunks.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this._position += chunk.byteLength;
    }
    return this;
  }
}

/** Encoded size and chunk list of a set of columns (no data copied yet). */
function recordChunks(columns: ColumnSet): { chunks: Uint8Array[]; byteLength: number } {
  const rows = columns[0]?.[1].length ?? 0;
  const fields: Field[] = [];
  const children = [];
  for (const [name, values] of columns) {
    if (values.length !== rows) {
      throw new WorkerError(
        "WORKER_PROTOCOL",
        `Arrow frame column "${name}" has ${values.length} rows but the first column has ${rows}`,
      );
    }
    const type = arrowTypeOf(values);
    fields.push(new Field(name, type, false));
    // makeData keeps a reference to `values`: no per-value copy, no new JS array.
    children.push(makeData({ type, length: rows, nullCount: 0, data: values }));
  }
  const schema = new Schema(fields);
  const batch = new RecordBatch(
    schema,
    makeData({ type: new Struct(fields), length: rows, nullCount: 0, children }),
  );
  const recorder = new ChunkRecorder();
  recorder.write(batch);
  recorder.finish();
  let byteLength = 0;
  for (const c of recorder.chunks) byteLength += c.byteLength;
  return { chunks: recorder.chunks, byteLength };
}

function toUint8(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Bytes the Arrow IPC stream of `columns` takes (to size a reusable buffer for encodeArrowFrame). */
export function arrowFrameByteLength(columns: ColumnSet): number {
  return recordChunks(columns).byteLength;
}

/**
 * Encodes equal-length numeric columns as one Arrow IPC stream (schema + one record batch + EOS).
 * With `into` (at least arrowFrameByteLength bytes) the frame is written there and a view of it is
 * returned: reusing a buffer spares the page faults of a fresh allocation, but the caller must not
 * reuse it while ZeroMQ may still be sending it (i.e. before the peer has replied).
 */
export function encodeArrowFrame(columns: ColumnSet, into?: Uint8Array): Uint8Array {
  const { chunks, byteLength } = recordChunks(columns);
  if (into !== undefined && into.byteLength < byteLength) {
    throw new WorkerError(
      "WORKER_PROTOCOL",
      `Arrow frame needs ${byteLength} bytes, the buffer has ${into.byteLength}`,
    );
  }
  // Unpooled and uninitialised: every byte is written below (the chunks include the zero padding).
  const out = into ?? toUint8(Buffer.allocUnsafeSlow(byteLength));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out.subarray(0, byteLength);
}

/** A decoded Arrow frame: column name → typed-array view (concatenated if the stream had several batches). */
export interface DecodedFrame {
  rows: number;
  names: string[];
  columns: Map<string, NumericColumn>;
}

/** Decodes an Arrow IPC stream of float32/float64 columns into typed-array views. */
export function decodeArrowFrame(bytes: Uint8Array, frameName = "arrow"): DecodedFrame {
  let reader: RecordBatchReader;
  try {
    reader = RecordBatchReader.from(bytes);
    reader.open();
  } catch (e) {
    throw new WorkerError(
      "WORKER_PROTOCOL",
      `frame "${frameName}" is not an Arrow IPC stream: ${(e as Error).message}`,
    );
  }
  const schema = reader.schema;
  const names = schema.fields.map((f) => f.name);
  const parts: NumericColumn[][] = names.map(() => []);
  let rows = 0;
  for (const batch of reader as Iterable<RecordBatch>) {
    rows += batch.numRows;
    schema.fields.forEach((field, i) => {
      const data = batch.data.children[i];
      if (data === undefined) return;
      if (!isFloat(field.type)) {
        throw new WorkerError(
          "WORKER_PROTOCOL",
          `frame "${frameName}" column "${field.name}" has Arrow type ${String(field.type)}; only float32/float64 are allowed`,
        );
      }
      if (data.nullCount > 0) {
        throw new WorkerError(
          "WORKER_PROTOCOL",
          `frame "${frameName}" column "${field.name}" has ${data.nullCount} nulls; encode missing values as NaN`,
        );
      }
      const values = data.values as NumericColumn;
      parts[i]!.push(values.subarray(0, data.length) as NumericColumn);
    });
  }
  const columns = new Map<string, NumericColumn>();
  names.forEach((name, i) => {
    columns.set(name, concatColumn(parts[i]!, rows, schema.fields[i]!.type));
  });
  return { rows, names, columns };
}

/** float32 or float64 (half floats would come back as raw Uint16 bits, so they are refused). */
function isFloat(type: DataType): type is Float {
  return DataType.isFloat(type) && type.precision !== Precision.HALF;
}

function concatColumn(parts: NumericColumn[], rows: number, type: DataType): NumericColumn {
  if (parts.length === 1) return parts[0]!;
  const out =
    (type as Float32 | Float64).ArrayType === Float64Array ? new Float64Array(rows) : new Float32Array(rows);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
