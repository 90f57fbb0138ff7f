/**
 * The backtest in money: a hand-computed example with commission per contract and slippage in ticks
 * (ES-like: tick 0.25 = $12.50, $50 a point), per-regime money adding up to the whole, and the roll
 * rule (no position is held across a break).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DataError } from "../../src/core/errors.ts";
import {
  BacktestMetricsSchema,
  backtestByRegime,
  runBacktest,
  simulateBacktest,
} from "../../src/evaluation/backtest.ts";

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 14, 30);
const F = (xs: number[]) => Float64Array.from(xs);
const minutes = (n: number) => Float64Array.from({ length: n }, (_, i) => T0 + i * MIN);

// Commission $2.50 per contract per side = 0.2 tick → 0.4 tick round trip; slippage 0.5 tick = $6.25 a side.
const ES = { tick_size: 0.25, tick_value: 12.5, currency: "USD", cost_ticks: 0.4, slippage_ticks: 0.5 };

describe("backtest P&L in money: hand-computed", () => {
  // signal 0.6 0.6 0.3 0.5 0.6 NaN → pos +1 +1 −1 0 +1 0 (the last bar is always flat).
  const input = {
    timestamp: minutes(6),
    close: F([100, 101, 102, 100, 99, 99.2]),
    signal: F([0.6, 0.6, 0.3, 0.5, 0.6, Number.NaN]),
    start: 0,
    end: 6,
  };

  it("gross = Σ pos·Δclose·$50; each side pays $2.50 commission and $6.25 slippage", () => {
    // Gross: +1·(101−100)·50 = 50, +1·(102−101)·50 = 50, −1·(100−102)·50 = 100, 0, +1·(99.2−99)·50 = 10.
    // Sides: |Δpos| = 1, 0, 2, 1, 1, 1 = 6 → commission 6 · 2.50 = 15, slippage 6 · 6.25 = 37.50.
    const m = runBacktest(input, ES);
    expect(m.money).toBeDefined();
    const money = m.money!;
    expect(money.currency).toBe("USD");
    expect(money.point_value).toBe(50);
    expect(money.gross_pnl).toBeCloseTo(210, 9);
    expect(money.commission).toBeCloseTo(15, 9);
    expect(money.slippage).toBeCloseTo(37.5, 9);
    expect(money.net_pnl).toBeCloseTo(157.5, 9);
    // Trades: long 0→2: 100 − 2·8.75 = 82.50; short 2→3: 100 − 17.50 = 82.50; long 4→5: 10 − 17.50 = −7.50.
    const path = simulateBacktest(input, ES);
    expect([...path.money!.tradeNet].map((x) => Number(x.toFixed(9)))).toEqual([82.5, 82.5, -7.5]);
    expect(money.avg_trade_pnl).toBeCloseTo(157.5 / 3, 9);
    // Equity: 41.25, 91.25, 173.75, 165, 166.25, 157.50: peak 173.75 → 157.50 = 16.25.
    expect(money.max_drawdown).toBeCloseTo(16.25, 9);
    expect(BacktestMetricsSchema.parse(m)).toEqual(m);
  });

  it("the return metrics are the same with or without money", () => {
    const { money, ...returns } = runBacktest(input, ES);
    expect(money).toBeDefined();
    const { tick_value: _v, currency: _c, ...noMoney } = ES;
    expect(runBacktest(input, noMoney)).toEqual(returns);
  });

  it("TX: NT$200 a point, commission NT$50 a side (0.25 tick), slippage 1 tick", () => {
    // Long 1 contract from 23000 to 23010: gross 10 points · 200 = 2,000; two sides of 50 + 200 = 500.
    const tx = {
      timestamp: minutes(3),
      close: F([23000, 23010, 23005]),
      signal: F([0.9, 0.5, 0.5]),
      start: 0,
      end: 3,
    };
    const m = runBacktest(tx, {
      tick_size: 1,
      tick_value: 200,
      currency: "TWD",
      cost_ticks: 0.5,
      slippage_ticks: 1,
    });
    expect(m.money).toMatchObject({
      currency: "TWD",
      gross_pnl: 2000,
      commission: 100,
      slippage: 400,
      net_pnl: 1500,
    });
  });
});

describe("backtest: no position across a break (a contract roll)", () => {
  it("the bar before a break is flat: the jump is never earned, and the exit and re-entry are charged", () => {
    const input = {
      timestamp: minutes(6),
      close: F([100, 101, 102, 130, 131, 132]),
      signal: F([0.9, 0.9, 0.9, 0.9, 0.9, 0.9]),
      start: 0,
      end: 6,
      breaks: Int32Array.of(3),
    };
    const path = simulateBacktest(input, ES);
    expect([...path.position]).toEqual([1, 1, 0, 1, 1, 0]);
    const m = runBacktest(input, ES);
    // Gross: (101−100) + (102−101) + (131−130) + (132−131) = 4 points = $200; the 102 → 130 jump is not earned.
    expect(m.money!.gross_pnl).toBeCloseTo(200, 9);
    expect(m.trades).toBe(2);
    const { breaks: _roll, ...unbroken } = input;
    const without = runBacktest(unbroken, ES);
    expect(without.money!.gross_pnl).toBeCloseTo(200 + 28 * 50, 9);
  });

  it("refuses break rows that are unsorted or outside the data", () => {
    const input = {
      timestamp: minutes(3),
      close: F([1, 2, 3]),
      signal: F([0.5, 0.5, 0.5]),
      start: 0,
      end: 3,
    };
    expect(() => runBacktest({ ...input, breaks: Int32Array.of(2, 1) }, ES)).toThrow(DataError);
    expect(() => runBacktest({ ...input, breaks: Int32Array.of(0) }, ES)).toThrow(/break rows/);
  });
});

describe("backtest money: properties", () => {
  const market = fc.array(
    fc.record({
      step: fc.integer({ min: -8, max: 8 }),
      p: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(Number.NaN)),
      regime: fc.integer({ min: -1, max: 2 }),
    }),
    { minLength: 2, maxLength: 80 },
  );
  it("net = gross − commission − slippage = Σ trade nets, and regimes add up to the whole", () => {
    fc.assert(
      fc.property(market, (rows) => {
        let price = 4000;
        const close = F(rows.map((r) => (price = Math.max(1, price + r.step * 0.25))));
        const input = {
          timestamp: minutes(rows.length),
          close,
          signal: F(rows.map((r) => r.p)),
          start: 0,
          end: rows.length,
        };
        const m = runBacktest(input, ES).money!;
        expect(m.net_pnl).toBeCloseTo(m.gross_pnl - m.commission - m.slippage, 6);
        const path = simulateBacktest(input, ES);
        const tradeSum = path.money!.tradeNet.reduce((s, x) => s + x, 0);
        expect(tradeSum).toBeCloseTo(m.net_pnl, 6);
        const parts = backtestByRegime(input, ES, Int8Array.from(rows.map((r) => r.regime)), [
          "low",
          "mid",
          "high",
        ]);
        const sum = parts.reduce((s, p) => s + p.metrics.money!.net_pnl, 0);
        expect(sum).toBeCloseTo(m.net_pnl, 6);
      }),
      { numRuns: 200 },
    );
  });
});
