/**
 * A file sink for apache-arrow's RecordBatchWriter that writes the file in large sequential chunks,
 * in the background, bypassing the page cache where the filesystem allows it (O_DIRECT).
 *
 * Why: on the VM this project runs on, every page the kernel hands out for the first time costs
 * ~1-2 µs of system time (measured: filling 1 GB of fresh memory takes 1-2 s, refilling it 40 ms).
 * A buffered write of the 1 GB feature file allocates 1 GB of page cache: 1.7-2.4 s of kernel time
 * (strace: 17 pwritev, 2.43 s), as much CPU as computing the features. O_DIRECT writes go from our
 * buffers straight to the disk: ~0.1 s of kernel time for the same bytes (docs/benchmarks.md).
 *
 * O_DIRECT needs the memory address, the file offset and the length of each write aligned to the
 * device's block (512 B here; 4096 is used). The writer calls `write` with pieces of any size and
 * address (headers, padding, column buffers), so every piece is copied into a staging chunk carved
 * from one buffer whose alignment is found by a probe (JavaScript cannot see addresses): the first
 * offset from which a 4096-byte O_DIRECT write succeeds. Full chunks are written while the caller
 * computes the next batch; the last chunk is padded to the block size and the file truncated to its
 * exact length. Where O_DIRECT is unavailable (tmpfs, other systems, a failed probe) the same chunks
 * go through ordinary writes. Either way the bytes of the file are exactly the pieces in order.
 *
 * The copy (~0.1 s per GB) lets the caller reuse its buffers as soon as `write` returns. `flush()`
 * is the back-pressure point: it resolves once there is room for another `batchBytes` of pieces.
 */
import { constants, type FileHandle, open } from "node:fs/promises";
import { AsyncByteQueue } from "apache-arrow";
import { invariant } from "../../core/errors.ts";

/** Bytes per write call: measured fastest among 2-16 MB on the VM's virtual disk. */
const CHUNK = 8 * 2 ** 20;
/** O_DIRECT alignment of address, offset and length. */
const ALIGN = 4096;
/** Writes in flight at once. */
const IN_FLIGHT = 2;

export interface FileSinkOptions {
  /** Largest number of bytes written between two flushes (one record batch): sizes the staging area. */
  batchBytes: number;
  /** false: never try O_DIRECT (tests use it to cover the buffered path). */
  direct?: boolean;
}

export class FileSink extends AsyncByteQueue<Uint8Array> {
  /** Staging chunks not in use (most recently freed last: its pages are the likeliest in cache). */
  private readonly free: Uint8Array[];
  /** Chunks filled and waiting to be written, with their file positions. */
  private readonly queued: { chunk: Uint8Array; bytes: number; at: number }[] = [];
  private current: Uint8Array | null = null;
  private used = 0;
  private position = 0;
  private inFlight = 0;
  private failure: unknown = null;
  private waiters: (() => void)[] = [];

  private constructor(
    private file: FileHandle | null,
    private readonly direct: boolean,
    chunks: Uint8Array[],
    private readonly batchBytes: number,
  ) {
    super();
    this.free = chunks.reverse();
  }

  /** Whether writes bypass the page cache (O_DIRECT accepted by the filesystem). */
  get bypassesPageCache(): boolean {
    return this.direct;
  }

  static async open(path: string, opts: FileSinkOptions): Promise<FileSink> {
    const count = Math.max(IN_FLIGHT + 1, Math.ceil((2 * opts.batchBytes) / CHUNK) + 1);
    const area = new Uint8Array(new ArrayBuffer(count * CHUNK + ALIGN));
    const { O_DIRECT } = constants as { O_DIRECT?: number };
    if (opts.direct !== false && O_DIRECT !== undefined) {
      const file = await open(
        path,
        constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | O_DIRECT,
        0o644,
      ).catch(() => null);
      if (file) {
        const offset = await alignedOffset(file, area);
        if (offset >= 0) return new FileSink(file, true, carve(area, offset, count), opts.batchBytes);
        await file.close();
      }
    }
    return new FileSink(await open(path, "w"), false, carve(area, 0, count), opts.batchBytes);
  }

