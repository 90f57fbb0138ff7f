/**
 * The model comparison of a run (RUN_DIR/comparison.md and comparison.json, kept out of the bundle:
 * its latencies vary by machine and load): per model, the test metrics evaluate.ts computed once,
 * the fit's wall time, the ONNX graph's size, and the Node inference latency of one bar measured in
 * this run (batch 1 through the same runner predict uses: a feature row, or the bar's window).
 */
import { openTabularSession, runBatched } from "../models/onnx-runner.ts";
import { modelInputRowMajor, transformOf } from "../models/preprocessing.ts";
import { windowFill } from "../models/window-runner.ts";
import type { Dataset } from "./dataset.ts";
import type { TestEvaluation } from "./evaluate.ts";
import type { FittedBaseModel } from "./fit-base-model.ts";

/** Untimed runs first (allocation, graph caches), then the timed ones. */
const WARMUP_RUNS = 20;
const TIMED_RUNS = 200;

export interface ComparisonRow {
  model: string;
  registry: string;
  view: string;
  input_shape: number[];
  test_auc: number | null;
  test_log_loss: number | null;
  test_e_r_corr: number | null;
  test_sharpe: number | null;
  /** Mean pinball loss of the quantile heads, and the raw q05–q95 band's test coverage (nominal 0.90). */
  test_pinball: number | null;
  test_band_coverage: number | null;
  fit_s: number;
  onnx_bytes: number;
  latency_us_p50: number | null;
  latency_us_p99: number | null;
}

export interface Comparison {
  format: "mlf-comparison";
  format_version: 1;
  latency: { batch: 1; warmup_runs: number; timed_runs: number; threads: 1; note: string };
  rows: ComparisonRow[];
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** p50/p99 microseconds of one batch-1 run of a graph on `sample` (one sample of `shape`). */
export async function batchOneLatency(
  onnx: Uint8Array,
  inputName: string,
  shape: readonly number[],
  outputs: readonly string[],
  sample: Float32Array,
): Promise<{ p50: number; p99: number }> {
  const session = await openTabularSession(onnx, inputName, "comparison");
  const fill = (_from: number, _to: number, out: Float32Array) => out.set(sample);
  const times: number[] = [];
  try {
    for (let i = 0; i < WARMUP_RUNS + TIMED_RUNS; i++) {
      const t0 = performance.now();
      await runBatched(session, 1, shape, outputs, fill, 1);
      if (i >= WARMUP_RUNS) times.push((performance.now() - t0) * 1000);
    }
  } finally {
    await session.session.release();
  }
  times.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

/** The model input of the last test bar for `m`: its feature row or its window. */
function lastTestSample(ds: Dataset, m: FittedBaseModel): Float32Array {
  const t = ds.split.test[ds.split.test.length - 1]!;
  const transform = transformOf(ds.frame.featureNames, ds.scaler);
  const out = new Float32Array(m.inputShape.reduce((a, b) => a * b, 1));
  if (m.view === "window_tensor") windowFill(ds.frame, transform, [t], m.inputShape[0]!)(0, 1, out);
  else modelInputRowMajor(ds.frame, transform, Int32Array.of(t), 0, 1, out);
  return out;
}

const finiteOrNull = (v: number | null | undefined) =>
  v !== undefined && v !== null && Number.isFinite(v) ? v : null;

export async function buildComparison(
  ds: Dataset,
  fitted: readonly FittedBaseModel[],
  test: TestEvaluation,
  ensemble: { id: string; fitSeconds: number; onnxBytes: number; inputWidth: number } | null,
): Promise<Comparison> {
  const metricsOf = (id: string) => {
    const t = test.models[id];
    return {
      test_auc: finiteOrNull(t?.p_up?.auc),
      test_log_loss: finiteOrNull(t?.p_up?.log_loss),
      test_e_r_corr: finiteOrNull(t?.E_r?.pearson),
      test_sharpe: finiteOrNull(t?.backtest?.sharpe),
      test_pinball: finiteOrNull(t?.quantiles?.mean_pinball),
      test_band_coverage: finiteOrNull(t?.quantiles?.band_coverage),
    };
  };
  const rows: ComparisonRow[] = [];
  for (const m of fitted) {
    const latency = await batchOneLatency(
      m.onnx,
      m.inputName,
      m.inputShape,
      m.outputs,
      lastTestSample(ds, m),
    );
    rows.push({
      model: m.id,
      registry: m.name,
      view: m.view,
      input_shape: [...m.inputShape],
      ...metricsOf(m.id),
      fit_s: Number(m.fitSeconds.toFixed(3)),
      onnx_bytes: m.onnx.length,
      latency_us_p50: Number(latency.p50.toFixed(1)),
      latency_us_p99: Number(latency.p99.toFixed(1)),
    });
  }
  if (ensemble) {
    rows.push({
      model: ensemble.id,
      registry: "ensemble",
      view: "feature_matrix",
      input_shape: [ensemble.inputWidth],
      ...metricsOf(ensemble.id),
      fit_s: Number(ensemble.fitSeconds.toFixed(3)),
      onnx_bytes: ensemble.onnxBytes,
      latency_us_p50: null,
      latency_us_p99: null,
    });
  }
  return {
    format: "mlf-comparison",
    format_version: 1,
    latency: {
      batch: 1,
      warmup_runs: WARMUP_RUNS,
      timed_runs: TIMED_RUNS,
      threads: 1,
      note: "onnxruntime-node, one intra-op thread, the bar repeated to the 2-row packet as predict pads a batch, in the training process after fitting; varies with the machine and its load",
    },
    rows,
  };
}

const cell = (v: number | null, digits: number) => (v === null ? "—" : v.toFixed(digits));

/** comparison.md: one Markdown table, rows in config order (the ensemble last). */
export function comparisonMarkdown(c: Comparison, title: string): string {
  const head =
    "| model | registry | view | input | test AUC | test log loss | test E_r corr | test Sharpe | test pinball | test q05–q95 coverage | fit s | ONNX KiB | latency p50 µs | latency p99 µs |";
  const rule = `|${"---|".repeat(14)}`;
  const lines = c.rows.map(
    (r) =>
      `| ${r.model} | ${r.registry} | ${r.view} | [${r.input_shape.join(", ")}] | ${cell(r.test_auc, 4)} | ${cell(r.test_log_loss, 4)} | ${cell(r.test_e_r_corr, 4)} | ${cell(r.test_sharpe, 2)} | ${cell(r.test_pinball === null ? null : r.test_pinball * 1e4, 3)} | ${cell(r.test_band_coverage, 3)} | ${r.fit_s.toFixed(1)} | ${(r.onnx_bytes / 1024).toFixed(1)} | ${cell(r.latency_us_p50, 0)} | ${cell(r.latency_us_p99, 0)} |`,
  );
  return [
    `# Model comparison: ${title}`,
    "",
    head,
    rule,
    ...lines,
    "",
    `Test metrics from the run's single evaluation of the test split; Sharpe only for models with p_up (the backtest trades p_up); ` +
      `pinball: mean pinball loss of the quantile heads ×10⁴ (lower is better), and the test coverage of their raw q05–q95 band (nominal 0.90, before any conformal step). ` +
      `Fit: wall seconds of the main fit on the worker (the ensemble: its meta-learner; OOF refits not included). ` +
      `Latency: one bar (batch 1), ${c.latency.timed_runs} runs after ${c.latency.warmup_runs} untimed, ${c.latency.note}.`,
    "",
  ].join("\n");
}
