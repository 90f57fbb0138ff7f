/**
 * A file sink for apache-arrow's RecordBatchWriter that writes the file in large sequential pieces,
 * in the background, bypassing the page cache where the filesystem allows it (O_DIRECT), and
 * without copying the bulk of the data.
 *
 * Why: on the VM this project runs on, every page the kernel hands out for the first time costs
 * ~1-2 µs of system time (measured: filling 1 GB of fresh memory takes 1-2 s, refilling it 40 ms).
 * A buffered write of the 1 GB feature file allocates 1 GB of page cache: 1.7-2.4 s of kernel time
 * (strace: 17 pwritev, 2.43 s), as much CPU as computing the features. O_DIRECT writes go from our
 * memory straight to the disk: ~0.1 s of kernel time for the same bytes (docs/benchmarks.md).
 *
 * O_DIRECT needs the memory address, the file offset and the length of each write to be multiples
 * of the device's block (4096 is used). The caller computes the big column buffers inside
 * `regions`, memory of this sink whose alignment is known (JavaScript cannot see addresses: a
 * probe finds the offset from which a 4096-byte O_DIRECT write succeeds). A piece handed to
 * `write` from a region, at an address congruent to its file position (`alignedOffset` says where
 * to place data for that), is written from where it lies: its whole blocks by reference, the
 * partial blocks at its ends copied. Everything else (headers, padding, timestamps, targets, and
 * any piece whose placement was not congruent) is copied into staging chunks. The last chunk is
 * padded to a block and the file truncated to its exact length. Where O_DIRECT is unavailable
 * (tmpfs, other systems, a failed probe) the same pieces go through ordinary writes, region pieces
 * still by reference. Either way the file's bytes are exactly the pieces in order.
 *
 * A region's bytes given to `write` must stay untouched until `flush()` (called after them) resolves.
 */
import { constants, type FileHandle, open } from "node:fs/promises";
import { AsyncByteQueue } from "apache-arrow";
import { invariant } from "../../core/errors.ts";

/** Staging chunk size, and the most bytes one write call sends. */
const CHUNK = 8 * 2 ** 20;
/** O_DIRECT alignment of address, offset and length. */
const ALIGN = 4096;
/**
 * Writes handed to the thread pool at once: enough for two blocks' region writes, so that the next
 * block's writes wait in libuv's queue (taken by a pool thread the moment one finishes), not in
 * ours, which moves only when this thread's event loop turns, after its 45-60 ms stretches of
 * computation: with 2, the disk sat idle in those stretches (measured on 1M bars, interleaved:
 * 2.09-2.20 → 1.97-2.07 s, same CPU time; docs/benchmarks.md, features round 5).
 */
const IN_FLIGHT = 8;
/** Writes one region run (a block's feature columns, ~64 MB) is split into. */
const REGION_WRITES = 4;
/** Upper bound of one write call (Linux moves at most 2 GiB - 4 KiB per call). */
const MAX_WRITE = 2 ** 30;

export interface FileSinkOptions {
  /** Most bytes written between two flushes (one record batch): sizes the staging area. */
  batchBytes: number;
  /** Sizes of the regions to provide (the caller's buffers that are written without a copy). */
  regions?: readonly number[];
  /** false: never try O_DIRECT (tests use it to cover the buffered path). */
  direct?: boolean;
}

interface Segment {
  bytes: Uint8Array;
  at: number;
  /** The staging chunk the bytes lie in (null for a region reference). */
  chunk: Chunk | null;
  done: Deferred;
}

/**
 * A staging chunk. It is filled from the start; every segment boundary (a region reference in
 * between) sends the part filled since the last one, and filling goes on after it, so a chunk
 * carries many small segments and is free again once all of them are written.
 */
interface Chunk {
  bytes: Uint8Array;
  /** Offset of the first byte not yet sent. */
  sent: number;
  /** Offset of the next byte to fill. */
  used: number;
  /** File position of the byte at `sent`. */
  at: number;
  /** Segments sent and not yet written. */
  pending: number;
}

