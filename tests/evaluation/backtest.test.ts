import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError, DataError } from "../../src/core/errors.ts";
import {
  BacktestMetricsSchema,
  backtestByRegime,
  dailySharpe,
  RegimeBacktestSchema,
  runBacktest,
  SHARPE_ANNUALISATION,
  simulateBacktest,
} from "../../src/evaluation/backtest.ts";
import { f64, goldens, close as near } from "./goldens.ts";

const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5, 14, 30); // a Monday afternoon, UTC
const F = (xs: number[]) => Float64Array.from(xs);
const minutes = (n: number, t0 = T0) => Float64Array.from({ length: n }, (_, i) => t0 + i * MIN);
const TICK = { tick_size: 0.25 };

describe("runBacktest: hand-computed example", () => {
  // tick 0.25, cost 1 tick round trip, slippage 0.5 tick per side → one side = (0.5 + 0.5) · 0.25 = 0.25.
  // signal 0.6 0.6 0.3 0.5 0.6 NaN → pos +1 +1 −1 0 +1 0 (the last bar is always flat).
  const close = F([100, 101, 102, 100, 99, 99.2]);
  const signal = F([0.6, 0.6, 0.3, 0.5, 0.6, Number.NaN]);
  const input = { timestamp: minutes(6), close, signal, start: 0, end: 6 };
  const side = (c: number) => 0.25 / c;
  const gross = [101 / 100 - 1, 102 / 101 - 1, -(100 / 102 - 1), 0, 99.2 / 99 - 1, 0];
  const cost = [side(100), 0, 2 * side(102), side(100), side(99), side(99.2)];

  it("per-bar path: positions, gross, costs (a flip pays two sides), equity", () => {
    const path = simulateBacktest(input, TICK);
    expect([...path.position]).toEqual([1, 1, -1, 0, 1, 0]);
    expect([...path.positionChange]).toEqual([1, 0, 2, 1, 1, 1]);
    expect([...path.gross]).toEqual(gross);
    expect([...path.cost]).toEqual(cost);
    let e = 0;
    path.pnl.forEach((v, i) => {
      expect(v).toBe(gross[i] - cost[i]);
      e += v;
      expect(path.equity[i]).toBe(e);
    });
    expect([...path.trades.entry]).toEqual([0, 2, 4]);
    expect([...path.trades.exit]).toEqual([2, 3, 5]);
    expect([...path.trades.side]).toEqual([1, -1, 1]);
  });

  it("metrics", () => {
    const m = runBacktest(input, TICK);
    const total = gross.reduce((s, g, i) => s + g - cost[i], 0);
    // gross 0.0100 + 0.0099 + 0.0196 + 0 + 0.0020 = 0.0415; costs 0.0025 + 0.0049 + 0.0025 + 0.0025 + 0.0025 = 0.0149
    expect(m.total_return).toBeCloseTo(total, 15);
    expect(m.total_return).toBeCloseTo(0.026582, 6);
    expect(m.gross_return).toBeCloseTo(
      gross.reduce((s, g) => s + g, 0),
      15,
    );
    expect(m.total_cost).toBeCloseTo(
      cost.reduce((s, c) => s + c, 0),
      15,
    );
    expect(m.bars).toBe(6);
    expect(m.days).toBe(1);
    expect(m.trades).toBe(3);
    const nets = [
      gross[0] + gross[1] - side(100) - side(102), // long 0 → 2: +0.0150
      gross[2] - side(102) - side(100), //            short 2 → 3: +0.0147
      gross[4] - side(99) - side(99.2), //            long 4 → 5: −0.0030
    ];
    expect(nets[2]).toBeLessThan(0);
    expect(m.win_rate).toBe(2 / 3);
    expect(m.avg_trade_return).toBeCloseTo((nets[0] + nets[1] + nets[2]) / 3, 15);
    // equity 0.0075, 0.0174, 0.0321, 0.0296, 0.0291, 0.0266: from the peak after bar 2 to the end,
    // −(pnl[3] + pnl[4] + pnl[5]) = side(100) + side(99) + side(99.2) − gross[4] ≈ 0.0055.
    expect(m.max_drawdown).toBeCloseTo(side(100) + side(99) + side(99.2) - gross[4], 15);
    expect(m.max_drawdown).toBeCloseTo(0.0055252, 7);
    expect(m.turnover_per_day).toBe(6);
    expect(m.exposure).toBe(4 / 6);
    expect(m.sharpe).toBeNull();
    expect(m.sharpe_annualisation).toBe(SHARPE_ANNUALISATION);
    expect(BacktestMetricsSchema.parse(m)).toEqual(m);
  });

  it("allow_short false: the short bar is flat instead", () => {
    const path = simulateBacktest(input, { ...TICK, allow_short: false });
    expect([...path.position]).toEqual([1, 1, 0, 0, 1, 0]);
  });

  it("only [start, end) is used: rows outside never matter", () => {
    const wide = {
      timestamp: minutes(9, T0 - 2 * MIN),
      close: F([1, 2, ...close, 7]),
      signal: F([0.9, 0.1, ...signal, 0.9]),
      start: 2,
      end: 8,
    };
    expect(runBacktest(wide, TICK)).toEqual(runBacktest(input, TICK));
    expect([...simulateBacktest(wide, TICK).trades.entry]).toEqual([2, 4, 6]);
  });
});