  override write(value: Uint8Array | ArrayBufferView | ArrayBuffer): void {
    let bytes =
      value instanceof Uint8Array
        ? value
        : ArrayBuffer.isView(value)
          ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
          : new Uint8Array(value);
    while (bytes.byteLength > 0) {
      if (this.current === null) {
        const next = this.free.pop();
        invariant(
          next !== undefined,
          "feature file staging is full: flush() must be awaited between batches",
        );
        this.current = next;
        this.used = 0;
      }
      const n = Math.min(bytes.byteLength, CHUNK - this.used);
      this.current.set(n === bytes.byteLength ? bytes : bytes.subarray(0, n), this.used);
      this.used += n;
      bytes = bytes.subarray(n);
      if (this.used === CHUNK) this.submit();
    }
  }

  /**
   * Resolves once the staging area has room for another batch (rejects if a write failed). Pieces
   * given to `write` are already copied: the caller may reuse its buffers at once.
   */
  async flush(): Promise<void> {
    const room = () => this.free.length * CHUNK + (this.current ? CHUNK - this.used : 0);
    while (this.failure === null && room() < this.batchBytes) await this.changed();
    if (this.failure !== null) throw this.failure;
  }

  /** Writes what remains and closes the file (its length is exactly the bytes written). */
  async closeFile(): Promise<void> {
    const file = this.file;
    if (!file) return;
    try {
      const end = this.position + this.used;
      if (this.current) {
        // O_DIRECT writes whole blocks: zero the padding, then cut the file back to its length.
        const padded = this.direct ? Math.ceil(this.used / ALIGN) * ALIGN : this.used;
        this.current.fill(0, this.used, padded);
        this.used = padded;
        this.submit();
      }
      while (this.failure === null && (this.queued.length > 0 || this.inFlight > 0)) await this.changed();
      if (this.failure !== null) throw this.failure;
      if (this.direct) await file.truncate(end);
    } finally {
      this.file = null;
      await file.close();
    }
  }

  /** Closes without writing what is pending (after a failure; the temp file is then removed). */
  async abandon(): Promise<void> {
    this.queued.length = 0;
    while (this.inFlight > 0) await this.changed();
    const file = this.file;
    this.file = null;
    await file?.close();
  }

  private submit(): void {
    const chunk = this.current!;
    this.queued.push({ chunk, bytes: this.used, at: this.position });
    this.position += this.used;
    this.current = null;
    this.used = 0;
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < IN_FLIGHT && this.queued.length > 0 && this.failure === null) {
      const job = this.queued.shift()!;
      this.inFlight++;
      this.writeChunk(job.chunk.subarray(0, job.bytes), job.at).then(
        () => {
          this.inFlight--;
          this.free.push(job.chunk);
          this.pump();
          this.notify();
        },
        (e: unknown) => {
          this.inFlight--;
          this.failure ??= e;
          this.notify();
        },
      );
    }
  }

  private async writeChunk(bytes: Uint8Array, at: number): Promise<void> {
    let done = 0;
    while (done < bytes.byteLength) {
      invariant(this.file !== null, "feature file closed while writing");
      const { bytesWritten } = await this.file.write(bytes, done, bytes.byteLength - done, at + done);
      // A short O_DIRECT write still ends on a block boundary, so the rest stays aligned.
      invariant(bytesWritten > 0, "feature file write made no progress");
      done += bytesWritten;
    }
  }

  /** Resolves at the next completed (or failed) write. */
  private changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

function carve(area: Uint8Array, offset: number, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, k) => area.subarray(offset + k * CHUNK, offset + (k + 1) * CHUNK));
}

/**
 * The offset into `area` from which O_DIRECT writes are accepted, or -1. A 4096-byte write from each
 * 16-byte step until one succeeds (EINVAL = misaligned); it lands at file offset 0, which the
 * feature file's first chunk overwrites.
 */
async function alignedOffset(file: FileHandle, area: Uint8Array): Promise<number> {
  for (let offset = 0; offset < ALIGN; offset += 16) {
    try {
      await file.write(area, offset, ALIGN, 0);
      return offset;
    } catch (e) {
      if ((e as { code?: unknown }).code !== "EINVAL") return -1;
    }
  }
  return -1;
}
