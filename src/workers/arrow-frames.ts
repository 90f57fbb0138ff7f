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

/** Encodes equal-length numeric columns as one Arrow IPC stream (schema + one record batch + EOS). */
export function encodeArrowFrame(columns: ColumnSet): Uint8Array {
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
  const writer = new RecordBatchStreamWriter();
  writer.write(batch);
  writer.finish();
  return writer.toUint8Array(true);
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