export class FileSink extends AsyncByteQueue<Uint8Array> {
  /** Memory written without a copy: each region starts on an ALIGN boundary of memory. */
  readonly regions: Uint8Array[];
  /** Bytes that went out by reference and by copy (diagnostics). */
  readonly stats = { referenced: 0, copied: 0 };
  private readonly memory: Uint8Array;
  private readonly regionEnd: number;
  private readonly free: Chunk[];
  private readonly queued: Segment[] = [];
  private unfinished: Deferred[] = [];
  private current: Chunk | null = null;
  /** File position of the next byte received, the pending run excluded. */
  private received = 0;
  /** Region memory received but not yet sent: consecutive pieces that are one run of memory. */
  private run: { offset: number; length: number } | null = null;
  private readonly running = new Set<Promise<void>>();
  private failure: unknown = null;

  private constructor(
    private file: FileHandle | null,
    private readonly direct: boolean,
    memory: Uint8Array,
    regionSizes: readonly number[],
    stagingChunks: number,
  ) {
    super();
    this.memory = memory;
    let at = 0;
    this.regions = regionSizes.map((size) => {
      const region = memory.subarray(at, at + size + ALIGN);
      at += roundUp(size + ALIGN, ALIGN);
      return region;
    });
    this.regionEnd = at;
    this.free = Array.from({ length: stagingChunks }, (_, k) => ({
      bytes: memory.subarray(at + k * CHUNK, at + (k + 1) * CHUNK),
      sent: 0,
      used: 0,
      at: 0,
      pending: 0,
    })).reverse();
  }

  /** Whether writes bypass the page cache (O_DIRECT accepted by the filesystem). */
  get bypassesPageCache(): boolean {
    return this.direct;
  }

  /** Bytes received so far: the file position of the next piece. */
  get position(): number {
    return this.received + (this.run?.length ?? 0);
  }

  /**
   * Where, in bytes from a region's start, data must begin to be written without a copy when its
   * first byte goes to file position `at` (0..ALIGN-1; always 0 without O_DIRECT).
   */
  alignedOffset(at: number): number {
    return this.direct ? at % ALIGN : 0;
  }

  static async open(path: string, opts: FileSinkOptions): Promise<FileSink> {
    const regions = opts.regions ?? [];
    const regionBytes = regions.reduce((s, r) => s + roundUp(r + ALIGN, ALIGN), 0);
    // Room for two batches of copies: a flush before reusing a region bounds what is pending.
    const stagingChunks = Math.ceil((2 * opts.batchBytes) / CHUNK) + IN_FLIGHT + 1;
    // Shared, so worker threads can compute into the regions. Pages are touched only when used.
    const shared = new SharedArrayBuffer(regionBytes + stagingChunks * CHUNK + ALIGN);
    const whole = new Uint8Array(shared);
    const { O_DIRECT } = constants as { O_DIRECT?: number };
    if (opts.direct !== false && O_DIRECT !== undefined) {
      const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | O_DIRECT;
      const file = await open(path, flags, 0o644).catch(() => null);
      if (file) {
        const offset = await alignedOffset(file, whole);
        if (offset >= 0) {
          const memory = whole.subarray(offset, offset + whole.length - ALIGN);
          return new FileSink(file, true, memory, regions, stagingChunks);
        }
        await file.close();
      }
    }
    const memory = whole.subarray(0, whole.length - ALIGN);
    return new FileSink(await open(path, "w"), false, memory, regions, stagingChunks);
  }

