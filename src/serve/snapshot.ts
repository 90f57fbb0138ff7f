/**
 * Stream snapshots: what a restart needs to continue a stream without its history being sent again.
 *
 * The kernels' state is private to each indicator and may depend on every bar since the start (EMAs
 * never forget), so no truncated summary reproduces it bit for bit. A snapshot therefore holds the
 * stream's 1m history itself (48 bytes per bar) and, per feature plan, the SHA-256 of the last feature
 * row; restoring replays the history through fresh engines at batch speed and checks that the last
 * row comes out identical. A mismatch means the feature code computes differently from the process
 * that wrote the snapshot, and the restore is refused rather than serve features of another meaning.
 *
 * Layout (little-endian): "MLFSNAP1", u32 header length, header JSON (UTF-8), zero padding to a
 * multiple of 8, then ts, open, high, low, close, volume as float64 columns of `rows` values each
 * (volume NaN where a bar had none). The header carries the SHA-256 of the column bytes and the bars'
 * contracts as runs (rolls are found from them again on restore).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { endianness } from "node:os";
import { z } from "zod";
import { writeFileAtomicSync } from "../core/atomic-write.ts";
import { DataError } from "../core/errors.ts";
import type { Bars } from "../data/bars.ts";
import type { FeaturePlanSpec } from "./feature-plan.ts";
import { FeatureStream, type RowsObserver } from "./feature-stream.ts";

const MAGIC = "MLFSNAP1";

const SnapshotHeader = z.strictObject({
  format: z.literal("mlf-stream-snapshot"),
  format_version: z.literal(1),
  stream: z.string(),
  rows: z.int().min(0),
  last_timestamp: z.string().nullable(),
  created: z.string(),
  columns_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The bars' contracts as runs (first row, name), or null when they named none. */
  contracts: z.strictObject({ start: z.array(z.int().min(0)), name: z.array(z.string()) }).nullable(),
  plans: z.array(
    z.strictObject({
      key: z.string(),
      names_sha256: z.string(),
      rows: z.int().min(0),
      last_row_sha256: z.string(),
    }),
  ),
  /** Regime filter state per gating bundle (its checksum): the replay must reproduce these bits. */
  regimes: z.array(z.strictObject({ bundle: z.string(), probs: z.array(z.number()) })).optional(),
});
export type SnapshotHeader = z.infer<typeof SnapshotHeader>;
/** A gating bundle's filtered regime probabilities at the stream's last row (stream-regimes.ts). */
export type RegimeState = NonNullable<SnapshotHeader["regimes"]>[number];

