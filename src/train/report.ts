/** The human-readable summary `mlf train` prints: where things went, then test metrics as tables. */
import { formatMetricsTable, type TableRow } from "../evaluation/index.ts";
import type { TrainSummary } from "./train.ts";

export function formatTrainReport(s: TrainSummary, opts: { color?: boolean } = {}): string {
  const m = s.metrics;
  const d = m.dataset;
  const lines = [
    `run directory  ${s.runDir}`,
    `bundle         ${s.bundleDir} (checksum ${s.bundleChecksum.slice(0, 16)}…)`,
    `data           ${d.source}: ${d.rows} bars, ${d.gaps} gaps, ${d.features} features, warm-up ${d.warmup_bars} bars`,
    `split          train ${d.split.train} / val ${d.split.val} / test ${d.split.test} (purged ${d.split.purged}, embargoed ${d.split.embargoed})`,
    "",
  ];
  const rows: TableRow[] = Object.entries(m.test.models).map(([id, t]) => {
    const model = m.models[id];
    const ensemble = m.ensemble as { parity_max_abs_diff?: number } | null;
    return {
      label: id,
      values: {
        auc: t.p_up?.auc ?? null,
        log_loss: t.p_up?.log_loss ?? null,
        brier: t.p_up?.brier ?? null,
        accuracy: t.p_up?.accuracy ?? null,
        ece: t.p_up ? (t.p_up.ece_after ?? t.p_up.ece_before) : null,
        e_r_corr: t.E_r?.pearson ?? null,
        sharpe: t.backtest?.sharpe ?? null,
        win_rate: t.backtest?.win_rate ?? null,
        max_dd: t.backtest?.max_drawdown ?? null,
        turnover: t.backtest?.turnover_per_day ?? null,
        parity: model ? model.parity_max_abs_diff : (ensemble?.parity_max_abs_diff ?? null),
        pinball: t.quantiles?.mean_pinball ?? null,
        band_cov: t.quantiles?.band_coverage ?? null,
      },
    };
  });
  const hasQuantiles = Object.values(m.test.models).some((t) => t.quantiles !== undefined);
  lines.push(
    "test split (evaluated once)",
    formatMetricsTable(
      rows,
      [
        "auc",
        "log_loss",
        "brier",
        "accuracy",
        "ece",
        { key: "e_r_corr", header: "E_r corr" },
        "sharpe",
        "win_rate",
        { key: "max_dd", header: "max DD" },
        { key: "turnover", header: "turnover/day" },
        // Quantile heads (raw, before any conformal step), only when a model has them.
        ...(hasQuantiles
          ? [
              { key: "pinball", header: "pinball" },
              { key: "band_cov", header: "q05–q95 cov" },
            ]
          : []),
        { key: "parity", header: "ONNX |Δ|" },
      ],
      { labelHeader: "model", ...(opts.color !== undefined ? { color: opts.color } : {}) },
    ),
  );
  for (const [id, t] of Object.entries(m.test.models)) {
    if (t.backtest_by_regime === null) continue;
    lines.push(
      "",
      `backtest of ${id} by volatility regime (${m.test.volatility_regimes.measure}; cuts fitted on train)`,
      formatMetricsTable(
        t.backtest_by_regime.map((r) => ({
          label: r.regime,
          values: {
            bars: r.metrics.bars,
            total_return: r.metrics.total_return,
            trades: r.metrics.trades,
            win_rate: r.metrics.win_rate,
            sharpe: r.metrics.sharpe,
            max_dd: r.metrics.max_drawdown,
          },
        })),
        ["bars", "total_return", "trades", "win_rate", "sharpe", { key: "max_dd", header: "max DD" }],
        { labelHeader: "regime", ...(opts.color !== undefined ? { color: opts.color } : {}) },
      ),
    );
  }
  lines.push("", `Sharpe: ${Object.values(m.test.models)[0]?.backtest?.sharpe_annualisation ?? "n/a"}`);
  return lines.join("\n");
}
