/**
 * Arrow frames: round trips of arbitrary float32/float64 columns (fast-check), views instead of copies
 * on both sides, and refusals of what the protocol does not allow (ragged columns, nulls, non-floats).
 */
import {
  Field,
  Float32,
  Int32,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableToIPC,
  vectorFromArray,
} from "apache-arrow";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WorkerError } from "../../src/core/errors.ts";
import {
  arrowFrameByteLength,
  type ColumnSet,
  decodeArrowFrame,
  encodeArrowFrame,
} from "../../src/workers/arrow-frames.ts";

const f32 = fc.float32Array({ minLength: 0, maxLength: 200 });

describe("Arrow frames", () => {
  it("round-trips any float32/float64 columns bit for bit (NaN and -0 included)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 6 }),
        fc.nat(),
        (rows, cols, seed) => {
          const columns: ColumnSet = Array.from({ length: cols }, (_, j) => {
            const bits = new Uint32Array(rows).map(
              (_, i) => Math.imul(seed + 31 * i + 7 * j, 2654435761) >>> 0,
            );
            const values =
              j % 2 === 0 ? new Float32Array(bits.buffer) : Float64Array.from(new Float32Array(bits.buffer));
            return [`c${j}`, values] as const;
          });
          const decoded = decodeArrowFrame(encodeArrowFrame(columns));
          expect(decoded.rows).toBe(rows);
          expect(decoded.names).toEqual(columns.map(([n]) => n));
          for (const [name, values] of columns) {
            const back = decoded.columns.get(name)!;
            expect(back.constructor).toBe(values.constructor);
            expect(
              Buffer.from(back.buffer, back.byteOffset, back.byteLength).equals(
                Buffer.from(values.buffer, values.byteOffset, values.byteLength),
              ),
            ).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("round-trips columns given as subarrays of a larger buffer", () => {
    fc.assert(
      fc.property(f32, fc.nat({ max: 50 }), (values, offset) => {
        const big = new Float32Array(values.length + offset + 3);
        big.set(values, offset);
        const view = big.subarray(offset, offset + values.length);
        const back = decodeArrowFrame(encodeArrowFrame([["x", view]])).columns.get("x")!;
        expect(Array.from(back, (v) => (Object.is(v, -0) ? "-0" : String(v)))).toEqual(
          Array.from(values, (v) => (Object.is(v, -0) ? "-0" : String(v))),
        );
      }),
    );
  });

  it("a frame owns its bytes: encoding the next frame never changes the previous one", () => {
    const first = encodeArrowFrame([["a", Float32Array.from([1, 2, 3])]]);
    const snapshot = Buffer.from(first);
    for (let k = 0; k < 50; k++) encodeArrowFrame([[`b${k}`, new Float64Array(k)]]);
    expect(Buffer.from(first).equals(snapshot)).toBe(true);
  });

  it("encodes into a caller's reusable buffer, byte-identical to a fresh encode", () => {
    const columns: ColumnSet = [
      ["a", Float32Array.from([1, -2, 3.5])],
      ["b", Float64Array.from([0.25, 0.5, 0.75])],
    ];
    const fresh = encodeArrowFrame(columns);
    expect(arrowFrameByteLength(columns)).toBe(fresh.byteLength);
    const reusable = new Uint8Array(fresh.byteLength + 64).fill(0xee);
    const inPlace = encodeArrowFrame(columns, reusable);
    expect(inPlace.buffer).toBe(reusable.buffer);
    expect(Buffer.from(inPlace).equals(Buffer.from(fresh))).toBe(true);
    expect(() => encodeArrowFrame(columns, new Uint8Array(8))).toThrow(/needs \d+ bytes, the buffer has 8/);
  });

  it("same shape, new values: the cached layouts never serve stale data", () => {
    for (let k = 0; k < 5; k++) {
      const columns: ColumnSet = [
        ["x", Float32Array.from([k, k + 1])],
        ["y", Float64Array.from([-k, 0.5 * k])],
      ];
      const decoded = decodeArrowFrame(encodeArrowFrame(columns));
      expect(Array.from(decoded.columns.get("x")!)).toEqual([k, k + 1]);
      expect(Array.from(decoded.columns.get("y")!)).toEqual([-k, 0.5 * k]);
    }
  });

  it("decodes a frame that sits at an odd offset of its buffer (unaligned receive)", () => {
    const frame = encodeArrowFrame([["x", Float64Array.from([1.25, 2.5, 3.75])]]);
    decodeArrowFrame(frame); // the layout is now cached
    const shifted = new Uint8Array(frame.byteLength + 1);
    shifted.set(frame, 1);
    const decoded = decodeArrowFrame(shifted.subarray(1));
    expect(Array.from(decoded.columns.get("x")!)).toEqual([1.25, 2.5, 3.75]);
  });

  it("decoded columns are views into the received frame, not copies", () => {
    const frame = encodeArrowFrame([
      ["a", Float32Array.from([1, 2, 3])],
      ["b", Float64Array.from([4, 5, 6])],
    ]);
    const decoded = decodeArrowFrame(frame);
    for (const values of decoded.columns.values()) expect(values.buffer).toBe(frame.buffer);
  });

  it("reads frames that Arrow itself wrote with several record batches", () => {
    const fields = [new Field("x", new Float32(), false)];
    const batch = (vals: number[]) =>
      new RecordBatch(
        new Schema(fields),
        makeData({
          type: new Struct(fields),
          length: vals.length,
          nullCount: 0,
          children: [
            makeData({
              type: new Float32(),
              length: vals.length,
              nullCount: 0,
              data: Float32Array.from(vals),
            }),
          ],
        }),
      );
    const table = new Table([batch([1, 2]), batch([3])]);
    const decoded = decodeArrowFrame(tableToIPC(table, "stream"));
    expect(decoded.rows).toBe(3);
    expect(Array.from(decoded.columns.get("x")!)).toEqual([1, 2, 3]);
  });

  it("refuses ragged columns, nulls and non-float columns", () => {
    const ragged = () =>
      encodeArrowFrame([
        ["a", new Float32Array(3)],
        ["b", new Float32Array(2)],
      ]);
    expect(ragged).toThrow(WorkerError);
    expect(ragged).toThrow('Arrow frame column "b" has 2 rows but the first column has 3');

    const withNull = tableToIPC(new Table({ x: vectorFromArray([1, null, 3], new Float32()) }), "stream");
    expect(() => decodeArrowFrame(withNull, "train")).toThrow(
      'frame "train" column "x" has 1 nulls; encode missing values as NaN',
    );

    const ints = tableToIPC(new Table({ n: vectorFromArray([1, 2], new Int32()) }), "stream");
    expect(() => decodeArrowFrame(ints, "train")).toThrow(
      /column "n" has Arrow type Int32; only float32\/float64 are allowed/,
    );
  });
});