describe("runBacktest: simple cases", () => {
  it("a flat signal: zero return, zero trades, zero exposure", () => {
    const n = 50;
    const input = {
      timestamp: minutes(n),
      close: Float64Array.from({ length: n }, (_, i) => 100 + Math.sin(i)),
      signal: new Float64Array(n).fill(0.5),
      start: 0,
      end: n,
    };
    const m = runBacktest(input, TICK);
    expect(m).toMatchObject({ total_return: 0, total_cost: 0, trades: 0, exposure: 0, max_drawdown: 0 });
    expect(m.win_rate).toBeNull();
    expect(m.avg_trade_return).toBeNull();
    const nan = runBacktest({ ...input, signal: new Float64Array(n).fill(Number.NaN) }, TICK);
    expect(nan.trades).toBe(0);
  });

  it("a one-bar segment is flat", () => {
    const m = runBacktest(
      { timestamp: minutes(1), close: F([100]), signal: F([0.9]), start: 0, end: 1 },
      TICK,
    );
    expect(m).toMatchObject({ bars: 1, trades: 0, total_return: 0, exposure: 0 });
  });

  it("daily Sharpe: P&L grouped by UTC day (23:59 and 00:00 are different days), mean/std·√252", () => {
    // golden: numpy x.mean() / x.std(ddof=1) * sqrt(252) for [0.01, −0.005, 0.02].
    expect(dailySharpe([0.01, -0.005, 0.02])).toBeCloseTo(10.513149660756937, 12);
    expect(dailySharpe([0.01])).toBeNull();
    expect(dailySharpe([0.1, 0.1, 0.1])).toBeNull();
    // Long every bar but the last; with zero costs each bar earns close[t+1]/close[t] − 1.
    const day2 = Date.UTC(2026, 0, 6);
    const ts = F([day2 - 2 * MIN, day2 - MIN, day2, day2 + MIN, day2 + DAY + 5 * MIN, day2 + DAY + 6 * MIN]);
    const close = F([100, 101, 100, 102, 102, 103]);
    const m = runBacktest(
      { timestamp: ts, close, signal: F([1, 1, 1, 1, 1, 1]), start: 0, end: 6 },
      { ...TICK, cost_ticks: 0, slippage_ticks: 0 },
    );
    const r = (a: number, b: number) => b / a - 1;
    const daily = [r(100, 101) + r(101, 100), r(100, 102) + r(102, 102), r(102, 103) + 0];
    expect(m.days).toBe(3);
    expect(m.sharpe).toBeCloseTo(dailySharpe(daily)!, 12);
    expect(m.turnover_per_day).toBeCloseTo(2 / 3, 15);
  });

  it("bad parameters and inputs are typed errors naming the field", () => {
    const input = {
      timestamp: minutes(3),
      close: F([1, 2, 3]),
      signal: F([0.5, 0.5, 0.5]),
      start: 0,
      end: 3,
    };
    expect(() => runBacktest(input, { tick_size: 0 })).toThrow(ConfigError);
    expect(() => runBacktest(input, { tick_size: 0.25, long_threshold: 0.4 })).toThrow(
      /backtest\.short_threshold: short_threshold must be below long_threshold/,
    );
    expect(() => runBacktest({ ...input, end: 4 }, TICK)).toThrow(DataError);
    expect(() => runBacktest({ ...input, close: F([1, 0, 3]) }, TICK)).toThrow(/close at row 1/);
    expect(() => runBacktest({ ...input, timestamp: F([3, 2, 1]) }, TICK)).toThrow(/strictly ascending/);
    expect(() => runBacktest({ ...input, signal: F([0.5, 2, 0.5]) }, TICK)).toThrow(/signal at row 1/);
  });
});

