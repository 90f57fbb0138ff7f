/**
 * Exchange calendars: local clock times to UTC across daylight saving, the sessions of each contract,
 * the synthetic generator's calendar, and the real files' bars against their contract's sessions.
 */
import { describe, expect, it } from "vitest";
import {
  localToUtc,
  scheduledSessions,
  sessionBreakRows,
  sessionsOfBars,
  utcOffsetMs,
} from "../../src/contracts/calendar.ts";
import { requireContract } from "../../src/contracts/index.ts";
import { expectedRolls, ruleDay } from "../../src/contracts/roll-rule.ts";
import { MINUTE_MS } from "../../src/core/timeframes.ts";
import { loadBars } from "../../src/data/ingest/index.ts";
import { generateSynthBars } from "../../src/data/synth/index.ts";
import { realDataPath } from "../helpers/real-data.ts";

const iso = (ms: number) => new Date(ms).toISOString();
const day = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / 86_400_000;

describe("local time to UTC", () => {
  it("Chicago is UTC−6 in winter and UTC−5 in summer; Taipei is UTC+8 all year", () => {
    expect(utcOffsetMs("America/Chicago", Date.UTC(2025, 0, 15, 12))).toBe(-6 * 3_600_000);
    expect(utcOffsetMs("America/Chicago", Date.UTC(2025, 6, 15, 12))).toBe(-5 * 3_600_000);
    expect(utcOffsetMs("Asia/Taipei", Date.UTC(2025, 6, 15, 12))).toBe(8 * 3_600_000);
    expect(iso(localToUtc("America/Chicago", day(2025, 1, 15), 17 * 60))).toBe("2025-01-15T23:00:00.000Z");
    expect(iso(localToUtc("America/Chicago", day(2025, 7, 15), 17 * 60))).toBe("2025-07-15T22:00:00.000Z");
    expect(iso(localToUtc("Asia/Taipei", day(2024, 11, 20), 15 * 60))).toBe("2024-11-20T07:00:00.000Z");
  });

  it("sessions on the days daylight saving starts and ends keep their local clock times", () => {
    const es = requireContract("ES");
    // 2025-03-09 (US clocks spring forward) is a Sunday: the week opens at 17:00 CDT = 22:00 UTC.
    const spring = scheduledSessions(es, Date.UTC(2025, 2, 9), Date.UTC(2025, 2, 10));
    expect([...spring.open].map(iso)).toContain("2025-03-09T22:00:00.000Z");
    // 2025-11-02 (clocks fall back), Sunday: 17:00 CST = 23:00 UTC.
    const fall = scheduledSessions(es, Date.UTC(2025, 10, 2), Date.UTC(2025, 10, 3));
    expect([...fall.open].map(iso)).toContain("2025-11-02T23:00:00.000Z");
  });
});

describe("scheduled sessions", () => {
  it("CME Globex: Sunday–Thursday 17:00 CT opens, closing 16:00 CT the next day; nothing opens Friday or Saturday", () => {
    const t = scheduledSessions(requireContract("ES"), Date.UTC(2025, 0, 10), Date.UTC(2025, 0, 13));
    const inRange = [...t.open.keys()].filter(
      (k) => t.open[k]! >= Date.UTC(2025, 0, 10) && t.open[k]! < Date.UTC(2025, 0, 14),
    );
    expect(inRange.map((k) => `${iso(t.open[k]!)} → ${iso(t.close[k]!)}`)).toEqual([
      "2025-01-12T23:00:00.000Z → 2025-01-13T22:00:00.000Z", // Sunday 17:00 CT → Monday 16:00 CT
      "2025-01-13T23:00:00.000Z → 2025-01-14T22:00:00.000Z",
    ]);
  });

  it("TAIFEX: 08:45–13:45 and 15:00–05:00 (+1) Taipei, Monday–Friday opens; Friday's night session ends Saturday 05:00", () => {
    const t = scheduledSessions(requireContract("TX"), Date.UTC(2024, 10, 8), Date.UTC(2024, 10, 8));
    const fri = [...t.open.keys()].filter((k) => iso(t.open[k]!).startsWith("2024-11-08"));
    expect(fri.map((k) => `${iso(t.open[k]!)} → ${iso(t.close[k]!)}`)).toEqual([
      "2024-11-08T00:45:00.000Z → 2024-11-08T05:45:00.000Z",
      "2024-11-08T07:00:00.000Z → 2024-11-08T21:00:00.000Z",
    ]);
  });

  it("the synthetic generator's bars all lie in SYNTH sessions, and its daily halts are exactly the session breaks", () => {
    const bars = generateSynthBars({ bars: 20_000, seed: 3 });
    const synth = requireContract("SYNTH");
    const { table, index } = sessionsOfBars(synth, bars.ts);
    const halts: number[] = [];
    const outside: string[] = [];
    for (let i = 0; i < bars.length; i++) {
      const k = index[i]!;
      if (!(bars.ts[i]! >= table.open[k]! && bars.ts[i]! < table.close[k]!)) outside.push(iso(bars.ts[i]!));
      if (i > 0 && bars.ts[i]! - bars.ts[i - 1]! > MINUTE_MS) halts.push(i);
    }
    expect(outside).toEqual([]);
    expect([...sessionBreakRows(synth, bars.ts)]).toEqual(halts);
    expect(halts.length).toBeGreaterThan(10);
  });
});

