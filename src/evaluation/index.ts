/** Evaluation: metrics, the cost-aware backtest, regimes, the test split guard, the table printer. */
export {
  type BacktestInput,
  type BacktestMetrics,
  BacktestMetricsSchema,
  type BacktestParams,
  type BacktestParamsInput,
  BacktestParamsSchema,
  type BacktestPath,
  backtestByRegime,
  dailySharpe,
  type MoneyMetrics,
  MoneyMetricsSchema,
  type MoneyPath,
  type RegimeBacktest,
  RegimeBacktestSchema,
  resolveBacktestParams,
  runBacktest,
  SHARPE_ANNUALISATION,
  simulateBacktest,
} from "./backtest.ts";
export {
  type ClassificationMetrics,
  ClassificationMetricsSchema,
  classificationMetrics,
  LOG_LOSS_EPS,
  rankAuc,
} from "./classification.ts";
export {
  formatMetricsTable,
  formatMetricValue,
  MISSING,
  type TableColumn,
  type TableOptions,
  type TableRow,
} from "./format-table.ts";
export {
  type QuantileMetrics,
  QuantileMetricsSchema,
  quantileLevel,
  quantileMetrics,
} from "./quantile.ts";
export {
  assignRegime,
  VOLATILITY_REGIMES,
  type VolatilityCuts,
  VolatilityCutsSchema,
  volatilityTerciles,
} from "./regimes.ts";
export { pearson, type RegressionMetrics, RegressionMetricsSchema, regressionMetrics } from "./regression.ts";
export {
  TestSplitGuard,
  type TestSplitRecord,
  TestSplitRecordSchema,
  testIndexSha256,
} from "./test-split-guard.ts";
