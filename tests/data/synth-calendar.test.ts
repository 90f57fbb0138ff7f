// Session calendar, seeded stream and regime chain of the synthetic generator, checked against
// hand-worked times and an independent transliteration of the reference xoshiro128** C code.
import { describe, expect, it } from "vitest";
import { Xoshiro128 } from "../../src/data/synth/prng.ts";
import { REGIMES, RegimeChain } from "../../src/data/synth/regimes.ts";
import { INTRADAY_SHAPE } from "../../src/data/synth/seasonality.ts";
import {
  firstOpenMinuteAtOrAfter,
  isSessionOpen,
  nextOpenMinute,
  SESSION_MINUTES,
  sessionMinute,
} from "../../src/data/synth/session.ts";

const at = (iso: string) => Date.parse(iso);

describe("CME-like session calendar (UTC)", () => {
  it.each([
    ["2024-01-01T00:00:00Z", true], // Monday, inside the Sunday-evening session
    ["2024-01-01T20:59:00Z", true],
    ["2024-01-01T21:00:00Z", false], // daily halt
    ["2024-01-01T21:59:00Z", false],
    ["2024-01-01T22:00:00Z", true],
    ["2024-01-05T20:59:00Z", true], // Friday, last bar of the week
    ["2024-01-05T21:00:00Z", false],
    ["2024-01-05T22:00:00Z", false], // no Friday-evening session
    ["2024-01-06T12:00:00Z", false], // Saturday
    ["2024-01-07T21:59:00Z", false], // Sunday before the open
    ["2024-01-07T22:00:00Z", true], // Sunday open
  ])("%s open = %s", (iso, open) => {
    expect(isSessionOpen(at(iso))).toBe(open);
  });

  it("counts session minutes from the 22:00 UTC open", () => {
    expect(sessionMinute(at("2024-01-07T22:00:00Z"))).toBe(0);
    expect(sessionMinute(at("2024-01-08T00:00:00Z"))).toBe(120);
    expect(sessionMinute(at("2024-01-08T20:59:00Z"))).toBe(SESSION_MINUTES - 1);
  });

  it("finds the next open minute across the halt and the weekend", () => {
    expect(nextOpenMinute(at("2024-01-01T20:59:00Z"))).toBe(at("2024-01-01T22:00:00Z"));
    expect(nextOpenMinute(at("2024-01-05T20:59:00Z"))).toBe(at("2024-01-07T22:00:00Z"));
    expect(nextOpenMinute(at("2024-01-03T10:00:00Z"))).toBe(at("2024-01-03T10:01:00Z"));
    expect(firstOpenMinuteAtOrAfter(at("2024-01-06T09:30:00Z"))).toBe(at("2024-01-07T22:00:00Z"));
    expect(firstOpenMinuteAtOrAfter(at("2024-01-03T10:00:30Z"))).toBe(at("2024-01-03T10:01:00Z"));
    expect(firstOpenMinuteAtOrAfter(at("2024-01-03T21:10:00Z"))).toBe(at("2024-01-03T22:00:00Z"));
  });

  it("walks a whole week as 5 sessions of 1380 minutes", () => {
    let t = firstOpenMinuteAtOrAfter(at("2024-01-07T00:00:00Z"));
    let count = 0;
    while (t < at("2024-01-14T00:00:00Z")) {
      count++;
      t = nextOpenMinute(t);
    }
    expect(count).toBe(5 * SESSION_MINUTES);
  });
});

describe("Xoshiro128 stream", () => {
  // From a Python transliteration of xoshiro128starstar.c (prng.di.unimi.it) with the same
  // splitmix32 seeding; pins the stream so that bars are identical on every platform.
  it.each([
    [0, [50113177, 3921069246, 2526834133, 189180112, 3685103577]],
    [12345, [4164816853, 1469112368, 3684900696, 701369228, 3718202761]],
    [2 ** 40 + 7, [937762719, 2762165440, 4174411080, 2876924662, 3583161193]],
  ])("seed %d matches the reference", (seed, expected) => {
    const rng = new Xoshiro128(seed);
    expect(Array.from({ length: 5 }, () => rng.nextUint32())).toEqual(expected);
  });

  it("draws uniforms in (0, 1) and unit-variance normal and t(6) values", () => {
    const rng = new Xoshiro128(3);
    const n = 200_000;
    let uSum = 0;
    let zSq = 0;
    let tSq = 0;
    let tFourth = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      if (!(u > 0 && u < 1)) outside++;
      uSum += u;
      zSq += rng.normal() ** 2;
      const t = rng.studentT6();
      tSq += t * t;
      tFourth += t ** 4;
    }
    expect(outside).toBe(0);
    expect(uSum / n).toBeCloseTo(0.5, 2);
    expect(zSq / n).toBeGreaterThan(0.98);
    expect(zSq / n).toBeLessThan(1.02);
    expect(tSq / n).toBeGreaterThan(0.95);
    expect(tSq / n).toBeLessThan(1.05);
    // t(6) has kurtosis 6: clearly fatter than a normal's 3.
    expect(tFourth / n / (tSq / n) ** 2).toBeGreaterThan(4);
  });
});

describe("regime chain", () => {
  it("visits every regime with persistent runs of the expected length", () => {
    const rng = new Xoshiro128(11);
    const chain = new RegimeChain();
    const barsIn = [0, 0, 0];
    const runs = [0, 0, 0];
    let previous = -1;
    for (let i = 0; i < 2_000_000; i++) {
      chain.step(rng);
      barsIn[chain.index]!++;
      if (chain.index !== previous) runs[chain.index]!++;
      previous = chain.index;
    }
    REGIMES.forEach((regime, k) => {
      const meanRun = barsIn[k]! / runs[k]!;
      const expected = 1 / (1 - regime.stay);
      expect(meanRun).toBeGreaterThan(0.85 * expected);
      expect(meanRun).toBeLessThan(1.15 * expected);
    });
  });
});

describe("intraday shape", () => {
  it("is U-shaped with mean 1", () => {
    const mean = INTRADAY_SHAPE.reduce((a, b) => a + b, 0) / INTRADAY_SHAPE.length;
    expect(mean).toBeCloseTo(1, 12);
    const mid = INTRADAY_SHAPE[SESSION_MINUTES >> 1]!;
    expect(INTRADAY_SHAPE[0]!).toBeGreaterThan(2 * mid);
    expect(INTRADAY_SHAPE[SESSION_MINUTES - 1]!).toBeGreaterThan(2 * mid);
  });
});