function sha256(parts: readonly Uint8Array[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex");
}

function namesSha(names: readonly string[]): string {
  return createHash("sha256").update(JSON.stringify(names)).digest("hex");
}

/** SHA-256 of a feature row's float32 bit patterns (NaN payloads included). */
export function rowSha256(row: readonly Float32Array[]): string {
  const bits = new Float32Array(row.length);
  for (let j = 0; j < row.length; j++) bits[j] = row[j][0];
  return sha256([new Uint8Array(bits.buffer)]);
}

function checkEndianness(): void {
  if (endianness() !== "LE") throw new DataError("stream snapshots are little-endian; this machine is not");
}

export function encodeSnapshot(
  stream: FeatureStream,
  created = new Date().toISOString(),
  regimes: readonly RegimeState[] = [],
): Uint8Array {
  checkEndianness();
  const cols = stream.history.columns();
  const arrays = [cols.ts, cols.open, cols.high, cols.low, cols.close, cols.volume];
  const bytes = arrays.map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  const header: SnapshotHeader = {
    format: "mlf-stream-snapshot",
    format_version: 1,
    stream: stream.id,
    rows: stream.rows,
    last_timestamp: stream.rows > 0 ? new Date(stream.lastTs).toISOString() : null,
    created,
    columns_sha256: sha256(bytes),
    contracts:
      stream.history.contractStart.length > 0
        ? { start: [...stream.history.contractStart], name: [...stream.history.contractName] }
        : null,
    plans: stream.planKeys().map((key) => {
      const e = stream.engine(key);
      return { key, names_sha256: namesSha(e.plan.names), rows: e.rows, last_row_sha256: rowSha256(e.row) };
    }),
    ...(regimes.length > 0 ? { regimes: [...regimes] } : {}),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerEnd = 12 + json.length;
  const dataStart = Math.ceil(headerEnd / 8) * 8;
  const out = new Uint8Array(dataStart + bytes.reduce((a, b) => a + b.length, 0));
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  let at = dataStart;
  for (const b of bytes) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

export function decodeSnapshot(
  bytes: Uint8Array,
  source: string,
): { header: SnapshotHeader; bars: Bars & { volumeCount: number; contracts: string[] | null } } {
  checkEndianness();
  const bad = (why: string) => new DataError(`${source}: not a usable stream snapshot: ${why}`);
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw bad("wrong magic");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = view.getUint32(8, true);
  if (12 + len > bytes.length) throw bad("truncated header");
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + len)));
  } catch {
    throw bad("header is not JSON");
  }
  const parsed = SnapshotHeader.safeParse(raw);
  if (!parsed.success) throw bad(`header: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  const header = parsed.data;
  const dataStart = Math.ceil((12 + len) / 8) * 8;
  const n = header.rows;
  if (bytes.length !== dataStart + 6 * 8 * n) throw bad(`expected ${n} rows of 6 float64 columns`);
  // A copy at offset 0 (a Buffer's slice() is a view into a shared pool, not a copy).
  const data = new Uint8Array(6 * 8 * n);
  data.set(bytes.subarray(dataStart));
  if (sha256([data]) !== header.columns_sha256) throw bad("columns_sha256 mismatch (the file is corrupt)");
  const col = (k: number) => new Float64Array(data.buffer, k * 8 * n, n);
  let contracts: string[] | null = null;
  const runs = header.contracts;
  if (runs !== null) {
    if (
      runs.start.length !== runs.name.length ||
      runs.start[0] !== 0 ||
      runs.start.some((r, k) => r >= n || (k > 0 && r <= runs.start[k - 1]!))
    ) {
      throw bad("contract runs do not cover the rows");
    }
    contracts = new Array<string>(n);
    for (let k = 0; k < runs.start.length; k++) {
      contracts.fill(runs.name[k]!, runs.start[k]!, k + 1 < runs.start.length ? runs.start[k + 1]! : n);
    }
  }
  const volume = col(5);
  let volumeCount = 0;
  for (let i = 0; i < n; i++) if (!Number.isNaN(volume[i])) volumeCount++;
  return {
    header,
    bars: {
      length: n,
      ts: col(0),
      open: col(1),
      high: col(2),
      low: col(3),
      close: col(4),
      volume: volumeCount > 0 ? volume : null,
      volumeCount,
      contracts,
    },
  };
}

/**
 * A stream rebuilt from a snapshot for `plans`: the history is replayed, then each plan that the
 * snapshot also recorded must reproduce its last feature row bit for bit.
 */
export function restoreStream(
  bytes: Uint8Array,
  plans: readonly FeaturePlanSpec[],
  source: string,
  observers: ReadonlyMap<string, RowsObserver> = new Map(),
  /** Called on the new stream before the history is replayed (e.g. to attach regime filters). */
  prepare?: (stream: FeatureStream) => void,
  /** Called after the replay with the snapshot's header (e.g. to check the regime filters' state). */
  verify?: (header: SnapshotHeader) => void,
): FeatureStream {
  const { header, bars } = decodeSnapshot(bytes, source);
  const stream = new FeatureStream(header.stream, plans);
  for (const [key, fn] of observers) stream.observe(key, fn);
  prepare?.(stream);
  if (bars.length > 0) stream.accept(bars);
  for (const p of header.plans) {
    if (!stream.planKeys().includes(p.key)) continue;
    const e = stream.engine(p.key);
    if (
      p.names_sha256 !== namesSha(e.plan.names) ||
      p.rows !== e.rows ||
      p.last_row_sha256 !== rowSha256(e.row)
    ) {
      throw new DataError(
        `${source}: replaying the snapshot's ${header.rows} bars does not reproduce its last feature row for plan ${p.key}: the feature code changed since it was written; warm the stream up from a file instead`,
      );
    }
  }
  verify?.(header);
  return stream;
}

export function saveSnapshot(path: string, stream: FeatureStream): void {
  writeFileAtomicSync(path, encodeSnapshot(stream));
}

export function loadSnapshotFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new DataError(`cannot read stream snapshot ${path}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
}