describe("runBacktest: reference implementation golden (numpy/pandas, gaps across 13 UTC days)", () => {
  const g = goldens.backtest;
  const input = {
    timestamp: F(g.timestamp),
    close: F(g.close),
    signal: f64(g.signal),
    start: g.start,
    end: g.end,
  };

  it("every metric matches", () => {
    const m = runBacktest(input, g.params);
    for (const [key, want] of Object.entries(g.expected)) {
      const got = m[key as keyof typeof m] as number;
      expect(near(got, want, 1e-10), `${key}: ${got} vs ${want}`).toBe(true);
    }
  });

  it("the equity curve matches bar by bar", () => {
    const path = simulateBacktest(input, g.params);
    g.equity.forEach((want, i) => {
      expect(near(path.equity[i], want, 1e-12)).toBe(true);
    });
  });
});

// Random markets: closes on a tick grid, signals with NaN, gaps, several days.
const market = fc
  .array(
    fc.record({
      step: fc.integer({ min: -8, max: 8 }),
      p: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(Number.NaN)),
      gap: fc.oneof(
        { weight: 9, arbitrary: fc.constant(1) },
        { weight: 1, arbitrary: fc.integer({ min: 2, max: 2000 }) },
      ),
      regime: fc.integer({ min: -1, max: 2 }),
    }),
    { minLength: 2, maxLength: 120 },
  )
  .map((rows) => {
    let c = 4000;
    let t = T0;
    const close = new Float64Array(rows.length);
    const timestamp = new Float64Array(rows.length);
    rows.forEach((r, i) => {
      c = Math.max(1, c + 0.25 * r.step);
      t += r.gap * MIN;
      close[i] = c;
      timestamp[i] = t;
    });
    return {
      timestamp,
      close,
      signal: Float64Array.from(rows, (r) => r.p),
      regime: Int8Array.from(rows, (r) => r.regime),
      start: 0,
      end: rows.length,
    };
  });

