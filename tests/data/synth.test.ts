// Statistical and structural properties of the synthetic bars, determinism and prefix stability.
import { createHash } from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.ts";
import type { Bars } from "../../src/data/bars.ts";
import { generateSynthBars } from "../../src/data/synth/index.ts";
import { isSessionOpen, sessionMinute } from "../../src/data/synth/session.ts";

const MINUTE = 60_000;

/** 1-minute log returns between bars exactly one minute apart (gaps left out). */
function minuteReturns(bars: Bars): number[] {
  const out: number[] = [];
  for (let i = 1; i < bars.length; i++) {
    if (bars.ts[i]! - bars.ts[i - 1]! === MINUTE) out.push(Math.log(bars.close[i]! / bars.close[i - 1]!));
  }
  return out;
}

function autocorrelation(x: readonly number[], lag: number): number {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.length; i++) {
    den += (x[i]! - mean) ** 2;
    if (i >= lag) num += (x[i]! - mean) * (x[i - lag]! - mean);
  }
  return num / den;
}

function kurtosis(x: readonly number[]): number {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  let m2 = 0;
  let m4 = 0;
  for (const v of x) {
    m2 += (v - mean) ** 2;
    m4 += (v - mean) ** 4;
  }
  m2 /= x.length;
  m4 /= x.length;
  return m4 / (m2 * m2);
}

describe("generateSynthBars statistics (200,000 bars)", () => {
  let bars: Bars;
  let returns: number[];
  beforeAll(() => {
    bars = generateSynthBars({ bars: 200_000, seed: 42 });
    returns = minuteReturns(bars);
  });

  it("emits exactly the bars asked for", () => {
    expect(bars.length).toBe(200_000);
    expect(bars.ts.length).toBe(200_000);
  });

  it("clusters volatility: |r| autocorrelates, r barely does", () => {
    const absReturns = returns.map(Math.abs);
    for (const lag of [1, 5, 30]) {
      const acAbs = autocorrelation(absReturns, lag);
      const acRaw = autocorrelation(returns, lag);
      expect(acAbs).toBeGreaterThan(0.1);
      expect(acAbs).toBeGreaterThan(Math.abs(acRaw) + 0.05);
    }
  });

  it("has fat-tailed 1-minute returns (kurtosis > 3)", () => {
    expect(kurtosis(returns)).toBeGreaterThan(3);
  });

  it("has a realistic 1-minute volatility (1-10 bp) and stays near the start price", () => {
    const sd = Math.sqrt(returns.reduce((a, r) => a + r * r, 0) / returns.length);
    expect(sd).toBeGreaterThan(1e-4);
    expect(sd).toBeLessThan(1e-3);
    expect(bars.close[bars.length - 1]!).toBeGreaterThan(4800 / 3);
    expect(bars.close[bars.length - 1]!).toBeLessThan(4800 * 3);
  });

  it("switches regimes: hourly realised volatility spans a wide range", () => {
    const hourly: number[] = [];
    for (let i = 0; i + 60 <= returns.length; i += 60) {
      let s = 0;
      for (let k = i; k < i + 60; k++) s += returns[k]! ** 2;
      hourly.push(Math.sqrt(s / 60));
    }
    hourly.sort((a, b) => a - b);
    const p10 = hourly[Math.floor(0.1 * hourly.length)]!;
    const p90 = hourly[Math.floor(0.9 * hourly.length)]!;
    expect(p90 / p10).toBeGreaterThan(3);
  });

  it("keeps the daily halt and the weekend free of bars, and has both gaps", () => {
    let dailyGaps = 0;
    let weekendGaps = 0;
    let otherGaps = 0;
    for (let i = 0; i < bars.length; i++) {
      const t = bars.ts[i]!;
      const d = new Date(t);
      const [day, hour] = [d.getUTCDay(), d.getUTCHours()];
      const inHalt = hour === 21;
      const inWeekend = (day === 5 && hour >= 21) || day === 6 || (day === 0 && hour < 22);
      if (inHalt || inWeekend) throw new Error(`bar ${i} at ${d.toISOString()} falls in a closed period`);
      if (i === 0) continue;
      const gap = t - bars.ts[i - 1]!;
      if (gap === 61 * MINUTE) dailyGaps++;
      else if (gap === (49 * 60 + 1) * MINUTE) weekendGaps++;
      else if (gap !== MINUTE) otherGaps++;
    }
    // The first session starts 2 hours in (1,260 bars), then 1,380 bars a session: 200,000 bars
    // span 146 sessions, so 145 breaks, of which 29 are weekends (one every 5 sessions).
    expect(otherGaps).toBe(0);
    expect(dailyGaps + weekendGaps).toBe(145);
    expect(weekendGaps).toBe(29);
  });

  it("has U-shaped volume: first and last session hours busier than mid-session", () => {
    const sums = { first: [0, 0], last: [0, 0], mid: [0, 0] };
    for (let i = 0; i < bars.length; i++) {
      const m = sessionMinute(bars.ts[i]!);
      const bucket = m < 60 ? sums.first : m >= 1320 ? sums.last : m >= 630 && m < 750 ? sums.mid : null;
      if (bucket) {
        bucket[0]! += bars.volume![i]!;
        bucket[1]!++;
      }
    }
    const mean = (b: number[]) => b[0]! / b[1]!;
    expect(mean(sums.first)).toBeGreaterThan(1.5 * mean(sums.mid));
    expect(mean(sums.last)).toBeGreaterThan(1.5 * mean(sums.mid));
  });

  it("opens at the previous close inside a session and near it across gaps", () => {
    let largestGap = 0;
    for (let i = 1; i < bars.length; i++) {
      const prev = bars.close[i - 1]!;
      if (bars.ts[i]! - bars.ts[i - 1]! === MINUTE) {
        if (bars.open[i] !== prev)
          throw new Error(`bar ${i}: open ${bars.open[i]} != previous close ${prev}`);
      } else {
        largestGap = Math.max(largestGap, Math.abs(bars.open[i]! / prev - 1));
      }
    }
    expect(largestGap).toBeGreaterThan(0);
    expect(largestGap).toBeLessThan(0.02);
  });
});

