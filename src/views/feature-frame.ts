/**
 * The features file written by `mlf features`, read back for model views: an Arrow IPC file with
 * `timestamp` (Int64 UTC epoch ms, bar start), feature columns (float), and optional targets
 * `target_label` (Int8, nullable), `target_t1` (Int64 epoch ms, nullable), `target_ret` (Float64,
 * nullable). Every column that is neither `timestamp` nor `target_*` is a feature, in file order.
 *
 * Features are held as one Float32Array per column (float64 columns are narrowed: views are float32);
 * nulls become NaN. Targets are held as Float64Array with NaN for null.
 */
import { readFileSync } from "node:fs";
import { type Table, Type, tableFromIPC, type Vector } from "apache-arrow";
import { DataError } from "../core/errors.ts";
import type { Labels } from "../labels/triple-barrier.ts";

export interface FeatureColumns {
  readonly length: number;
  readonly featureNames: readonly string[];
  /** One column per feature name, each `length` long. */
  readonly features: readonly Float32Array[];
}

export interface FeatureFrame extends FeatureColumns {
  /** Bar start, UTC epoch ms. */
  readonly timestamp: Float64Array;
  /** Present when the file has the column; NaN where null. */
  readonly targetLabel: Float64Array | null;
  readonly targetT1: Float64Array | null;
  readonly targetRet: Float64Array | null;
}

const NUMERIC_TYPE_IDS: ReadonlySet<Type> = new Set([Type.Int, Type.Float]);

/** A column as float64 values, nulls as NaN; throws when it is not numeric. */
function toFloat64(v: Vector, name: string, source: string): Float64Array {
  if (!NUMERIC_TYPE_IDS.has(v.type.typeId)) {
    throw new DataError(`${source}: column ${name} has type ${v.type}, expected a number type`, {
      column: name,
    });
  }
  const raw = v.toArray() as ArrayLike<number | bigint>;
  const out = new Float64Array(v.length);
  for (let i = 0; i < out.length; i++) out[i] = Number(raw[i]);
  if (v.nullCount > 0) for (let i = 0; i < out.length; i++) if (!v.isValid(i)) out[i] = Number.NaN;
  return out;
}

function toFloat32(v: Vector, name: string, source: string): Float32Array {
  if (!NUMERIC_TYPE_IDS.has(v.type.typeId)) {
    throw new DataError(`${source}: feature column ${name} has type ${v.type}, expected float32`, {
      column: name,
    });
  }
  const raw = v.toArray() as ArrayLike<number | bigint>;
  const out = raw instanceof Float32Array ? raw.slice() : Float32Array.from(raw as ArrayLike<number>, Number);
  if (v.nullCount > 0) for (let i = 0; i < out.length; i++) if (!v.isValid(i)) out[i] = Number.NaN;
  return out;
}

export function frameFromTable(table: Table, source = "features table"): FeatureFrame {
  const ts = table.getChild("timestamp");
  if (!ts)
    throw new DataError(`${source} has no timestamp column: write it with mlf features`, {
      column: "timestamp",
    });
  const timestamp = toFloat64(ts, "timestamp", source);
  for (let i = 0; i < timestamp.length; i++) {
    if (!Number.isFinite(timestamp[i]) || (i > 0 && !(timestamp[i] > timestamp[i - 1]))) {
      throw new DataError(`${source}: timestamp at row ${i + 1} is null or not strictly increasing`, {
        row: i + 1,
        column: "timestamp",
      });
    }
  }
  const featureNames: string[] = [];
  const features: Float32Array[] = [];
  for (const field of table.schema.fields) {
    if (field.name === "timestamp" || field.name.startsWith("target_")) continue;
    featureNames.push(field.name);
    features.push(toFloat32(table.getChild(field.name)!, field.name, source));
  }
  const target = (name: string) => {
    const v = table.getChild(name);
    return v ? toFloat64(v, name, source) : null;
  };
  return {
    length: table.numRows,
    timestamp,
    featureNames,
    features,
    targetLabel: target("target_label"),
    targetT1: target("target_t1"),
    targetRet: target("target_ret"),
  };
}

export function readFeatureFrame(path: string): FeatureFrame {
  let table: Table;
  try {
    table = tableFromIPC(readFileSync(path));
  } catch (e) {
    throw new DataError(`cannot read features file ${path} as Arrow IPC: ${(e as Error).message}`, {
      code: "DATA_UNREADABLE",
    });
  }
  return frameFromTable(table, path);
}

/**
 * t1Index for the splitter, from `target_t1`: the row whose timestamp equals t1 (binary search);
 * −1 where the label is null. A t1 that is not a row's timestamp is a DataError.
 */
export function labelsFromFrame(frame: FeatureFrame): Pick<Labels, "t1Index"> {
  const { timestamp, targetT1, length: n } = frame;
  if (!targetT1)
    throw new DataError("the features file has no target_t1 column: labels are needed to split", {
      column: "target_t1",
    });
  const t1Index = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const t1 = targetT1[i];
    if (Number.isNaN(t1) || (frame.targetLabel && Number.isNaN(frame.targetLabel[i]))) continue;
    let lo = i;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (timestamp[mid] < t1) lo = mid + 1;
      else hi = mid;
    }
    if (timestamp[lo] !== t1) {
      throw new DataError(`target_t1 at row ${i + 1} is not the timestamp of a row at or after it`, {
        row: i + 1,
        column: "target_t1",
      });
    }
    t1Index[i] = lo;
  }
  return { t1Index };
}
