/**
 * Property: any valid bars written as text (shortest round-trip decimal, as JavaScript prints
 * them, or with an exponent) load back bit for bit through DuckDB's CSV parser, plain and gzip:
 * DuckDB and JavaScript agree on every double.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBars } from "../../src/data/ingest/index.ts";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "mlf-ingest-rt-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const price = fc.double({ min: 1e-6, max: 1e7, noNaN: true, noDefaultInfinity: true });
const bar = fc
  .tuple(price, price, price, price, fc.double({ min: 0, max: 1e9, noNaN: true, noDefaultInfinity: true }))
  .map(([a, b, c, d, v]) => {
    const sorted = [a, b, c, d].sort((x, y) => x - y);
    // low, open and close inside [low, high], high on top
    return { low: sorted[0], open: sorted[1], close: sorted[2], high: sorted[3], volume: v };
  });
const rows = fc.array(fc.tuple(bar, fc.integer({ min: 1, max: 3000 })), { minLength: 1, maxLength: 40 });

describe("CSV numbers round-trip exactly", () => {
  it("loads back the doubles it was written with (property)", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(rows, fc.boolean(), fc.boolean(), async (data, exponent, gzip) => {
        let t = Date.UTC(2020, 0, 1);
        const ts: number[] = [];
        const lines = ["timestamp,open,high,low,close,volume"];
        const text = (x: number) => (exponent ? x.toExponential() : String(x));
        for (const [b, stepMinutes] of data) {
          t += stepMinutes * 60_000;
          ts.push(t);
          lines.push(
            `${new Date(t).toISOString()},${text(b.open)},${text(b.high)},${text(b.low)},${text(b.close)},${text(b.volume)}`,
          );
        }
        const csv = `${lines.join("\n")}\n`;
        const path = join(dir, `rt-${run++}.csv${gzip ? ".gz" : ""}`);
        writeFileSync(path, gzip ? gzipSync(csv) : csv);
        const { bars } = await loadBars(path);
        expect(Array.from(bars.ts)).toEqual(ts);
        expect(Array.from(bars.open)).toEqual(data.map(([b]) => b.open));
        expect(Array.from(bars.high)).toEqual(data.map(([b]) => b.high));
        expect(Array.from(bars.low)).toEqual(data.map(([b]) => b.low));
        expect(Array.from(bars.close)).toEqual(data.map(([b]) => b.close));
        expect(Array.from(bars.volume as Float64Array)).toEqual(data.map(([b]) => b.volume));
      }),
      { numRuns: 40 },
    );
  });
});
