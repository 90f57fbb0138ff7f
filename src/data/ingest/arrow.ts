/**
 * Arrow IPC (file or stream format; .arrow, .feather v2, .ipc) through apache-arrow. Prices and
 * volume must be integer or floating columns; the timestamp a Timestamp with a time zone (any
 * unit) or an integer/floating epoch (seconds or ms by magnitude, see timestamps.ts). A Timestamp
 * without time zone and text timestamps are refused (write UTC timestamps or epoch numbers).
 * Rows are numbered from 1 (the first bar is row 1).
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { DataType, type Table, type Timestamp, TimeUnit, tableFromIPC, type Vector } from "apache-arrow";
import { DataError } from "../../core/errors.ts";
import type { Bars } from "../bars.ts";
import type { BarColumn } from "../validate.ts";
import { explainValue } from "./parquet.ts";
import { epochNumberToMs } from "./timestamps.ts";
import { NO_VOLUME_WARNING, type ReadResult } from "./types.ts";

const REQUIRED = ["timestamp", "open", "high", "low", "close"] as const;

/** Multiplier from the unit to milliseconds. */
const UNIT_TO_MS: Record<TimeUnit, number> = {
  [TimeUnit.SECOND]: 1000,
  [TimeUnit.MILLISECOND]: 1,
  [TimeUnit.MICROSECOND]: 1e-3,
  [TimeUnit.NANOSECOND]: 1e-6,
};

/** Copies a numeric column into float64; nulls become NaN. Returns the null count. */
function toFloat64(vector: Vector, scale: number, out: Float64Array): number {
  let at = 0;
  let nulls = 0;
  for (const data of vector.data) {
    const values = data.values as ArrayLike<number | bigint>;
    const n = data.length;
    for (let i = 0; i < n; i++) out[at + i] = Number(values[i]) * scale;
    if (data.nullCount > 0) {
      for (let i = 0; i < n; i++) {
        if (!data.getValid(i)) {
          out[at + i] = Number.NaN;
          nulls++;
        }
      }
    }
    at += n;
  }
  return nulls;
}

function isNumeric(type: DataType): boolean {
  return DataType.isInt(type) || DataType.isFloat(type);
}

/** Epoch numbers by magnitude, in place (see timestamps.ts); values outside the rules become NaN. */
function epochToMs(ts: Float64Array): void {
  for (let i = 0; i < ts.length; i++) ts[i] = epochNumberToMs(ts[i]);
}

function readTable(bytes: Uint8Array, file: string): Table {
  try {
    return tableFromIPC(bytes);
  } catch (e) {
    throw new DataError(`${file}: not a readable Arrow IPC file: ${(e as Error).message.split("\n")[0]}`, {
      code: "DATA_UNREADABLE",
    });
  }
}

export async function readArrow(path: string): Promise<ReadResult> {
  const file = basename(path);
  const bytes = await readFile(path).catch((e: NodeJS.ErrnoException) => {
    throw new DataError(`cannot read ${path}: ${e.code === "ENOENT" ? "no such file" : e.message}`, {
      code: "DATA_UNREADABLE",
    });
  });
  if (bytes.length === 0) throw new DataError(`${file} is empty`, { code: "DATA_EMPTY" });
  const table = readTable(bytes, file);
  const fields = table.schema.fields;
  if (fields.length === 0) throw new DataError(`${file}: not a readable Arrow IPC file: no columns`);
  const find = (c: BarColumn) => fields.find((f) => f.name.toLowerCase() === c);
  for (const c of REQUIRED) {
    if (!find(c)) {
      throw new DataError(
        `${file}: missing column ${c} (columns are: ${fields.map((f) => f.name).join(",")}; need timestamp,open,high,low,close[,volume])`,
        { column: c },
      );
    }
  }
  const rows = table.numRows;
  if (rows === 0) throw new DataError(`${file} has no bars`, { code: "DATA_EMPTY" });
  const vectorOf = (c: BarColumn) => table.getChild((find(c) as { name: string }).name) as Vector;

  const tsField = find("timestamp") as { type: DataType };
  const ts = new Float64Array(rows);
  if (DataType.isTimestamp(tsField.type)) {
    const type = tsField.type as Timestamp;
    if (!type.timezone) {
      throw new DataError(
        `${file}: column timestamp has type ${type} (no time zone): store it as UTC (timestamp with time zone) or as epoch milliseconds`,
        { column: "timestamp" },
      );
    }
    toFloat64(vectorOf("timestamp"), UNIT_TO_MS[type.unit], ts);
  } else if (isNumeric(tsField.type)) {
    toFloat64(vectorOf("timestamp"), 1, ts);
    epochToMs(ts);
  } else {
    throw new DataError(
      `${file}: column timestamp has type ${tsField.type}; expected a timestamp with time zone or an epoch number`,
      { column: "timestamp" },
    );
  }
  const numeric = (c: BarColumn): { values: Float64Array; nulls: number } => {
    const type = (find(c) as { type: DataType }).type;
    if (!isNumeric(type)) {
      throw new DataError(`${file}: column ${c} has type ${type}; expected a number`, { column: c });
    }
    const values = new Float64Array(rows);
    return { values, nulls: toFloat64(vectorOf(c), 1, values) };
  };
  const [open, high, low, close] = (["open", "high", "low", "close"] as const).map((c) => numeric(c).values);
  const warnings: string[] = [];
  let volume: Float64Array | null = null;
  if (find("volume")) {
    const v = numeric("volume");
    if (v.nulls === rows) warnings.push(NO_VOLUME_WARNING);
    else volume = v.values;
  } else {
    warnings.push(NO_VOLUME_WARNING);
  }
  const bars: Bars = { length: rows, ts, open, high, low, close, volume };
  const contractField = fields.find((f) => f.name.toLowerCase() === "contract");
  return {
    bars,
    warnings,
    ...(contractField === undefined
      ? {}
      : { readContracts: async () => Array.from(table.getChild(contractField.name) as Vector) as unknown[] }),
    rowOf: async (index) => ({ row: index + 1, label: `row ${index + 1} (first bar is row 1)` }),
    explainNotFinite: async (index, column) => {
      const field = find(column) as { type: DataType };
      const raw = vectorOf(column).get(index) as unknown;
      return explainValue(column, String(field.type), typeof raw === "bigint" ? raw.toString() : raw);
    },
  };
}
