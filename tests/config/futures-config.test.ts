/**
 * `symbol` selects a registered contract: tick size and tick value come from it unless overridden;
 * costs are given once in money (commission per contract per side) and ticks (slippage), and the
 * labels' cost term is derived from the same figures.
 */
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { parseConfig } from "../../src/config/load.ts";
import { ConfigError } from "../../src/core/errors.ts";

const yaml = (text: string) => parseYaml(text) as unknown;

function errorOf(raw: unknown): string {
  try {
    parseConfig(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected the config to be refused");
}

describe("config: the contract", () => {
  it("defaults to SYNTH (tick 0.25 = $12.50) and derives every cost figure from it", () => {
    const c = parseConfig({});
    expect([c.symbol, c.tick_size, c.tick_value]).toEqual(["SYNTH", 0.25, 12.5]);
    // Commission default: half a tick's value per side (one tick round trip), as before.
    expect(c.backtest).toMatchObject({ commission_per_side: 6.25, cost_ticks: 1, slippage_ticks: 0.5 });
    // Labels: the same round trip, 2 × (6.25 / 12.5 + 0.5) = 2 ticks.
    expect(c.labels.cost_ticks).toBe(2);
    expect(c.labels.span_sessions).toBe(false);
    expect(c.rolls).toEqual({ handling: "adjust_ratio", suspect_gap_ratio: 25, suspect_min_ticks: 1 });
  });

  it("symbol selects the contract's tick size and value; tick_size and tick_value override them", () => {
    expect(parseConfig({ symbol: "TX" })).toMatchObject({ tick_size: 1, tick_value: 200 });
    expect(parseConfig({ symbol: "MES" })).toMatchObject({ tick_size: 0.25, tick_value: 1.25 });
    expect(parseConfig({ symbol: "CL", tick_size: 0.05, tick_value: 50 })).toMatchObject({
      tick_size: 0.05,
      tick_value: 50,
    });
  });

  it("an unknown symbol is refused with the list of known contracts", () => {
    expect(errorOf({ symbol: "ZZZ" })).toBe(
      'symbol: unknown contract "ZZZ"; known contracts: CL, ES, GC, MCL, MES, MGC, MNQ, MTX, NQ, SYNTH, TX',
    );
  });
});

describe("config: costs in money, the same figures for labels and backtest", () => {
  it("commission per side in the contract's currency is converted to ticks through the tick value", () => {
    // TX: NT$50 a side = 0.25 tick (NT$200 a tick); round trip 0.5 tick; slippage 1 tick a side.
    const c = parseConfig(yaml("symbol: TX\nbacktest: {commission_per_side: 50, slippage_ticks: 1}"));
    expect(c.backtest).toMatchObject({ commission_per_side: 50, cost_ticks: 0.5, slippage_ticks: 1 });
    expect(c.labels.cost_ticks).toBe(0.5 + 2 * 1);
  });

  it("the older round-trip commission in ticks (backtest.cost_ticks) still works and sets the money figure", () => {
    const c = parseConfig(yaml("symbol: TX\nbacktest: {cost_ticks: 2, slippage_ticks: 1}"));
    expect(c.backtest).toMatchObject({ commission_per_side: 200, cost_ticks: 2 });
    expect(c.labels.cost_ticks).toBe(4);
  });

  it("labels.cost_ticks, when given, overrides the derived figure", () => {
    expect(parseConfig(yaml("labels: {cost_ticks: 1}")).labels.cost_ticks).toBe(1);
  });

  it("commission given twice in disagreeing units is refused", () => {
    expect(errorOf(yaml("symbol: ES\nbacktest: {commission_per_side: 2.5, cost_ticks: 1}"))).toBe(
      "backtest.cost_ticks: is 2 × commission_per_side / tick_value = 0.4 when both are given, was 1; give one of the two",
    );
    expect(errorOf(yaml("backtest: {commission_per_side: -1}"))).toBe(
      "backtest.commission_per_side: must be >= 0, was -1",
    );
  });

  it("a parsed config parses again to itself (the bundle's config.json is a valid config)", () => {
    for (const text of [
      "{}",
      "symbol: TX\nbacktest: {commission_per_side: 50}",
      "symbol: ES\ntick_value: 10",
    ]) {
      const once = parseConfig(yaml(text));
      expect(parseConfig(JSON.parse(JSON.stringify(once)))).toEqual(once);
    }
  });

  it("roll handling is one of the documented choices", () => {
    expect(parseConfig(yaml("rolls: {handling: mask}")).rolls.handling).toBe("mask");
    expect(errorOf(yaml("rolls: {handling: panama}"))).toMatch(
      /^rolls\.handling: must be one of "adjust_ratio", "adjust_difference", "mask", "none", was "panama"$/,
    );
  });
});
