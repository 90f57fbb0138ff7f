import { describe, expect, it } from "vitest";
import { runIndicator } from "../../../src/features/run-kernel.ts";
import { seriesFromBars } from "../../../src/features/series.ts";
import { dayOfWeek } from "../../../src/features/time/day-of-week.ts";
import { specs } from "../../../src/features/time/index.ts";
import { sessionClock } from "../../../src/features/time/session-clock.ts";
import { timeOfDay } from "../../../src/features/time/time-of-day.ts";
import type { IndicatorSpec } from "../../../src/features/types.ts";
import { describeIndicator } from "../golden-extra-harness.ts";

function barsAt(isoTimes: string[]) {
  const ts = Float64Array.from(isoTimes, (t) => Date.parse(t));
  const price = new Float64Array(ts.length).fill(100);
  return seriesFromBars({
    length: ts.length,
    ts,
    open: price,
    high: price,
    low: price,
    close: price,
    volume: null,
  });
}

describe("time family", () => {
  for (const spec of specs) describeIndicator(spec as IndicatorSpec, { abs: 1e-12, rel: 0 });

  it("maps known UTC instants to the circle", () => {
    const s = barsAt([
      "2024-03-09T00:00:00Z",
      "2024-03-11T06:00:00Z",
      "2024-03-10T18:00:00Z",
      "1969-12-29T12:00:00Z",
    ]);
    const [tSin, tCos] = runIndicator(timeOfDay, s);
    const [dSin, dCos] = runIndicator(dayOfWeek, s);
    // Midnight, 06:00 (a quarter turn), 18:00 (three quarters).
    expect([tSin[0], tCos[0]]).toEqual([0, 1]);
    expect(tSin[1]).toBeCloseTo(1, 15);
    expect(tSin[2]).toBeCloseTo(-1, 15);
    // 2024-03-09 is a Saturday (5), 2024-03-11 a Monday (0), 2024-03-10 a Sunday (6); 1969-12-29 a Monday.
    expect(dSin[0]).toBeCloseTo(Math.sin((2 * Math.PI * 5) / 7), 15);
    expect([dSin[1], dCos[1]]).toEqual([0, 1]);
    expect(dCos[2]).toBeCloseTo(Math.cos((2 * Math.PI * 6) / 7), 15);
    expect([dSin[3], dCos[3]]).toEqual([0, 1]);
  });

  it("matches Math.sin/Math.cos bit for bit on every minute of the day and every weekday", () => {
    // The WebAssembly kernels tabulate fdlibm's sin/cos (V8's); every table entry is checked here.
    const minutes = barsAt(Array.from({ length: 1440 }, (_, m) => new Date(m * 60_000).toISOString()));
    const [tSin, tCos] = runIndicator(timeOfDay, minutes);
    for (let m = 0; m < 1440; m++) {
      expect(Object.is(tSin[m], Math.sin((2 * Math.PI * m) / 1440))).toBe(true);
      expect(Object.is(tCos[m], Math.cos((2 * Math.PI * m) / 1440))).toBe(true);
    }
    // 1970-01-05 was a Monday (weekday 0).
    const days = barsAt(Array.from({ length: 7 }, (_, d) => new Date((d + 4) * 86_400_000).toISOString()));
    const [dSin, dCos] = runIndicator(dayOfWeek, days);
    for (let d = 0; d < 7; d++) {
      expect(Object.is(dSin[d], Math.sin((2 * Math.PI * d) / 7))).toBe(true);
      expect(Object.is(dCos[d], Math.cos((2 * Math.PI * d) / 7))).toBe(true);
    }
  });

  it("starts a session after a gap longer than 30 minutes, not after exactly 30", () => {
    const s = barsAt([
      "2024-03-11T13:00:00Z",
      "2024-03-11T13:01:00Z",
      "2024-03-11T13:31:00Z", // 30 minutes later: same session
      "2024-03-11T14:02:00Z", // 31 minutes later: a new session
      "2024-03-11T14:05:00Z",
    ]);
    const [minutes, bars] = runIndicator(sessionClock, s, 1);
    expect(Array.from(minutes)).toEqual([0, 1, 31, 0, 3]);
    expect(Array.from(bars)).toEqual([0, 1, 2, 0, 1]);
  });
});
