/**
 * The server's metrics (GET /vN/metrics, Prometheus text): request latency and counts per route and
 * status, errors by code, bars, model latency and failures, fallback answers, reloads, drift per
 * stream, the loaded bundles, stream sizes and process memory.
 */
import { MetricsRegistry } from "./metrics.ts";
import type { ServingService } from "./service.ts";

const DRIFT_STATE_VALUE = { ok: 0, alert: 1, insufficient: -1 } as const;

export class ServeMetrics {
  readonly registry = new MetricsRegistry();
  readonly requestSeconds = this.registry.histogram(
    "mlf_http_request_duration_seconds",
    "HTTP request latency from arrival to response, by route",
  );
  readonly requests = this.registry.counter(
    "mlf_http_requests_total",
    "HTTP requests by route and status code",
  );
  readonly errors = this.registry.counter("mlf_errors_total", "Error answers by error code");
  readonly barsAccepted = this.registry.counter(
    "mlf_bars_accepted_total",
    "1m bars accepted into live streams",
  );
  readonly modelSeconds = this.registry.histogram(
    "mlf_model_duration_seconds",
    "One model evaluation (onnxruntime + calibration), by bundle role",
  );
  readonly updateSeconds = this.registry.histogram(
    "mlf_update_predict_duration_seconds",
    "In-process /bars handling: validation, feature update and model answer",
  );
  readonly modelFailures = this.registry.counter(
    "mlf_model_failures_total",
    "Model evaluations that failed, by role (primary, fallback) and reason (error, non_finite, timeout)",
  );
  readonly fallbacks = this.registry.counter(
    "mlf_fallback_answers_total",
    "Answers given by the fallback bundle, by the primary's failure reason",
  );
  readonly reloads = this.registry.counter("mlf_reloads_total", "Bundle reloads by result");
  /** The series every served bar touches, keys computed once (metrics.ts, bind). */
  readonly hot = {
    barsRequestSeconds: this.requestSeconds.bind({ route: "bars" }),
    barsOk: this.requests.bind({ route: "bars", status: "200" }),
    barsAccepted: this.barsAccepted.bind({}),
    primarySeconds: this.modelSeconds.bind({ role: "primary" }),
    updateSeconds: this.updateSeconds.bind({}),
  };
  readonly driftAlerts = this.registry.counter(
    "mlf_drift_alerts_total",
    "Transitions into the drift alert state",
  );

  constructor(service: ServingService) {
    const r = this.registry;
    const streams = () => [...service.streams.values()];
    r.gauge("mlf_bundle_info", "The loaded bundles (value 1), by role", () => {
      const { primary, fallback } = service.current;
      const info = (role: string, b: typeof primary) => ({
        labels: { role, name: b.name, version: b.version, checksum: b.checksum },
        value: 1,
      });
      return fallback ? [info("primary", primary), info("fallback", fallback)] : [info("primary", primary)];
    });
    r.gauge("mlf_streams", "Live streams", () => [{ value: service.streams.size }]);
    r.gauge("mlf_stream_rows", "1m bars held by each stream", () =>
      streams().map((s) => ({ labels: { stream: s.stream.id }, value: s.stream.rows })),
    );
    r.gauge("mlf_stream_warm", "1 when the stream is past the primary bundle's warm-up", () =>
      streams().map((s) => ({
        labels: { stream: s.stream.id },
        value: s.stream.isWarm(service.current.primary.warmupBars) ? 1 : 0,
      })),
    );
    r.gauge("mlf_drift_state", "Drift state per stream: 0 ok, 1 alert, -1 insufficient data", () =>
      streams().flatMap((s) =>
        s.drift?.last
          ? [{ labels: { stream: s.stream.id }, value: DRIFT_STATE_VALUE[s.drift.last.state] }]
          : [],
      ),
    );
    r.gauge("mlf_drift_features_drifting", "Features past a drift threshold, per stream", () =>
      streams().flatMap((s) =>
        s.drift?.last ? [{ labels: { stream: s.stream.id }, value: s.drift.last.drifting_features }] : [],
      ),
    );
    r.gauge("mlf_drift_max", "Largest drift statistic over the features, per stream and statistic", () =>
      streams().flatMap((s) => {
        const last = s.drift?.last;
        if (!last) return [];
        return (["psi", "ks", "wasserstein_std"] as const).flatMap((stat) =>
          last.max[stat] === null ? [] : [{ labels: { stream: s.stream.id, stat }, value: last.max[stat]! }],
        );
      }),
    );
    r.gauge("mlf_process_resident_memory_bytes", "Resident set size", () => [
      { value: process.memoryUsage.rss() },
    ]);
    r.gauge("mlf_process_heap_used_bytes", "V8 heap in use", () => [
      { value: process.memoryUsage().heapUsed },
    ]);
  }

  render(): string {
    return this.registry.render();
  }
}
