/**
 * Calibration (fitted on the validation split only) and the run's single evaluation of the test
 * split: classification metrics for p_up, regression metrics for E_r, pinball loss and band coverage
 * for quantile heads, and the cost-aware backtest on
 * the 1m grid, in full and split by volatility regime (tercile cuts fitted on train rows only).
 */
import type { ExperimentConfig } from "../config/schema.ts";
import { backtestParamsOf } from "../contracts/costs.ts";
import { QUANTILE_OUTPUTS } from "../ensembles/index.ts";
import {
  assignRegime,
  backtestByRegime,
  type ClassificationMetrics,
  classificationMetrics,
  type QuantileMetrics,
  quantileMetrics,
  type RegressionMetrics,
  regressionMetrics,
  runBacktest,
  TestSplitGuard,
  VOLATILITY_REGIMES,
  volatilityTerciles,
} from "../evaluation/index.ts";
import {
  type CalibrationChain,
  expectedCalibrationError,
  fitCalibrationChain,
  reliabilityDiagram,
} from "../inference/calibration/index.ts";
import { rollBreaks } from "../rolls/index.ts";
import type { Dataset } from "./dataset.ts";
/** Anything with predictions on the val and test rows: a base model or the ensemble. */
export interface Scored {
  id: string;
  val: ReadonlyMap<string, Float64Array>;
  test: ReadonlyMap<string, Float64Array>;
}

import { REALIZED_VOL_DEFINITION, realizedVolatility } from "./volatility.ts";

/** y = 1 when the triple-barrier label is +1, 0 for 0/−1, NaN when unlabelled. */
function upTarget(label: Float64Array, rows: Int32Array): Float64Array {
  const y = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const l = label[rows[k]!]!;
    y[k] = Number.isNaN(l) ? Number.NaN : l > 0 ? 1 : 0;
  }
  return y;
}

/** values[rows[k]] for each k. */
export function pick(values: Float64Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = values[rows[k]!]!;
  return out;
}

export interface ModelCalibration {
  chain: CalibrationChain;
  val: {
    ece_before: number | null;
    ece_after: number | null;
    reliability_before: unknown;
    reliability_after: unknown;
  };
}

/** Fits each model's calibration chain on its validation p_up (none when the config asks for none). */
export function fitCalibrations(
  config: ExperimentConfig,
  ds: Dataset,
  models: readonly Scored[],
): Map<string, ModelCalibration> {
  const out = new Map<string, ModelCalibration>();
  const names = config.inference.calibrate;
  if (names === null || names.length === 0) return out;
  const y = upTarget(ds.labels.label, ds.split.val);
  for (const m of models) {
    const p = m.val.get("p_up");
    if (p === undefined) continue;
    const chain = fitCalibrationChain(names, p, y);
    const after = chain.apply(p);
    out.set(m.id, {
      chain,
      val: {
        ece_before: expectedCalibrationError(p, y),
        ece_after: expectedCalibrationError(after, y),
        reliability_before: reliabilityDiagram(p, y),
        reliability_after: reliabilityDiagram(after, y),
      },
    });
  }
  return out;
}

export interface TestEvaluation {
  extra?: Record<string, unknown>;
  test_split: ReturnType<TestSplitGuard["record"]>;
  volatility_regimes: {
    measure: string;
    fitted_on: "train";
    cuts: [number, number];
    names: readonly string[];
  };
  models: Record<
    string,
    {
      p_up?: ClassificationMetrics & {
        uncalibrated: ClassificationMetrics;
        ece_before: number | null;
        ece_after: number | null;
      };
      E_r?: RegressionMetrics;
      /** The raw quantile heads (q05/q50/q95) before any conformal step. */
      quantiles?: QuantileMetrics;
      backtest: ReturnType<typeof runBacktest> | null;
      backtest_by_regime: ReturnType<typeof backtestByRegime> | null;
    }
  >;
}

/** The run's one look at the test split, for every model at once. */
export function evaluateTest(
  config: ExperimentConfig,
  ds: Dataset,
  models: readonly Scored[],
  calibrations: ReadonlyMap<string, ModelCalibration>,
  /** More test metrics (e.g. conformal coverage), computed inside the same single look at the test rows. */
  extra?: (rows: Int32Array) => Record<string, unknown>,
): TestEvaluation {
  const guard = new TestSplitGuard();
  const vol = realizedVolatility(ds.bars.close);
  const cuts = volatilityTerciles(pick(vol, ds.split.train));
  const regime = assignRegime(vol, cuts);
  const params = backtestParamsOf(config);
  const testRows = ds.split.test;
  const start = testRows[0]!;
  const end = testRows[testRows.length - 1]! + 1;

  const result = guard.evaluate(testRows, (rows) => {
    const yUp = upTarget(ds.labels.label, rows);
    const realised = pick(ds.labels.ret, rows);
    const perModel: TestEvaluation["models"] = {};
    for (const m of models) {
      const entry: TestEvaluation["models"][string] = { backtest: null, backtest_by_regime: null };
      const raw = m.test.get("p_up");
      if (raw !== undefined) {
        const cal = calibrations.get(m.id);
        const served = cal ? cal.chain.apply(raw) : raw;
        entry.p_up = {
          ...classificationMetrics(served, yUp),
          uncalibrated: classificationMetrics(raw, yUp),
          ece_before: expectedCalibrationError(raw, yUp),
          ece_after: cal ? expectedCalibrationError(served, yUp) : null,
        };
        // The signal lives on the 1m grid: rows of the test segment outside the split stay flat.
        const signal = new Float64Array(ds.bars.length).fill(Number.NaN);
        for (let k = 0; k < rows.length; k++) signal[rows[k]!] = served[k]!;
        // No position is held across a contract roll (docs/evaluation.md, rule 2).
        const breaks = rollBreaks(ds.futures);
        const input = { timestamp: ds.bars.ts, close: ds.bars.close, signal, start, end, breaks };
        entry.backtest = runBacktest(input, params);
        entry.backtest_by_regime = backtestByRegime(input, params, regime, VOLATILITY_REGIMES);
      }
      const er = m.test.get("E_r");
      if (er !== undefined) entry.E_r = regressionMetrics(er, realised);
      const heads = new Map<string, Float64Array>();
      for (const q of QUANTILE_OUTPUTS) {
        const values = m.test.get(q);
        if (values !== undefined) heads.set(q, values);
      }
      if (heads.size >= 2) entry.quantiles = quantileMetrics(heads, realised);
      perModel[m.id] = entry;
    }
    return { perModel, extra: extra?.(rows) ?? null };
  });
  return {
    test_split: guard.record(),
    volatility_regimes: {
      measure: REALIZED_VOL_DEFINITION,
      fitted_on: "train",
      cuts: cuts.low_high_cut,
      names: VOLATILITY_REGIMES,
    },
    models: result.perModel,
    ...(result.extra !== null ? { extra: result.extra } : {}),
  };
}