describe("expected rolls from the roll rules", () => {
  it("TX: the after-hours open (15:00 Taipei) of the third Wednesday, the rolls of the TX file", () => {
    const rolls = expectedRolls(requireContract("TX"), Date.UTC(2024, 10, 4), Date.UTC(2025, 1, 4));
    expect(rolls.map((r) => `${r.contractMonth} ${iso(r.effective)}`)).toEqual([
      "2024-11 2024-11-20T07:00:00.000Z",
      "2024-12 2024-12-18T07:00:00.000Z",
      "2025-01 2025-01-15T07:00:00.000Z",
    ]);
  });

  it("ES: CME's roll date, 8 days before the third-Friday expiry (ESZ4: expiry Fri 2024-12-20, roll Thu 2024-12-12), effective at that evening's 17:00 CT open", () => {
    const rolls = expectedRolls(requireContract("ES"), Date.UTC(2024, 10, 1), Date.UTC(2025, 5, 30));
    expect(rolls.map((r) => `${r.contractMonth} ${iso(r.effective)}`)).toEqual([
      "2024-12 2024-12-12T23:00:00.000Z",
      "2025-03 2025-03-13T22:00:00.000Z",
      "2025-06 2025-06-12T22:00:00.000Z",
    ]);
  });

  it("date rules: CL Feb 2025 last trading day 2025-01-21 (the 25th is a Saturday: 4 business days before); GC Feb 2025 first notice day 2025-01-31", () => {
    const cl = requireContract("CL").roll!;
    expect(iso(ruleDay(cl.reference, 2025, 2) * 86_400_000)).toBe("2025-01-21T00:00:00.000Z");
    const gc = requireContract("GC").roll!;
    expect(iso(ruleDay(gc.reference, 2025, 2) * 86_400_000)).toBe("2025-01-31T00:00:00.000Z");
    // Holidays are not modelled: CL Jan 2025 traded last on 2024-12-19 because the 25th was Christmas
    // (a Wednesday); the rule, counting weekends only, gives 2024-12-20.
    expect(iso(ruleDay(cl.reference, 2025, 1) * 86_400_000)).toBe("2024-12-20T00:00:00.000Z");
  });
});

describe("the real files' bars against their contract's sessions", () => {
  const tx = realDataPath("tx");
  it.skipIf(!tx)(
    "TX: every bar is in a TAIFEX session and the session breaks are exactly the file's gaps over 30 minutes",
    async () => {
      const { bars } = await loadBars(tx!);
      const c = requireContract("TX");
      const { table, index } = sessionsOfBars(c, bars.ts);
      // The closing print stamped at the close minute (13:45) still belongs to its session.
      const outside = [...bars.ts].filter((t, i) => !(t <= table.close[index[i]!]!));
      expect(outside.map(iso)).toEqual([]);
      const gaps: number[] = [];
      for (let i = 1; i < bars.length; i++) if (bars.ts[i]! - bars.ts[i - 1]! > 30 * MINUTE_MS) gaps.push(i);
      expect([...sessionBreakRows(c, bars.ts)]).toEqual(gaps);
      expect(gaps.length).toBe(115);
    },
  );

  const es = realDataPath("es");
  it.skipIf(!es)(
    "ES: every bar is in a Globex session; the 12 gaps over 30 minutes inside a session are data holes, not breaks",
    async () => {
      const { bars } = await loadBars(es!);
      const c = requireContract("ES");
      const { table, index } = sessionsOfBars(c, bars.ts);
      const outside = [...bars.ts].filter((t, i) => !(t < table.close[index[i]!]!));
      expect(outside.map(iso)).toEqual([]);
      const breaks = new Set(sessionBreakRows(c, bars.ts));
      const holes: string[] = [];
      for (let i = 1; i < bars.length; i++) {
        const gap = bars.ts[i]! - bars.ts[i - 1]! > 30 * MINUTE_MS;
        if (breaks.has(i) && !gap) holes.push(`break without a gap at row ${i}`);
        else if (!breaks.has(i) && gap) holes.push(iso(bars.ts[i - 1]!).slice(0, 10));
      }
      expect(breaks.size).toBe(265);
      // SOURCES.md names the missing sessions of 2024-12-18, 2025-01-15 and 2025-05-28 among them.
      expect(holes).toHaveLength(12);
      expect(holes).toEqual(expect.arrayContaining(["2024-12-18", "2025-01-15", "2025-05-28"]));
    },
  );
});