  override write(value: Uint8Array | ArrayBufferView | ArrayBuffer): void {
    const bytes =
      value instanceof Uint8Array
        ? value
        : ArrayBuffer.isView(value)
          ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
          : new Uint8Array(value);
    if (bytes.byteLength === 0) return;
    const offset = this.regionOffset(bytes);
    const run = this.run;
    if (run !== null) {
      const end = run.offset + run.length;
      // The next column of a block, or the padding between two columns when the region holds the
      // same bytes there: one run of memory, one run of the file.
      if (offset === end || (offset < 0 && bytes.byteLength <= 8 && this.regionHolds(end, bytes))) {
        run.length += bytes.byteLength;
        return;
      }
    }
    this.emitRun();
    if (offset >= 0) this.run = { offset, length: bytes.byteLength };
    else this.copy(bytes);
  }

  /**
   * Sends the pending run of region memory: by reference where possible (buffered: all of it;
   * O_DIRECT: its whole blocks, when its address is congruent to its file position), the rest by copy.
   */
  private emitRun(): void {
    const run = this.run;
    if (run === null) return;
    this.run = null;
    const bytes = this.memory.subarray(run.offset, run.offset + run.length);
    if (!this.direct) {
      this.sendStaged();
      this.enqueue(bytes, this.received, null);
      this.received += bytes.byteLength;
      this.stats.referenced += bytes.byteLength;
      return;
    }
    const head = (ALIGN - (this.received % ALIGN)) % ALIGN;
    const whole = Math.floor(Math.max(0, bytes.byteLength - head) / ALIGN) * ALIGN;
    // Regions start on ALIGN boundaries of `memory`, itself aligned: congruence needs only offsets.
    if ((run.offset - this.received) % ALIGN !== 0 || whole === 0) {
      this.copy(bytes);
      return;
    }
    this.copy(bytes.subarray(0, head));
    this.sendStaged();
    this.enqueue(bytes.subarray(head, head + whole), this.received, null);
    this.received += whole;
    this.stats.referenced += whole;
    this.copy(bytes.subarray(head + whole));
  }

  /**
   * Resolves once every region byte given to `write` so far is in the file and the staging area
   * has room for another batch (rejects if a write failed).
   */
  async flush(): Promise<void> {
    this.emitRun();
    const pending = this.unfinished;
    this.unfinished = [];
    await Promise.all(pending.map((d) => d.promise));
    if (this.failure !== null) throw this.failure;
  }

  /** Writes what remains and closes the file (its length is exactly the bytes written). */
  async closeFile(): Promise<void> {
    const file = this.file;
    if (!file) return;
    try {
      this.emitRun();
      const c = this.current;
      if (c && c.used > c.sent) {
        // O_DIRECT writes whole blocks: zero the padding, then cut the file back to its length.
        const padded = this.direct ? c.sent + roundUp(c.used - c.sent, ALIGN) : c.used;
        c.bytes.fill(0, c.used, padded);
        c.used = padded;
        this.sendStaged();
      }
      await this.flush();
      if (this.direct) await file.truncate(this.received);
    } finally {
      this.file = null;
      await file.close();
    }
  }

  /** Closes without writing what is pending (after a failure; the temp file is then removed). */
  async abandon(): Promise<void> {
    this.failure ??= new Error("feature file abandoned");
    for (const s of this.queued.splice(0)) s.done.resolve();
    await Promise.all([...this.running]);
    const file = this.file;
    this.file = null;
    await file?.close();
  }

  /** Byte offset of `bytes` in the first region that holds it entirely, from that region's start; -1 if none. */
  private regionOffset(bytes: Uint8Array): number {
    if (bytes.buffer !== this.memory.buffer) return -1;
    const at = bytes.byteOffset - this.memory.byteOffset;
    if (at < 0 || at + bytes.byteLength > this.regionEnd) return -1;
    return at;
  }

  /** Whether region memory at `offset` holds exactly `bytes` (padding the writer adds). */
  private regionHolds(offset: number, bytes: Uint8Array): boolean {
    if (offset + bytes.byteLength > this.regionEnd) return false;
    for (let k = 0; k < bytes.byteLength; k++) if (this.memory[offset + k] !== bytes[k]) return false;
    return true;
  }

