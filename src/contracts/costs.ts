/**
 * The one place a config's costs become backtest parameters: commission per contract per side and
 * slippage per side (the same figures the labels' cost term was derived from in the config), the
 * contract's tick size and tick value, and its currency, so the backtest reports P&L in money too.
 */
import type { ExperimentConfig } from "../config/schema.ts";
import type { BacktestParamsInput } from "../evaluation/backtest.ts";
import { requireContract } from "./index.ts";
import type { ContractSpec } from "./schema.ts";

/** The registered contract a parsed config names. */
export function contractOf(config: Pick<ExperimentConfig, "symbol">): ContractSpec {
  return requireContract(config.symbol);
}

export function backtestParamsOf(config: ExperimentConfig): BacktestParamsInput {
  const b = config.backtest;
  return {
    long_threshold: b.long_threshold,
    short_threshold: b.short_threshold,
    allow_short: b.allow_short,
    cost_ticks: b.cost_ticks,
    slippage_ticks: b.slippage_ticks,
    tick_size: config.tick_size,
    tick_value: config.tick_value,
    currency: contractOf(config).currency,
  };
}
