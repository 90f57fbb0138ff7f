/**
 * A synchronous file sink for apache-arrow's RecordBatchWriter. The writer accepts an AsyncByteQueue
 * subclass as its sink and calls `write` for every piece of a message; writing through to the file
 * descriptor at once means no batch is ever held in memory after `writer.write(batch)` returns, and
 * the column buffers are written straight from the engine's typed arrays (no copy). Small pieces
 * (message headers, padding) are gathered into one staging buffer to keep system calls few.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { AsyncByteQueue } from "apache-arrow";

const STAGING_BYTES = 1 << 20;

export class FileSink extends AsyncByteQueue<Uint8Array> {
  private fd: number;
  private readonly staging = new Uint8Array(STAGING_BYTES);
  private staged = 0;
  bytesWritten = 0;

  constructor(path: string) {
    super();
    this.fd = openSync(path, "w");
  }

  override write(value: Uint8Array | ArrayBufferView | ArrayBuffer): void {
    const bytes =
      value instanceof Uint8Array
        ? value
        : ArrayBuffer.isView(value)
          ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
          : new Uint8Array(value);
    if (bytes.byteLength === 0) return;
    if (bytes.byteLength > STAGING_BYTES / 4) {
      this.flush();
      this.writeFully(bytes);
      return;
    }
    if (this.staged + bytes.byteLength > STAGING_BYTES) this.flush();
    this.staging.set(bytes, this.staged);
    this.staged += bytes.byteLength;
  }

  /** Writes what is staged. */
  flush(): void {
    if (this.staged > 0) {
      this.writeFully(this.staging.subarray(0, this.staged));
      this.staged = 0;
    }
  }

  /** Flushes and closes the file; safe to call twice. */
  closeFile(): void {
    if (this.fd < 0) return;
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
      this.fd = -1;
    }
  }

  private writeFully(bytes: Uint8Array): void {
    let off = 0;
    while (off < bytes.byteLength) off += writeSync(this.fd, bytes, off, bytes.byteLength - off);
    this.bytesWritten += bytes.byteLength;
  }
}
