/**
 * A file sink for apache-arrow's RecordBatchWriter that overlaps disk writes with computation.
 *
 * The writer accepts an AsyncByteQueue subclass as its sink and calls `write` for every piece of a
 * message (headers, padding, column buffers). We keep references to the pieces (no copy: column
 * buffers are the engine's typed arrays) and `flush()` hands them to the file in one background
 * `writev` on libuv's thread pool. The caller computes the next block meanwhile and awaits the
 * flush before it reuses any buffer of the flushed batch (double buffering), so the disk's time
 * and the CPU's time add up to their maximum rather than their sum.
 */
import { type FileHandle, open } from "node:fs/promises";
import { AsyncByteQueue } from "apache-arrow";

/** Pieces per writev call: well below the usual IOV_MAX of 1024. */
const IOV_BATCH = 512;

export class FileSink extends AsyncByteQueue<Uint8Array> {
  private pending: Uint8Array[] = [];
  private inFlight: Promise<void> = Promise.resolve();
  private position = 0;

  private constructor(private file: FileHandle | null) {
    super();
  }

  static async open(path: string): Promise<FileSink> {
    return new FileSink(await open(path, "w"));
  }

  override write(value: Uint8Array | ArrayBufferView | ArrayBuffer): void {
    const bytes =
      value instanceof Uint8Array
        ? value
        : ArrayBuffer.isView(value)
          ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
          : new Uint8Array(value);
    if (bytes.byteLength > 0) this.pending.push(bytes);
  }

  /**
   * Starts writing everything received so far, after any write still in flight; resolves when it is
   * on its way to the file. Buffers passed to `write` before this call must stay untouched until then.
   */
  flush(): Promise<void> {
    const pieces = this.pending;
    this.pending = [];
    const start = this.position;
    for (const p of pieces) this.position += p.byteLength;
    this.inFlight = this.inFlight.then(() => this.writeAll(pieces, start));
    return this.inFlight;
  }

  /** Writes what remains and closes the file. */
  async closeFile(): Promise<void> {
    const file = this.file;
    if (!file) return;
    try {
      await this.flush();
    } finally {
      this.file = null;
      await file.close();
    }
  }

  /** Closes without waiting for pending data (after a failure; the temp file is then removed). */
  async abandon(): Promise<void> {
    this.pending = [];
    await this.inFlight.catch(() => undefined);
    const file = this.file;
    this.file = null;
    await file?.close();
  }

  private async writeAll(pieces: Uint8Array[], start: number): Promise<void> {
    let pos = start;
    for (let k = 0; k < pieces.length; k += IOV_BATCH) {
      let group = pieces.slice(k, k + IOV_BATCH);
      let remaining = group.reduce((s, p) => s + p.byteLength, 0);
      while (remaining > 0) {
        if (!this.file) throw new Error("internal invariant failed: feature file closed while writing");
        const { bytesWritten: written } = await this.file.writev(group, pos);
        pos += written;
        remaining -= written;
        if (remaining > 0) group = skipBytes(group, written);
      }
    }
  }
}

/** The pieces left after the first `n` bytes (a short writev). */
function skipBytes(pieces: Uint8Array[], n: number): Uint8Array[] {
  let k = 0;
  while (n >= pieces[k].byteLength) n -= pieces[k++].byteLength;
  return [pieces[k].subarray(n), ...pieces.slice(k + 1)];
}
