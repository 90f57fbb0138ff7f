/**
 * Fingerprints recorded with every output: the same bars (or config) always give the same hex
 * string, and any change, one tick in one bar included, gives another.
 *
 * Bars: SHA-256 over the columns ts, open, high, low, close as little-endian float64, then either
 * the volume column the same way or the ASCII marker "no-volume". Nothing else, so any language
 * can recompute it (Python: hashlib + struct.pack("<nd", ...)). All columns have the bar count's
 * length, so boundaries cannot shift; 48n bytes with volume is never 40n + 9 without.
 * Config: SHA-256 of canonical JSON (object keys sorted recursively, no whitespace).
 */
import { createHash } from "node:crypto";
import type { Bars } from "./bars.ts";

const NO_VOLUME_MARKER = "no-volume";
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function columnBytes(col: Float64Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(col.buffer, col.byteOffset, col.byteLength);
  const out = new Uint8Array(col.length * 8);
  const view = new DataView(out.buffer);
  for (let i = 0; i < col.length; i++) view.setFloat64(i * 8, col[i], true);
  return out;
}

export function fingerprintBars(bars: Bars): string {
  const hash = createHash("sha256");
  for (const col of [bars.ts, bars.open, bars.high, bars.low, bars.close]) {
    hash.update(columnBytes(col.subarray(0, bars.length)));
  }
  if (bars.volume) hash.update(columnBytes(bars.volume.subarray(0, bars.length)));
  else hash.update(NO_VOLUME_MARKER);
  return hash.digest("hex");
}

/** JSON with object keys sorted at every depth; arrays keep their order. undefined members are dropped as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v !== null && typeof v === "object" && !Array.isArray(v) && !ArrayBuffer.isView(v)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v as Record<string, unknown>).sort()) {
        sorted[k] = (v as Record<string, unknown>)[k];
      }
      return sorted;
    }
    return v;
  });
}

export function fingerprintConfig(config: unknown): string {
  return createHash("sha256")
    .update(canonicalJson(config) ?? "undefined")
    .digest("hex");
}
