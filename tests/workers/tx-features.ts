/**
 * Shared by the ONNX parity tests: a small feature matrix from real TX 1-minute bars, plus the helpers
 * that lay columns out for onnxruntime-node and compare predictions row by row.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { expect } from "vitest";

export type Columns = Array<readonly [string, Float32Array]>;

export function slice(cols: Columns, start: number, end: number): Columns {
  return cols.map(([n, v]) => [n, v.subarray(start, end)] as const);
}

/** Row-major float32 matrix of the named feature columns (ONNX input layout). */
export function rowMajor(cols: Columns): Float32Array {
  const rows = cols[0]![1].length;
  const out = new Float32Array(rows * cols.length);
  cols.forEach(([, v], j) => {
    for (let i = 0; i < rows; i++) out[i * cols.length + j] = v[i]!;
  });
  return out;
}

/** Max |a - b|; rows that are NaN on both sides (unpredictable rows) agree, NaN on one side is Infinity. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i]!, b[i]!];
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    const d = Math.abs(x - y);
    worst = Math.max(worst, Number.isNaN(d) ? Number.POSITIVE_INFINITY : d);
  }
  return worst;
}

/**
 * Features and targets from TX bars: 5 lagged log returns (bp), high-low range (bp), log1p(volume).
 * Targets over the next `horizon` bars: `label` = sign of the forward return, `ret` = the forward log
 * return; both NaN on the last bars and where the horizon crosses a contract roll (unknown, not "down").
 */
export function txFeatureMatrix(
  path: string,
  horizon = 1,
): { features: Columns; target: Float32Array; ret: Float32Array } {
  const lines = gunzipSync(readFileSync(path)).toString("utf8").trim().split("\n").slice(1);
  const n = lines.length;
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  const contract: string[] = [];
  lines.forEach((line, i) => {
    const c = line.split(",");
    high[i] = Number(c[2]);
    low[i] = Number(c[3]);
    close[i] = Number(c[4]);
    volume[i] = Number(c[5]);
    contract.push(c[6] ?? "");
  });
  const ret1 = new Float64Array(n).fill(Number.NaN);
  for (let i = 1; i < n; i++)
    if (contract[i] === contract[i - 1]) ret1[i] = 1e4 * Math.log(close[i]! / close[i - 1]!);
  const features: Columns = [];
  for (let lag = 0; lag < 5; lag++) {
    const col = new Float32Array(n).fill(Number.NaN);
    for (let i = lag; i < n; i++) col[i] = ret1[i - lag]!;
    features.push([`ret_lag${lag}`, col]);
  }
  features.push(["range_bp", Float32Array.from(close, (c, i) => (1e4 * (high[i]! - low[i]!)) / c)]);
  features.push(["log_volume", Float32Array.from(volume, (v) => Math.log1p(v))]);
  const target = new Float32Array(n).fill(Number.NaN);
  const ret = new Float32Array(n).fill(Number.NaN);
  for (let i = 0; i + horizon < n; i++) {
    if (contract[i + horizon] !== contract[i]) continue;
    const forward = Math.log(close[i + horizon]! / close[i]!);
    ret[i] = forward;
    target[i] = Math.sign(forward);
  }
  return { features, target, ret };
}
