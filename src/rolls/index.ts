/**
 * Futures realism for one run (docs/futures.md): the contract the config names, the rolls of the data
 * (its contract column, else the roll calendar file, else only suspicions from the detector, reported
 * and never acted on), the contract's session breaks, and what they mean for labels, features, the
 * usable rows and the backtest.
 */

import type { ExperimentConfig } from "../config/schema.ts";
import { sessionBreakRows } from "../contracts/calendar.ts";
import { contractOf } from "../contracts/costs.ts";
import type { ContractSpec } from "../contracts/schema.ts";
import type { Bars } from "../data/bars.ts";
import type { ContractRuns } from "../data/contract-runs.ts";
import type { LabelOptions } from "../labels/triple-barrier.ts";
import { type DetectorReport, detectRollSuspects, suspectWarning } from "./detect.ts";
import type { RollHandling } from "./features.ts";
import { type Roll, rollRows, rollsFromCalendar, rollsFromContracts } from "./rolls.ts";

export { adjustedAsOf } from "./adjust.ts";
export { detectRollSuspects, type RollSuspect, suspectWarning } from "./detect.ts";
export {
  engineFeatureRun,
  type FeatureRun,
  featuresWithRolls,
  memoryFeatureRun,
  type RollHandling,
  replayBarsOf,
  selectionOf,
} from "./features.ts";
export { dropUnusableRows, rollUsableRows } from "./mask.ts";
export { type Roll, rollRows, rollsFromCalendar, rollsFromContracts } from "./rolls.ts";

export interface FuturesContext {
  readonly contract: ContractSpec;
  readonly handling: RollHandling;
  /** Known rolls, ascending by row; empty when the data names none. */
  readonly rolls: readonly Roll[];
  readonly rollSource: "contract_column" | "calendar" | "none";
  /** The detector's report when the rolls are not known; null otherwise. */
  readonly detector: DetectorReport | null;
  /** Rows that open a new session of the contract's calendar. */
  readonly sessionBreaks: Int32Array;
  readonly warnings: readonly string[];
}

export function prepareFutures(
  config: ExperimentConfig,
  bars: Bars,
  contracts: ContractRuns | null,
): FuturesContext {
  const contract = contractOf(config);
  const handling = config.rolls.handling;
  const warnings: string[] = [];
  let rolls: Roll[] = [];
  let rollSource: FuturesContext["rollSource"] = "none";
  let detector: DetectorReport | null = null;
  if (contracts !== null) {
    rolls = rollsFromContracts(bars, contracts);
    rollSource = "contract_column";
    if (config.rolls.calendar !== undefined) {
      warnings.push(
        `rolls.calendar ${config.rolls.calendar} is ignored: the data's contract column names the rolls`,
      );
    }
  } else if (config.rolls.calendar !== undefined) {
    rolls = rollsFromCalendar(bars, config.rolls.calendar);
    rollSource = "calendar";
  } else {
    detector = detectRollSuspects(bars, contract, { ...config.rolls, tick_size: config.tick_size });
    for (const s of detector.suspects) warnings.push(suspectWarning(s, contract));
  }
  if (handling === "none" && rolls.length > 0) {
    warnings.push(
      `rolls.handling is none: ${rolls.length} known roll(s) are ignored, so returns, labels and indicators span their price jumps`,
    );
  }
  return {
    contract,
    handling,
    rolls,
    rollSource,
    detector,
    sessionBreaks: sessionBreakRows(contract, bars.ts),
    warnings,
  };
}

/** Roll rows the labeller and backtest must not cross (none under handling "none"). */
export function rollBreaks(ctx: FuturesContext): Int32Array {
  return ctx.handling === "none" ? new Int32Array(0) : rollRows(ctx.rolls);
}

/** The labeller's options: no window across a roll (ATR restarts) or, unless allowed, a session break. */
export function labelOptionsOf(ctx: FuturesContext, config: Pick<ExperimentConfig, "labels">): LabelOptions {
  return {
    breaks: rollBreaks(ctx),
    ...(config.labels.span_sessions ? {} : { sessionBreaks: ctx.sessionBreaks }),
  };
}

/** A JSON summary for metrics.json: the contract, the rolls and what was done about them. */
export function futuresSummary(ctx: FuturesContext) {
  return {
    symbol: ctx.contract.symbol,
    currency: ctx.contract.currency,
    roll_handling: ctx.handling,
    roll_source: ctx.rollSource,
    rolls: ctx.rolls.map((r) => ({
      row: r.row,
      timestamp: new Date(r.ts).toISOString(),
      from: r.from,
      to: r.to,
      gap: r.gap,
      ratio: r.ratio,
    })),
    suspected_rolls: (ctx.detector?.suspects ?? []).map((s) => ({
      row: s.row,
      timestamp: new Date(s.ts).toISOString(),
      gap: s.gap,
      evidence: s.evidence,
    })),
    session_breaks: ctx.sessionBreaks.length,
  };
}