describe("runBacktest: properties", () => {
  it("causal: changing signal after t never changes the equity through bar t (marked at close[t+1])", () => {
    fc.assert(
      fc.property(market, fc.nat(), fc.double({ min: 0, max: 1, noNaN: true }), (m, k, v) => {
        const t = k % m.close.length;
        const changed = Float64Array.from(m.signal);
        for (let s = t + 1; s < changed.length; s++) changed[s] = (changed[s] + v) % 1 || v;
        const a = simulateBacktest(m, TICK);
        const b = simulateBacktest({ ...m, signal: changed }, TICK);
        for (let i = 0; i <= t; i++) expect(b.equity[i]).toBe(a.equity[i]);
      }),
    );
  });

  it("more commission or slippage never gives more return; zero cost gives the gross", () => {
    fc.assert(
      fc.property(
        market,
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (m, c, extra) => {
          const base = runBacktest(m, { ...TICK, cost_ticks: c, slippage_ticks: c / 2 });
          const more = runBacktest(m, { ...TICK, cost_ticks: c + extra, slippage_ticks: c / 2 });
          const slip = runBacktest(m, { ...TICK, cost_ticks: c, slippage_ticks: c / 2 + extra });
          expect(more.total_return).toBeLessThanOrEqual(base.total_return + 1e-15);
          expect(slip.total_return).toBeLessThanOrEqual(base.total_return + 1e-15);
          const free = runBacktest(m, { ...TICK, cost_ticks: 0, slippage_ticks: 0 });
          expect(free.total_return).toBe(free.gross_return);
          expect(free.gross_return).toBe(base.gross_return);
        },
      ),
    );
  });

  it("trades' net returns add up to the total return; the last bar is flat; metrics fit the schema", () => {
    fc.assert(
      fc.property(market, (m) => {
        const path = simulateBacktest(m, TICK);
        const sum = path.trades.net.reduce((s, v) => s + v, 0);
        expect(sum).toBeCloseTo(path.equity[path.equity.length - 1], 12);
        expect(path.position[path.position.length - 1]).toBe(0);
        expect(path.trades.entry.length).toBe(path.trades.exit.length);
        BacktestMetricsSchema.parse(runBacktest(m, TICK));
      }),
    );
  });
});

describe("backtestByRegime", () => {
  const names = ["low", "mid", "high"];

  it("the regimes' P&L, costs, bars and trades add up to the full backtest", () => {
    fc.assert(
      fc.property(market, (m) => {
        const full = runBacktest(m, TICK);
        const parts = backtestByRegime(m, TICK, m.regime, names);
        RegimeBacktestSchema.parse(parts);
        const sum = (f: (x: (typeof parts)[number]["metrics"]) => number) =>
          parts.reduce((s, p) => s + f(p.metrics), 0);
        expect(sum((x) => x.total_return)).toBeCloseTo(full.total_return, 12);
        expect(sum((x) => x.gross_return)).toBeCloseTo(full.gross_return, 12);
        expect(sum((x) => x.total_cost)).toBeCloseTo(full.total_cost, 12);
        expect(sum((x) => x.bars)).toBe(full.bars);
        expect(sum((x) => x.trades)).toBe(full.trades);
        expect(parts.slice(0, 3).map((p) => p.regime)).toEqual(names);
        expect(parts.length).toBe(m.regime.includes(-1) ? 4 : 3);
      }),
    );
  });

  it("attributes each bar to its regime at t and each trade to its entry bar's regime", () => {
    const close = F([100, 101, 102, 100, 99, 99.2]);
    const input = {
      timestamp: minutes(6),
      close,
      signal: F([0.6, 0.6, 0.3, 0.5, 0.6, Number.NaN]),
      start: 0,
      end: 6,
    };
    const regime = Int8Array.from([0, 1, 1, 0, 0, 1]);
    const path = simulateBacktest(input, TICK);
    const [low, high] = backtestByRegime(input, TICK, regime, ["calm", "wild"]);
    expect(low.regime).toBe("calm");
    expect(low.metrics.bars).toBe(3);
    expect(low.metrics.total_return).toBeCloseTo(path.pnl[0] + path.pnl[3] + path.pnl[4], 15);
    expect(high.metrics.total_return).toBeCloseTo(path.pnl[1] + path.pnl[2] + path.pnl[5], 15);
    expect(low.metrics.trades).toBe(2); // entries at bars 0 and 4
    expect(high.metrics.trades).toBe(1); // the flip to short at bar 2
    expect(low.metrics.exposure).toBe(2 / 3);
  });

  it("rejects a regime code without a name", () => {
    const input = {
      timestamp: minutes(3),
      close: F([1, 2, 3]),
      signal: F([0.5, 0.5, 0.5]),
      start: 0,
      end: 3,
    };
    expect(() => backtestByRegime(input, TICK, Int8Array.from([0, 3, 0]), names)).toThrow(
      /regime at row 1 is 3/,
    );
    expect(() => backtestByRegime(input, TICK, Int8Array.from([0, 0]), names)).toThrow(DataError);
  });
});