  private copy(bytes: Uint8Array): void {
    this.stats.copied += bytes.byteLength;
    while (bytes.byteLength > 0) {
      let c = this.current;
      if (c === null || c.used === CHUNK) {
        this.sendStaged();
        if (c !== null) this.retire(c);
        const next = this.free.pop();
        invariant(
          next !== undefined,
          "feature file staging is full: flush() must be awaited between batches",
        );
        next.sent = 0;
        next.used = 0;
        this.current = c = next;
      }
      // Nothing unsent: the chunk's next segment starts where the file is now.
      if (c.used === c.sent) c.at = this.received;
      const n = Math.min(bytes.byteLength, CHUNK - c.used);
      c.bytes.set(n === bytes.byteLength ? bytes : bytes.subarray(0, n), c.used);
      c.used += n;
      this.received += n;
      bytes = bytes.subarray(n);
    }
  }

  /**
   * Sends what the current chunk holds since its last segment (it ends on a block boundary of the
   * file whenever this is called); filling continues after it, at an aligned offset of memory too.
   */
  private sendStaged(): void {
    const c = this.current;
    if (c === null || c.used === c.sent) return;
    const bytes = c.bytes.subarray(c.sent, c.used);
    const at = c.at;
    c.at += bytes.byteLength;
    c.sent = c.used;
    c.pending++;
    this.enqueue(bytes, at, c);
  }

  /** A chunk that is no longer filled: free at once if nothing of it is in flight, else when written. */
  private retire(c: Chunk): void {
    if (this.current === c) this.current = null;
    if (c.pending === 0) this.free.push(c);
  }

  private enqueue(bytes: Uint8Array, at: number, chunk: Chunk | null): void {
    // A region reference (a block's columns, ~60-70 MB) goes out as REGION_WRITES writes, all
    // handed to the thread pool at once (see IN_FLIGHT), so the disk works through the whole block
    // while this thread computes. (Measured: 4 writes of 16 MB per block cost no more system time
    // than 2 of 32 MB; 8 MB writes cost more.)
    // A staging segment is never longer than a chunk.
    const most =
      chunk === null
        ? Math.min(MAX_WRITE, Math.max(CHUNK, roundUp(Math.ceil(bytes.byteLength / REGION_WRITES), ALIGN)))
        : CHUNK;
    for (let k = 0; k < bytes.byteLength; k += most) {
      const done = deferred();
      this.unfinished.push(done);
      this.queued.push({ bytes: bytes.subarray(k, k + most), at: at + k, chunk, done });
    }
    this.pump();
  }

  private pump(): void {
    while (this.running.size < IN_FLIGHT && this.queued.length > 0) {
      const seg = this.queued.shift()!;
      if (this.failure !== null) {
        seg.done.resolve();
        continue;
      }
      const run: Promise<void> = this.writeSegment(seg.bytes, seg.at)
        .catch((e: unknown) => {
          this.failure ??= e;
        })
        .finally(() => {
          this.running.delete(run);
          const c = seg.chunk;
          if (c !== null && --c.pending === 0 && c !== this.current) this.free.push(c);
          seg.done.resolve();
          this.pump();
        });
      this.running.add(run);
    }
  }

  private async writeSegment(bytes: Uint8Array, at: number): Promise<void> {
    let done = 0;
    while (done < bytes.byteLength) {
      invariant(this.file !== null, "feature file closed while writing");
      const { bytesWritten } = await this.file.write(bytes, done, bytes.byteLength - done, at + done);
      // A short O_DIRECT write still ends on a block boundary, so the rest stays aligned.
      invariant(bytesWritten > 0, "feature file write made no progress");
      done += bytesWritten;
    }
  }
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/**
 * The offset into `area` from which O_DIRECT writes are accepted, or -1. A 4096-byte write from each
 * 16-byte step until one succeeds (EINVAL = misaligned); it lands at file offset 0, which the
 * feature file's first bytes overwrite.
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
