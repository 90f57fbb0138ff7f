import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileSink } from "../../../src/features/engine/file-sink.ts";
import { fileTempDir } from "../../helpers/temp-dir.ts";

const dir = fileTempDir("mlf-file-sink-");

function random(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed;
  };
}

/** Deterministic bytes: pieces of awkward sizes, views at odd offsets, other element types. */
function pieces(): ArrayBufferView[] {
  const out: ArrayBufferView[] = [];
  const next = random(7);
  for (let k = 0; k < 60; k++) {
    const size = k % 7 === 0 ? 3 * 2 ** 20 + (next() % 4099) : next() % 70_001;
    const bytes = new Uint8Array(size + 5);
    for (let i = 0; i < bytes.length; i++) bytes[i] = next() >>> 24;
    if (k % 3 === 0) out.push(new Float32Array(bytes.buffer, 4, Math.floor((size - 4) / 4)));
    else out.push(bytes.subarray(1, 1 + size));
  }
  return out;
}

function concat(views: ArrayBufferView[]): Buffer {
  return Buffer.concat(views.map((v) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength)));
}

describe("FileSink", () => {
  const data = pieces();
  const expected = concat(data);

  for (const direct of [true, false]) {
    const mode = direct ? "O_DIRECT where possible" : "page cache";

    it(`writes exactly the pieces in order (${mode})`, async () => {
      const path = join(dir, `out-${direct}.bin`);
      const sink = await FileSink.open(path, { batchBytes: 8 * 2 ** 20, direct });
      if (!direct) expect(sink.bypassesPageCache).toBe(false);
      let since = 0;
      for (const p of data) {
        sink.write(p);
        since += p.byteLength;
        if (since > 4 * 2 ** 20) {
          await sink.flush();
          since = 0;
        }
      }
      await sink.closeFile();
      const written = readFileSync(path);
      expect(written.length).toBe(expected.length);
      expect(Buffer.compare(written, expected)).toBe(0);
    });

    it(`writes region memory by reference where it is placed as alignedOffset says (${mode})`, async () => {
      const path = join(dir, `regions-${direct}.bin`);
      const columns = 40;
      const rows = 5000; // 20,000 bytes per column: runs that start and end inside a block
      const sink = await FileSink.open(path, {
        batchBytes: 2 ** 20,
        regions: [columns * rows * 4, columns * rows * 4],
      });
      const next = random(3);
      const parts: Uint8Array[] = [];
      const emit = (p: Uint8Array) => {
        parts.push(p.slice());
        sink.write(p);
      };
      for (let batch = 0; batch < 6; batch++) {
        const header = new Uint8Array(100 + (next() % 900)).map(() => next() >>> 24);
        emit(header);
        // Even batches placed for a reference, odd ones deliberately off by 8 bytes (copied).
        const region = sink.regions[batch % 2];
        const shift = (sink.alignedOffset(sink.position) + (batch % 2 === 1 && direct ? 8 : 0)) % 4096;
        for (let j = 0; j < columns; j++) {
          const col = new Float32Array(region.buffer, region.byteOffset + shift + j * rows * 4, rows);
          for (let r = 0; r < rows; r++) col[r] = (next() % 1000) / 7;
          emit(new Uint8Array(col.buffer, col.byteOffset, col.byteLength));
        }
        await sink.flush();
      }
      await sink.closeFile();
      const want = Buffer.concat(parts);
      const written = readFileSync(path);
      expect(written.length).toBe(want.length);
      expect(Buffer.compare(written, want)).toBe(0);
      if (sink.bypassesPageCache || !direct)
        expect(sink.stats.referenced).toBeGreaterThan(2 * columns * rows * 4);
    });
  }

  for (const direct of [true, false]) {
    it(`writes a region run longer than a staging chunk by reference, in several writes handed out together (${direct ? "O_DIRECT where possible" : "page cache"})`, async () => {
      // 24 columns of 300,000 float32 rows: a 28.8 MB run per batch, more than three 8 MB chunks.
      const path = join(dir, `large-${direct}.bin`);
      const columns = 24;
      const rows = 300_000;
      const sink = await FileSink.open(path, {
        batchBytes: 2 ** 20,
        regions: [columns * rows * 4 + 4096, columns * rows * 4 + 4096],
        direct,
      });
      const parts: Uint8Array[] = [];
      for (let batch = 0; batch < 3; batch++) {
        const header = new Uint8Array(72 + batch * 1000).fill(batch + 1);
        parts.push(header);
        sink.write(header);
        const region = sink.regions[batch % 2];
        const at = region.byteOffset + sink.alignedOffset(sink.position);
        const block = new Int32Array(region.buffer, at, columns * rows);
        for (let i = 0; i < block.length; i++) block[i] = i * 2654435761 + batch;
        for (let j = 0; j < columns; j++) {
          const col = new Uint8Array(region.buffer, at + j * rows * 4, rows * 4);
          parts.push(col.slice());
          sink.write(col);
        }
        await sink.flush();
      }
      await sink.closeFile();
      const want = Buffer.concat(parts);
      const written = readFileSync(path);
      expect(written.length).toBe(want.length);
      expect(Buffer.compare(written, want)).toBe(0);
      if (sink.bypassesPageCache || !direct)
        expect(sink.stats.referenced).toBeGreaterThan(2 * columns * rows * 4);
    });
  }

  it("writes padded columns right whether or not the memory between them holds the padding", async () => {
    // 4999 float32 rows: 19,996 bytes, padded with 4 zero bytes as Arrow pads every buffer; 300
    // columns: many runs and small staged pieces per batch, more than the staging area has chunks.
    const columns = 300;
    const rows = 4999;
    const stride = 20_000;
    for (const zeroed of [true, false]) {
      const path = join(dir, `padded-${zeroed}.bin`);
      const sink = await FileSink.open(path, {
        batchBytes: 2 ** 20,
        regions: [columns * stride, columns * stride],
      });
      const next = random(5);
      const parts: Uint8Array[] = [];
      const emit = (p: Uint8Array) => {
        parts.push(p.slice());
        sink.write(p);
      };
      for (let batch = 0; batch < 4; batch++) {
        emit(new Uint8Array(8 * (3 + (next() % 25))).map(() => next() >>> 24));
        const region = sink.regions[batch % 2];
        const base = region.byteOffset + sink.alignedOffset(sink.position);
        const bytes = new Uint8Array(region.buffer, base, columns * stride);
        bytes.fill(zeroed ? 0 : 0xee);
        for (let j = 0; j < columns; j++) {
          const col = new Float32Array(region.buffer, base + j * stride, rows);
          for (let r = 0; r < rows; r++) col[r] = (next() % 1000) / 7;
          emit(new Uint8Array(col.buffer, col.byteOffset, col.byteLength));
          emit(new Uint8Array(4));
        }
        await sink.flush();
      }
      await sink.closeFile();
      const want = Buffer.concat(parts);
      expect(Buffer.compare(readFileSync(path), want)).toBe(0);
    }
  });

  it("writes an empty file and a file shorter than one block", async () => {
    for (const bytes of [new Uint8Array(0), new Uint8Array([1, 2, 3])]) {
      const path = join(dir, `small-${bytes.length}.bin`);
      const sink = await FileSink.open(path, { batchBytes: 1024 });
      sink.write(bytes);
      await sink.closeFile();
      expect([...readFileSync(path)]).toEqual([...bytes]);
    }
  });
});
