/**
 * Rolls from a calendar file and, with neither a contract column nor a calendar, the heuristic
 * detector: on the TX file with its contract column dropped it finds the three rolls, and nothing
 * else, as warnings; nothing is adjusted.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.ts";
import { requireContract } from "../../src/contracts/index.ts";
import { ConfigError } from "../../src/core/errors.ts";
import type { Bars } from "../../src/data/bars.ts";
import type { ContractRuns } from "../../src/data/contract-runs.ts";
import { loadBars } from "../../src/data/ingest/index.ts";
import { generateSynthBars } from "../../src/data/synth/index.ts";
import {
  detectRollSuspects,
  prepareFutures,
  rollsFromCalendar,
  rollsFromContracts,
} from "../../src/rolls/index.ts";
import { realDataPath } from "../helpers/real-data.ts";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "mlf-detect-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tx = realDataPath("tx");

describe.skipIf(!tx)("TX", () => {
  let bars: Bars;
  let contracts: ContractRuns;
  beforeAll(async () => {
    const loaded = await loadBars(tx!);
    bars = loaded.bars;
    contracts = loaded.contracts!;
  });

  it("with the contract column dropped, the detector warns of exactly the three rolls and adjusts nothing", () => {
    const config = parseConfig({ symbol: "TX" });
    const ctx = prepareFutures(config, bars, null);
    expect(ctx.rollSource).toBe("none");
    expect(ctx.rolls).toEqual([]);
    const suspects = ctx.detector!.suspects;
    expect(suspects.map((s) => [s.row, new Date(s.ts).toISOString(), s.gap, s.evidence])).toEqual([
      [13_646, "2024-11-20T07:00:00.000Z", 119, ["roll_rule"]],
      [36_366, "2024-12-18T07:00:00.000Z", 91, ["roll_rule"]],
      [57_691, "2025-01-15T07:00:00.000Z", 11, ["roll_rule"]],
    ]);
    // The same rows as the contract column says.
    expect(suspects.map((s) => s.row)).toEqual(rollsFromContracts(bars, contracts).map((r) => r.row));
    expect(ctx.warnings).toHaveLength(3);
    expect(ctx.warnings[0]).toBe(
      "suspected contract roll at 2024-11-20T07:00:00.000Z (bar 13647): the price gaps +119 (+119 ticks; 5.9× the median session gap for its length) at the session open where TX's roll rule puts the roll of its 2024-11 contract; not adjusted: add a contract column to the data or give rolls.calendar so it can be handled",
    );
  });

  it("why the roll rule and not the price: the rolls' gaps are ordinary for TX session opens", () => {
    const r = detectRollSuspects(bars, requireContract("TX"), {
      suspect_gap_ratio: 25,
      suspect_min_ticks: 1,
      tick_size: 1,
    });
    expect(r.boundaries).toBe(115);
    expect(r.medianGap).toBe(26);
    expect(r.suspects.map((s) => Number(s.gapRatio.toFixed(1)))).toEqual([5.9, 4.4, 0.5]);
    // A genuine move at an ordinary session open (2025-01-16 15:00, +288 points) scores higher than any roll.
    expect(Number(r.largestOtherGapRatio.toFixed(1))).toBe(15.3);
  });

  it("a roll calendar file gives the same rolls as the contract column", () => {
    const path = join(dir, "tx-rolls.csv");
    writeFileSync(
      path,
      "timestamp,from,to\n2024-11-20T15:00:00+08:00,TX202411,TX202412\n2024-12-18T15:00:00+08:00,TX202412,TX202501\n2025-01-15T15:00:00+08:00,TX202501,TX202502\n2025-02-19T15:00:00+08:00,TX202502,TX202503\n",
    );
    expect(rollsFromCalendar(bars, path)).toEqual(rollsFromContracts(bars, contracts));
    const ctx = prepareFutures(parseConfig({ symbol: "TX", rolls: { calendar: path } }), bars, null);
    expect([ctx.rollSource, ctx.rolls.length, ctx.warnings]).toEqual(["calendar", 3, []]);
    // With the contract column present the calendar is ignored, with a warning.
    const both = prepareFutures(parseConfig({ symbol: "TX", rolls: { calendar: path } }), bars, contracts);
    expect(both.rollSource).toBe("contract_column");
    expect(both.warnings[0]).toMatch(/is ignored: the data's contract column names the rolls/);
  });

  it("handling none keeps the rolls but says that nothing is done about them", () => {
    const ctx = prepareFutures(parseConfig({ symbol: "TX", rolls: { handling: "none" } }), bars, contracts);
    expect(ctx.warnings).toEqual([
      "rolls.handling is none: 3 known roll(s) are ignored, so returns, labels and indicators span their price jumps",
    ]);
  });
});

describe("roll calendar files: refusals", () => {
  const bars = generateSynthBars({ bars: 3000, seed: 1 });
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  it("a missing file, a missing timestamp column, a timestamp without offset, unsorted entries", () => {
    expect(() => rollsFromCalendar(bars, join(dir, "nope.csv"))).toThrow(ConfigError);
    expect(() => rollsFromCalendar(bars, write("a.csv", "date\n2024-01-02\n"))).toThrow(/timestamp column/);
    expect(() => rollsFromCalendar(bars, write("b.csv", "timestamp\n2024-01-02T10:00:00\n"))).toThrow(
      /line 2: timestamp "2024-01-02T10:00:00" is not ISO-8601 with a UTC offset/,
    );
    expect(() =>
      rollsFromCalendar(bars, write("c.csv", "timestamp\n2024-01-03T10:00:00Z\n2024-01-02T10:00:00Z\n")),
    ).toThrow(/ascending/);
  });
  it("entries outside the data are ignored; an entry rolls at the first bar at or after it", () => {
    const at = new Date(bars.ts[1500]! - 30_000).toISOString();
    const rolls = rollsFromCalendar(
      bars,
      write("d.csv", `timestamp\n2020-01-01T00:00:00Z\n${at}\n2030-01-01T00:00:00Z\n`),
    );
    expect(rolls.map((r) => r.row)).toEqual([1500]);
    expect(rolls[0]!.gap).toBe(bars.open[1500]! - bars.close[1499]!);
  });
});

describe("synthetic data", () => {
  it("SYNTH has no roll rule, and the generator's session gaps raise no suspicion", () => {
    const bars = generateSynthBars({ bars: 50_000, seed: 7 });
    const ctx = prepareFutures(parseConfig({}), bars, null);
    expect(ctx.detector!.suspects).toEqual([]);
    expect(ctx.warnings).toEqual([]);
    expect(ctx.sessionBreaks.length).toBeGreaterThan(30);
  });
});
