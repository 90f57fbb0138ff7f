/**
 * Cheap checks on the first bytes of a CSV (decompressed when gzip) before DuckDB sees it: empty
 * file, binary garbage, a .gz that is not gzip, and the header line. Also the whole-file gzip
 * integrity check, because DuckDB's gzip reader reads a truncated or corrupted stream as if it had
 * ended early, which would silently drop bars.
 */
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { basename } from "node:path";
import { constants, createGunzip, gunzipSync } from "node:zlib";
import { DataError } from "../../core/errors.ts";

const PREFIX_BYTES = 1 << 16;

export interface TextPrefix {
  /** Decoded text of the prefix (up to its last complete line when the file is longer). */
  text: string;
  /** The whole file fits in the prefix. */
  complete: boolean;
}

export async function readTextPrefix(path: string, gzip: boolean): Promise<TextPrefix> {
  const name = basename(path);
  const handle = await open(path, "r").catch((e: NodeJS.ErrnoException) => {
    throw new DataError(`cannot read ${path}: ${e.code === "ENOENT" ? "no such file" : e.message}`, {
      code: "DATA_UNREADABLE",
    });
  });
  let raw: Buffer;
  let rawComplete: boolean;
  try {
    const buf = Buffer.alloc(PREFIX_BYTES);
    const { bytesRead } = await handle.read(buf, 0, PREFIX_BYTES, 0);
    raw = buf.subarray(0, bytesRead);
    rawComplete = bytesRead < PREFIX_BYTES;
  } finally {
    await handle.close();
  }
  if (raw.length === 0) throw new DataError(`${name} is empty`, { code: "DATA_EMPTY" });
  let bytes: Buffer = raw;
  let complete = rawComplete;
  if (gzip) {
    if (raw.length < 2 || raw[0] !== 0x1f || raw[1] !== 0x8b) {
      throw new DataError(`${name}: corrupt gzip: the file does not start with the gzip signature`, {
        code: "DATA_UNREADABLE",
      });
    }
    try {
      // A sync flush lets zlib return what a truncated prefix decodes to instead of failing.
      bytes = gunzipSync(raw, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch (e) {
      throw new DataError(`${name}: corrupt gzip: ${(e as Error).message}`, { code: "DATA_UNREADABLE" });
    }
    complete = rawComplete;
    if (bytes.length === 0 && rawComplete) throw new DataError(`${name} is empty`, { code: "DATA_EMPTY" });
  }
  if (!complete) {
    const lastNewline = bytes.lastIndexOf(0x0a);
    if (lastNewline < 0) {
      throw new DataError(
        `${name}: binary garbage or not CSV: no line break in the first ${bytes.length} bytes`,
      );
    }
    bytes = bytes.subarray(0, lastNewline + 1);
  }
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) {
      throw new DataError(
        `${name}: binary garbage, not CSV text (byte ${i + 1} is 0x${b.toString(16).padStart(2, "0")})`,
      );
    }
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new DataError(`${name}: binary garbage, not UTF-8 CSV text`);
  }
  if (text.trim() === "") throw new DataError(`${name} is empty`, { code: "DATA_EMPTY" });
  return { text: text.replace(/^\uFEFF/, ""), complete };
}

/** Header names (trimmed, quotes removed) and the first data line's fields, from the prefix. */
export function headerAndFirstRow(prefix: TextPrefix): { header: string[]; firstRow: string[] | null } {
  const lines = prefix.text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const split = (line: string) => line.split(",").map((f) => f.trim().replace(/^"(.*)"$/, "$1"));
  return { header: split(lines[0] ?? ""), firstRow: lines[1] === undefined ? null : split(lines[1]) };
}

/** Decompresses the whole file and throws a DataError when the gzip stream is truncated or corrupt. */
export function verifyGzip(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const gunzip = createGunzip();
    const fail = (e: Error) =>
      reject(new DataError(`${basename(path)}: corrupt gzip: ${e.message}`, { code: "DATA_UNREADABLE" }));
    createReadStream(path).on("error", fail).pipe(gunzip).on("error", fail).on("end", resolve).resume();
  });
}