describe("generateSynthBars invariants over many seeds (fast-check)", () => {
  const ticks = [0.25, 0.1, 0.01, 0.5, 1, 5, 0.05, 0.005];
  it("keeps OHLC consistent, prices positive and on the tick grid, volumes whole and positive", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 1, max: 3000 }),
        fc.constantFrom(...ticks),
        fc.double({ min: 0.5, max: 100_000, noNaN: true }),
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        (seed, n, tickSize, startPrice, startMs) => {
          const bars = generateSynthBars({
            bars: n,
            seed,
            tickSize,
            startPrice: Math.max(startPrice, tickSize),
            startMs,
          });
          expect(bars.length).toBe(n);
          const decimals = (String(tickSize).split(".")[1] ?? "").length;
          for (let i = 0; i < n; i++) {
            const [o, h, l, c, v] = [
              bars.open[i]!,
              bars.high[i]!,
              bars.low[i]!,
              bars.close[i]!,
              bars.volume![i]!,
            ];
            const ok = l > 0 && l <= Math.min(o, c) && Math.max(o, c) <= h && Number.isInteger(v) && v > 0;
            if (!ok) throw new Error(`bar ${i} inconsistent: ${o} ${h} ${l} ${c} ${v}`);
            for (const p of [o, h, l, c]) {
              // On the grid: a whole number of ticks, printed exactly with the tick's decimals.
              const k = Math.round(p / tickSize);
              if (Math.abs(k * tickSize - p) > p * 1e-12 || Number(p.toFixed(decimals)) !== p) {
                throw new Error(`bar ${i}: price ${p} is off the ${tickSize} tick grid`);
              }
            }
            const t = bars.ts[i]!;
            if (!isSessionOpen(t) || t % MINUTE !== 0 || (i > 0 && t <= bars.ts[i - 1]!)) {
              throw new Error(`bar ${i}: timestamp ${new Date(t).toISOString()} out of order or off-session`);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("determinism and prefix stability", () => {
  const same = (a: Float64Array, b: Float64Array) =>
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    );
  const columns = (b: Bars) => [b.ts, b.open, b.high, b.low, b.close, b.volume!];

  it("gives bit-identical bars for the same (bars, seed) and different bars for another seed", () => {
    const a = generateSynthBars({ bars: 5000, seed: 9 });
    const b = generateSynthBars({ bars: 5000, seed: 9 });
    const c = generateSynthBars({ bars: 5000, seed: 10 });
    for (const [k, col] of columns(a).entries()) expect(same(col, columns(b)[k]!)).toBe(true);
    expect(same(a.close, c.close)).toBe(false);
    expect(same(a.volume!, c.volume!)).toBe(false);
  });

  it("1,000 bars are exactly the first 1,000 of a 10,000-bar run", () => {
    const short = generateSynthBars({ bars: 1000, seed: 5 });
    const long = generateSynthBars({ bars: 10_000, seed: 5 });
    for (const [k, col] of columns(short).entries()) {
      expect(same(col, columns(long)[k]!.subarray(0, 1000))).toBe(true);
    }
  });

  it("any shorter run is a prefix of a longer one (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 1500 }),
        (seed, n, extra) => {
          const short = generateSynthBars({ bars: n, seed });
          const long = generateSynthBars({ bars: n + extra, seed });
          for (const [k, col] of columns(short).entries()) {
            expect(same(col, columns(long)[k]!.subarray(0, n))).toBe(true);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("pins the first bars of seed 1 (cross-platform golden values)", () => {
    const b = generateSynthBars({ bars: 3, seed: 1 });
    const rows = Array.from({ length: 3 }, (_, i) => [
      new Date(b.ts[i]!).toISOString(),
      b.open[i],
      b.high[i],
      b.low[i],
      b.close[i],
      b.volume![i],
    ]);
    expect(rows).toMatchInlineSnapshot(`
      [
        [
          "2024-01-01T00:00:00.000Z",
          4800,
          4801,
          4799,
          4800.25,
          1261,
        ],
        [
          "2024-01-01T00:01:00.000Z",
          4800.25,
          4800.75,
          4799.75,
          4799.75,
          1311,
        ],
        [
          "2024-01-01T00:02:00.000Z",
          4799.75,
          4801,
          4799,
          4799.5,
          1028,
        ],
      ]
    `);
  });

  it("pins a digest of 100,000 bars of seed 1 (any change to the model or the stream shows here)", () => {
    const b = generateSynthBars({ bars: 100_000, seed: 1 });
    const hash = createHash("sha256");
    for (const col of columns(b)) hash.update(new Uint8Array(col.buffer, col.byteOffset, col.byteLength));
    expect(hash.digest("hex")).toMatchInlineSnapshot(
      `"e84d9e2b58d52d9c18a5cba0f9d8596814db2107954d0aad19ef805ee71a5cde"`,
    );
  });

  it("starts at the first open minute at or after startMs", () => {
    const b = generateSynthBars({ bars: 2, seed: 1, startMs: Date.parse("2024-01-06T10:00:00Z") });
    expect(new Date(b.ts[0]!).toISOString()).toBe("2024-01-07T22:00:00.000Z");
    expect(b.ts[1]! - b.ts[0]!).toBe(MINUTE);
  });
});

describe("generateSynthBars argument errors", () => {
  it.each([
    [{ bars: 0, seed: 1 }, "bars"],
    [{ bars: 1.5, seed: 1 }, "bars"],
    [{ bars: 10, seed: -1 }, "seed"],
    [{ bars: 10, seed: 0.5 }, "seed"],
    [{ bars: 10, seed: 1, tickSize: 0 }, "tickSize"],
    [{ bars: 10, seed: 1, tickSize: Math.PI }, "tickSize"],
    [{ bars: 10, seed: 1, startPrice: -5 }, "startPrice"],
    [{ bars: 10, seed: 1, startPrice: 0.1 }, "startPrice"],
  ])("%o is rejected on %s", (opts, field) => {
    let error: unknown;
    try {
      generateSynthBars(opts);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe(field);
  });
});
