import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BarsBody, isPlainBarsBody, MAX_BARS_PER_REQUEST } from "../../src/serve/bar-input.ts";

const bar = { timestamp: 1735689600000, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 };

// Values of every kind a JSON body can hold, plus the edge cases of each field's rule.
const anyValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 0, -1, 2 ** 60),
  fc.string({ maxLength: 70 }),
  fc.constantFrom("", "a".repeat(64), "a".repeat(65), "TX202412", "bad id!", "2025-01-02T03:04:00Z"),
  fc.constant([]),
  fc.constant({}),
);
const num = fc.double({ noNaN: true, noDefaultInfinity: true });
const validBar = fc.record(
  {
    timestamp: fc.oneof(fc.integer(), fc.string({ maxLength: 64 })),
    open: num,
    high: num,
    low: num,
    close: num,
    volume: num,
    contract: fc.string({ minLength: 1, maxLength: 64 }),
  },
  { requiredKeys: ["timestamp", "open", "high", "low", "close"] },
);
const validBody = fc.record(
  {
    stream: fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/),
    bars: fc.array(validBar, { minLength: 1, maxLength: 3 }),
    include_features: fc.boolean(),
  },
  { requiredKeys: ["bars"] },
);
const keys = ["timestamp", "open", "volume", "contract", "stream", "include_features", "bars", "extra"];
/** A valid body with one field replaced, removed or added, at the top level or in its first bar. */
const mutatedBody = fc
  .tuple(validBody, fc.constantFrom(...keys), fc.boolean(), fc.option(anyValue, { nil: undefined }))
  .map(([body, key, inBar, value]) => {
    const target: Record<string, unknown> = inBar ? body.bars[0]! : body;
    if (value === undefined) delete target[key];
    else target[key] = value;
    return body;
  });
const bodyArb = fc.oneof(validBody, mutatedBody);

describe("isPlainBarsBody (the /bars body check before zod)", () => {
  it("accepts exactly the bodies BarsBody accepts, and they pass on unchanged", () => {
    fc.assert(
      fc.property(bodyArb, (body) => {
        const copy = JSON.parse(JSON.stringify(body));
        const r = BarsBody.safeParse(copy);
        // Never lets an invalid body through; here (JSON bodies) it takes every valid one as well.
        expect(isPlainBarsBody(copy)).toBe(r.success);
        if (r.success) expect(r.data).toEqual(copy);
      }),
      { numRuns: 3000 },
    );
  });

  it("takes the usual request without zod", () => {
    const fast = [
      { stream: "c1", bars: [bar] },
      { bars: [bar], include_features: true },
      { bars: [{ ...bar, timestamp: "2025-01-02T03:04:00Z", contract: "TX202412" }] },
      { bars: [{ timestamp: 0, open: 1, high: 1, low: 1, close: 1 }] },
    ];
    for (const b of fast) {
      expect(isPlainBarsBody(b)).toBe(true);
      expect(BarsBody.safeParse(b).success).toBe(true);
    }
  });

  it("leaves every body zod refuses to zod (which names the field)", () => {
    const refused = [
      null,
      [],
      {},
      { bars: [] },
      { bars: [bar], extra: 1 },
      { stream: "bad id", bars: [bar] },
      { stream: "a".repeat(65), bars: [bar] },
      { bars: [bar], include_features: "yes" },
      { bars: [{ ...bar, extra: 1 }] },
      { bars: [{ ...bar, open: "1" }] },
      { bars: [{ ...bar, close: undefined }] },
      { bars: [{ ...bar, timestamp: "x".repeat(65) }] },
      { bars: [{ ...bar, contract: "" }] },
      { bars: [{ ...bar, volume: Number.POSITIVE_INFINITY }] },
      { bars: [{ ...bar, high: Number.NaN }] },
      { bars: Array.from({ length: MAX_BARS_PER_REQUEST + 1 }, () => bar) },
    ];
    for (const b of refused) {
      expect(isPlainBarsBody(b)).toBe(false);
      expect(BarsBody.safeParse(b).success).toBe(false);
    }
  });
});
