/**
 * Fingerprints: golden values computed independently (Python hashlib + struct, see the comments),
 * stability, and sensitivity to a one-tick change anywhere.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Bars } from "../../src/data/bars.ts";
import { canonicalJson, fingerprintBars, fingerprintConfig } from "../../src/data/fingerprint.ts";

function bars(volume: number[] | null): Bars {
  return {
    length: 3,
    ts: new Float64Array([1704153600000, 1704153660000, 1704153720000]),
    open: new Float64Array([100, 100.5, 101]),
    high: new Float64Array([101, 101.5, 102]),
    low: new Float64Array([99, 100, 100.5]),
    close: new Float64Array([100.5, 101, 101.5]),
    volume: volume ? new Float64Array(volume) : null,
  };
}

describe("fingerprintBars", () => {
  // Python: sha256(b"".join(struct.pack("<3d", *col) for col in
  // (ts, open, high, low, close)) + struct.pack("<3d", *volume) or b"no-volume")
  it("matches golden values computed independently", () => {
    expect(fingerprintBars(bars([10, 12, 8]))).toBe(
      "79ec54b4936c05d4a3dbee16b3f458bb62b8c385b4c8c89eb4f9757c03ff17bc",
    );
    expect(fingerprintBars(bars(null))).toBe(
      "b88398b324d52d64028004ab865b87bb795da01759719ea996eb2a1a99ddd29b",
    );
  });

  it("tells no volume apart from a volume of zeros", () => {
    expect(fingerprintBars(bars([0, 0, 0]))).not.toBe(fingerprintBars(bars(null)));
  });

  it("hashes only the bars of a view, not the buffer behind it", () => {
    const whole = bars([10, 12, 8]);
    const padded: Bars = {
      length: 3,
      ts: new Float64Array([0, ...whole.ts, 9]).subarray(1, 4),
      open: new Float64Array([0, ...whole.open, 9]).subarray(1, 4),
      high: new Float64Array([0, ...whole.high, 9]).subarray(1, 4),
      low: new Float64Array([0, ...whole.low, 9]).subarray(1, 4),
      close: new Float64Array([0, ...whole.close, 9]).subarray(1, 4),
      volume: new Float64Array([0, 10, 12, 8, 9]).subarray(1, 4),
    };
    expect(fingerprintBars(padded)).toBe(fingerprintBars(whole));
  });

  it("changes when any one value moves by one tick", () => {
    const base = fingerprintBars(bars([10, 12, 8]));
    fc.assert(
      fc.property(
        fc.constantFrom("ts", "open", "high", "low", "close", "volume"),
        fc.integer({ min: 0, max: 2 }),
        fc.constantFrom(-0.25, 0.25),
        (column, index, tick) => {
          const changed = bars([10, 12, 8]);
          const col = changed[column as keyof Bars] as Float64Array;
          col[index] += column === "ts" ? tick * 4 : tick;
          return fingerprintBars(changed) !== base;
        },
      ),
    );
  });

  it("is stable across calls and copies", () => {
    const a = bars([10, 12, 8]);
    const copy: Bars = { ...a, ts: a.ts.slice(), open: a.open.slice() };
    expect(fingerprintBars(copy)).toBe(fingerprintBars(a));
    expect(fingerprintBars(a)).toBe(fingerprintBars(a));
  });
});

describe("fingerprintConfig", () => {
  it("matches Python's json.dumps(sort_keys=True, separators=(',', ':')) hashed with SHA-256", () => {
    const config = { b: { y: [3, { d: 1, c: 2 }], x: "s" }, a: 1.5 };
    expect(canonicalJson(config)).toBe('{"a":1.5,"b":{"x":"s","y":[3,{"c":2,"d":1}]}}');
    expect(fingerprintConfig(config)).toBe(
      "602363103a8ae212386a2fbe1c6f4cd2514078fb9fa96f3bbf04cbe6c3c1cfa7",
    );
  });

  it("does not depend on key order at any depth, and does depend on values and array order", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        return fingerprintConfig(reversed) === fingerprintConfig(obj);
      }),
    );
    expect(fingerprintConfig({ a: [1, 2] })).not.toBe(fingerprintConfig({ a: [2, 1] }));
    expect(fingerprintConfig({ a: { k: 1 } })).not.toBe(fingerprintConfig({ a: { k: 2 } }));
  });
});
