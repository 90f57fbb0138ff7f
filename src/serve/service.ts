/**
 * The serving core, independent of HTTP: the deployed bundles (primary, optional fallback), the live
 * streams, drift, metrics, and reloads.
 *
 * A request captures the current deployment once and uses it to the end, so a reload (which builds
 * the new deployment aside, then swaps one reference) never mixes two bundles in one answer and never
 * drops a request: the old bundles' sessions are released when their last request is done.
 *
 * Answers never contain NaN or infinity. When the primary model throws, times out or gives a
 * non-finite value, the fallback bundle answers (flagged `fallback: true`, with the reason); without
 * a usable fallback the request fails with MODEL_UNAVAILABLE. Every failure is logged with its cause.
 */
import type { Bars } from "../data/bars.ts";
import type { FeatureColumns } from "../views/feature-frame.ts";
import { type AnswerContext, answerWithFallback } from "./answer.ts";
import { type BarJson, barsFromJson, type ReloadBody } from "./bar-input.ts";
import { BundleRuntime, type ModelInput } from "./bundle-runtime.ts";
import { DEFAULT_DRIFT, DriftMonitor, type DriftOptions, type DriftReport } from "./drift.ts";
import { DriftScheduler } from "./drift-scheduler.ts";
import { ServeError } from "./errors.ts";
import type { FeaturePlanSpec } from "./feature-plan.ts";
import { FeatureStream, PlanEngine } from "./feature-stream.ts";
import { ServeMetrics } from "./serve-metrics.ts";
import { encodeSnapshot, restoreStream } from "./snapshot.ts";
import {
  attachRegimes,
  checkRegimes,
  regimeOf,
  regimeStates,
  replayRegimes,
  type StreamRegimes,
} from "./stream-regimes.ts";
import { columnsOf, lastRowOf, withWindow, withWindowOf } from "./window-input.ts";
import { WindowPool } from "./window-pool.ts";

export interface ServeLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLogger: ServeLogger = { info() {}, warn() {}, error() {} };

export interface ServiceOptions {
  bundle: string;
  fallback?: string | null;
  /** Refuse a primary bundle whose checksum differs (docs/bundle.md: pinning). */
  expectChecksum?: string;
  /** Longest wait for one model answer before the fallback is used (default 100 ms). */
  modelTimeoutMs?: number;
  /** Live streams kept at most (default 64). */
  maxStreams?: number;
  drift?: Partial<Omit<DriftOptions, "thresholds">> & { thresholds?: Partial<DriftOptions["thresholds"]> };
  logger?: ServeLogger;
  /** Start the /predict worker thread now (default true). */
  prestartWindowWorker?: boolean;
}

export const DEFAULT_STREAM = "default";

export interface Answer {
  stream?: string;
  timestamp: string;
  timestamp_ms: number;
  outputs: Record<string, number> | null;
  warm: boolean;
  bundle_version: string;
  fallback: boolean;
  fallback_reason?: string;
  rows?: number;
  features?: Record<string, number | null>;
}

interface Deployment {
  primary: BundleRuntime;
  fallback: BundleRuntime | null;
  /** Distinct feature plans of the two bundles, keeping the rows their window models read. */
  plans: FeaturePlanSpec[];
  /** Feature rows a stream keeps for the bundles' window models (0: none). */
  keep: number;
}

export interface StreamState {
  stream: FeatureStream;
  drift: DriftMonitor | null;
  driftBusy: boolean;
  /** Regime filter state per deployed bundle that gates by regime (stream-regimes.ts). */
  regimes?: StreamRegimes;
}

function deploymentOf(primary: BundleRuntime, fallback: BundleRuntime | null): Deployment {
  const keep = Math.max(primary.windowLength, fallback?.windowLength ?? 0);
  const kept = (p: FeaturePlanSpec): FeaturePlanSpec => (keep > 0 ? { ...p, keep } : p);
  const plans = [kept(primary.plan)];
  if (fallback && fallback.plan.key !== primary.plan.key) plans.push(kept(fallback.plan));
  return { primary, fallback, plans, keep };
}

/**
 * A /bars answer in one object, keys in the order clients have always received them (stream,
 * timestamp, timestamp_ms, rows, features, outputs, warm, bundle_version, fallback,
 * fallback_reason): spreading a base and the model answer made three objects per served bar.
 */
function barAnswer(
  stream: string,
  timestamp: string,
  timestamp_ms: number,
  rows: number,
  features: Record<string, number | null> | undefined,
  a: Pick<Answer, "outputs" | "warm" | "bundle_version" | "fallback" | "fallback_reason">,
): Answer {
  const { outputs, warm, bundle_version, fallback } = a;
  const out: Answer =
    features === undefined
      ? { stream, timestamp, timestamp_ms, rows, outputs, warm, bundle_version, fallback }
      : { stream, timestamp, timestamp_ms, rows, features, outputs, warm, bundle_version, fallback };
  if (a.fallback_reason !== undefined) out.fallback_reason = a.fallback_reason;
  return out;
}

function featuresOf(names: readonly string[], row: readonly Float32Array[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  names.forEach((n, j) => {
    const v = row[j][0];
    out[n] = Number.isFinite(v) ? v : null;
  });
  return out;
}

export class ServingService {
  readonly streams = new Map<string, StreamState>();
  readonly metrics = new ServeMetrics(this);
  private readonly windows: WindowPool;
  /** Every stream's background drift computation, one at a time (drift-scheduler.ts). */
  readonly driftQueue = new DriftScheduler();
  private reloading = false;
  private closed = false;
  /** Set when shutdown starts: in-flight requests finish, their connections are closed. */
  draining = false;
  readonly startedAt = Date.now();

  private constructor(
    private deployment: Deployment,
    private paths: { bundle: string; fallback: string | null },
    readonly driftOptions: DriftOptions,
    readonly modelTimeoutMs: number,
    readonly maxStreams: number,
    readonly log: ServeLogger,
  ) {
    this.windows = new WindowPool();
  }

  /** Loads and verifies the bundles; any problem is a BundleError and nothing is served. */
  static async start(opts: ServiceOptions): Promise<ServingService> {
    const log = opts.logger ?? silentLogger;
    const primary = await BundleRuntime.load(
      opts.bundle,
      opts.expectChecksum ? { expectChecksum: opts.expectChecksum } : {},
    );
    let fallback: BundleRuntime | null = null;
    try {
      if (opts.fallback) fallback = await BundleRuntime.load(opts.fallback);
    } catch (e) {
      primary.retire();
      throw e;
    }
    const d = opts.drift ?? {};
    const driftOptions: DriftOptions = {
      ...DEFAULT_DRIFT,
      ...d,
      thresholds: { ...DEFAULT_DRIFT.thresholds, ...(d.thresholds ?? {}) },
    };
    const s = new ServingService(
      deploymentOf(primary, fallback),
      { bundle: opts.bundle, fallback: opts.fallback ?? null },
      driftOptions,
      opts.modelTimeoutMs ?? 100,
      opts.maxStreams ?? 64,
      log,
    );
    for (const b of [primary, fallback])
      for (const note of b?.notes ?? []) log.warn({ bundle: b!.dir }, note);
    log.info(
      { primary: primary.describe(), fallback: fallback?.describe() ?? null },
      "bundles verified and loaded",
    );
    if (opts.prestartWindowWorker !== false) void s.windows.start().catch(() => undefined);
    return s;
  }

  /** /predict windows queued or being computed now. */
  get windowsInFlight(): number {
    return this.windows.pendingCount;
  }

  get current(): { primary: BundleRuntime; fallback: BundleRuntime | null } {
    return this.deployment;
  }

  /** The route prefix: the primary bundle's major version. */
  get routeVersion(): string {
    return `v${this.deployment.primary.major}`;
  }

  private newDrift(dep: Deployment, stream: FeatureStream): DriftMonitor | null {
    const ref = dep.primary.drift;
    if (ref === null) return null;
    const monitor = new DriftMonitor(ref, dep.primary.warmupBars, this.driftOptions);
    stream.observe(dep.primary.plan.key, monitor.observe);
    return monitor;
  }

  private stream(id: string, dep: Deployment, create: boolean): StreamState {
    let st = this.streams.get(id);
    if (st) return st;
    if (!create)
      throw new ServeError("NOT_FOUND", 404, `no stream "${id}": send bars to create it`, { stream: id });
    if (this.streams.size >= this.maxStreams) {
      throw new ServeError(
        "STREAM_LIMIT",
        429,
        `this server keeps at most ${this.maxStreams} streams (--max-streams)`,
        {
          stream: id,
        },
      );
    }
    const stream = new FeatureStream(id, dep.plans);
    st = {
      stream,
      drift: null,
      driftBusy: false,
      regimes: attachRegimes(stream, [dep.primary, dep.fallback]),
    };
    st.drift = this.newDrift(dep, stream);
    this.streams.set(id, st);
    return st;
  }

  /** Adds a stream restored from a snapshot (replacing one of the same id). */
  restore(bytes: Uint8Array, source: string): StreamState {
    const dep = this.deployment;
    const probe = new FeatureStream("probe", []);
    const st: StreamState = { stream: probe, drift: null, driftBusy: false };
    const ref = dep.primary.drift;
    const monitor = ref ? new DriftMonitor(ref, dep.primary.warmupBars, this.driftOptions) : null;
    const observers = new Map(monitor ? [[dep.primary.plan.key, monitor.observe] as const] : []);
    st.stream = restoreStream(
      bytes,
      dep.plans,
      source,
      observers,
      (s) => {
        st.regimes = attachRegimes(s, [dep.primary, dep.fallback]);
      },
      (header) => checkRegimes(st.regimes, header, source),
    );
    st.drift = monitor;
    this.streams.set(st.stream.id, st);
    this.log.info({ stream: st.stream.id, rows: st.stream.rows, source }, "stream restored from snapshot");
    return st;
  }

  snapshot(id: string): Uint8Array {
    const st = this.stream(id, this.deployment, false);
    return encodeSnapshot(st.stream, undefined, regimeStates(st.regimes));
  }

  /** Warms a stream up from history already validated (a file read by ingest, its contracts or null). */
  warmup(id: string, bars: Bars, contracts: string[] | null = null): StreamState {
    const st = this.stream(id, this.deployment, true);
    st.stream.accept({ ...bars, contracts });
    this.maybeUpdateDrift(st);
    return st;
  }

  /** /bars: validates, appends, updates features and answers for the last bar. */
  async ingest(id: string, json: readonly BarJson[], includeFeatures = false): Promise<Answer> {
    if (this.closed) throw new ServeError("SHUTTING_DOWN", 503, "the server is shutting down");
    const dep = this.deployment;
    const bars = barsFromJson(json);
    const st = this.stream(id, dep, true);
    const stream = st.stream;
    stream.accept(bars);
    this.metrics.hot.barsAccepted.inc(bars.length);
    this.maybeUpdateDrift(st);
    const ts = stream.lastTs;
    const row = stream.engine(dep.primary.plan.key).row;
    const timestamp = new Date(ts).toISOString();
    const rows = stream.rows;
    const features = includeFeatures ? featuresOf(dep.primary.featureNames, row) : undefined;
    if (!stream.isWarm(dep.primary.warmupBars)) {
      const cold = { outputs: null, warm: false, bundle_version: dep.primary.version, fallback: false };
      return barAnswer(id, timestamp, ts, rows, features, cold);
    }
    // Both inputs are taken now, before any await: a later request may move the stream on.
    const close = stream.history.view(false).close;
    const t = stream.rows - 1;
    const input = withWindow(
      dep.primary,
      dep.primary.input(row, close, t, regimeOf(st.regimes, dep.primary)),
      stream,
    );
    const fb = dep.fallback;
    const fbInput =
      fb && stream.isWarm(fb.warmupBars)
        ? withWindow(fb, fb.input(stream.engine(fb.plan.key).row, close, t, regimeOf(st.regimes, fb)), stream)
        : null;
    const answer = await answerWithFallback(
      dep,
      input,
      fbInput,
      this.answerContext({ stream: id, timestamp }, true),
    );
    return barAnswer(id, timestamp, ts, rows, features, answer);
  }

  /** /predict: the outputs for the last bar of a full window, no state kept. */
  async predictWindow(json: readonly BarJson[], includeFeatures = false): Promise<Answer> {
    if (this.closed) throw new ServeError("SHUTTING_DOWN", 503, "the server is shutting down");
    const dep = this.deployment;
    const bars = barsFromJson(json);
    const n = bars.length;
    const ts = bars.ts[n - 1];
    if (n <= dep.primary.warmupBars) {
      throw new ServeError(
        "WINDOW_TOO_SHORT",
        422,
        `the window has ${n} bars; bundle ${dep.primary.name} ${dep.primary.version} needs more than ${dep.primary.warmupBars} (its warm-up: features, and model windows)`,
        { bars: n, warmup_bars: dep.primary.warmupBars },
      );
    }
    // The last feature rows (as many as the bundles' windows read; 1 without window models).
    const rowsOf = async (b: BundleRuntime): Promise<FeatureColumns> => {
      const hasVolume = b.plan.selection.hasVolume;
      if (hasVolume && bars.volumeCount !== n) {
        throw new ServeError(
          "BAR_VOLUME_MISSING",
          422,
          "the bundle's features use volume: every bar needs a volume",
          {
            field: "volume",
          },
        );
      }
      // The columns are transferred to the worker: give it copies.
      const copy: Bars = {
        length: n,
        ts: bars.ts.slice(),
        open: bars.open.slice(),
        high: bars.high.slice(),
        low: bars.low.slice(),
        close: bars.close.slice(),
        volume: hasVolume ? bars.volume!.slice() : null,
      };
      return columnsOf(await this.windows.lastRow(b.plan, copy, bars.contracts, dep.keep), b.featureNames);
    };
    const rows = await rowsOf(dep.primary);
    const row = lastRowOf(rows);
    const input = withWindowOf(dep.primary, dep.primary.input(row, bars.close, n - 1), rows);
    const fb = dep.fallback;
    let fbInput: ModelInput | null = null;
    if (fb && n > fb.warmupBars && (!fb.plan.selection.hasVolume || bars.volumeCount === n)) {
      fbInput =
        fb.plan.key === dep.primary.plan.key
          ? withWindowOf(fb, fb.input(row, bars.close, n - 1), rows)
          : null;
    }
    const lazyFallback =
      fb && fbInput === null && n > fb.warmupBars && (!fb.plan.selection.hasVolume || bars.volumeCount === n)
        ? async () => {
            const r = await rowsOf(fb);
            return withWindowOf(fb, fb.input(lastRowOf(r), bars.close, n - 1), r);
          }
        : null;
    const answer = await answerWithFallback(
      dep,
      input,
      fbInput ?? lazyFallback,
      this.answerContext(`window ending ${new Date(ts).toISOString()}`, false),
    );
    return {
      timestamp: new Date(ts).toISOString(),
      timestamp_ms: ts,
      ...(includeFeatures ? { features: featuresOf(dep.primary.featureNames, row) } : {}),
      ...answer,
    };
  }

  private answerContext(what: AnswerContext["what"], barsAccepted: boolean): AnswerContext {
    return { timeoutMs: this.modelTimeoutMs, metrics: this.metrics, log: this.log, what, barsAccepted };
  }

  /**
   * Queues a background recomputation of a stream's drift every `every` rows (and `minIntervalMs`);
   * logs state changes. Computations of all streams run one after another (DriftScheduler), in
   * slices between requests.
   */
  private maybeUpdateDrift(st: StreamState): void {
    const d = st.drift;
    if (d === null || st.driftBusy || !d.due) return;
    st.driftBusy = true;
    const before = d.last?.state ?? "insufficient";
    this.driftQueue
      .run(() => d.computeInSlices())
      .then((r) => this.noteDrift(st, before, r))
      .catch((e) => this.log.error({ stream: st.stream.id, cause: String(e) }, "drift computation failed"))
      .finally(() => {
        st.driftBusy = false;
      });
  }

  private noteDrift(st: StreamState, before: string, r: DriftReport): void {
    if (r.state === before) return;
    const top = r.features
      .filter((f) => f.drifting)
      .sort((a, b) => (b.psi ?? 0) - (a.psi ?? 0))
      .slice(0, 5)
      .map((f) => ({ name: f.name, psi: f.psi, ks: f.ks, wasserstein_std: f.wasserstein_std }));
    if (r.state === "alert") {
      this.metrics.driftAlerts.inc({ stream: st.stream.id });
      this.log.warn(
        { stream: st.stream.id, drifting_features: r.drifting_features, min_features: r.min_features, top },
        "drift alert: live features have moved away from the train reference",
      );
    } else {
      this.log.info(
        { stream: st.stream.id, state: r.state, drifting_features: r.drifting_features },
        `drift state ${before} → ${r.state}`,
      );
    }
  }

  /** /drift: the stream's drift now (computed on the spot), or why there is none. */
  drift(id: string): DriftReport & { stream: string; bundle_version: string } {
    const st = this.stream(id, this.deployment, false);
    if (st.drift === null) {
      throw new ServeError("NOT_FOUND", 404, this.deployment.primary.driftNote ?? "drift is not monitored", {
        stream: id,
      });
    }
    const before = st.drift.last?.state ?? "insufficient";
    const r = st.drift.compute();
    this.noteDrift(st, before, r);
    return { stream: id, bundle_version: this.deployment.primary.version, ...r };
  }

  health() {
    const dep = this.deployment;
    return {
      status: this.closed ? "shutting_down" : "ok",
      route_version: this.routeVersion,
      uptime_s: Math.round((Date.now() - this.startedAt) / 1000),
      primary: dep.primary.describe(),
      fallback: dep.fallback?.describe() ?? null,
      streams: [...this.streams.values()].map((st) => ({
        stream: st.stream.id,
        rows: st.stream.rows,
        last_timestamp: st.stream.rows > 0 ? new Date(st.stream.lastTs).toISOString() : null,
        warm: st.stream.isWarm(dep.primary.warmupBars),
        broken: st.stream.broken,
        drift: st.drift?.last?.state ?? (st.drift ? "insufficient" : "disabled"),
      })),
    };
  }

  /**
   * Loads new bundles (by default the same paths again: a retrained bundle written in place), builds
   * any feature plan they add by replaying each stream's history in the background, then swaps
   * atomically. On any error nothing changes and the old bundles keep serving.
   */
  async reload(body: ReloadBody = {}): Promise<ReturnType<ServingService["health"]>> {
    if (this.reloading) throw new ServeError("RELOAD_FAILED", 409, "a reload is already running");
    this.reloading = true;
    const started = performance.now();
    const paths = {
      bundle: body?.bundle ?? this.paths.bundle,
      fallback: body?.fallback === undefined ? this.paths.fallback : body.fallback,
    };
    const loaded: BundleRuntime[] = [];
    try {
      const primary = await BundleRuntime.load(paths.bundle);
      loaded.push(primary);
      const fallback = paths.fallback ? await BundleRuntime.load(paths.fallback) : null;
      if (fallback) loaded.push(fallback);
      const next = deploymentOf(primary, fallback);
      for (const b of loaded) for (const note of b.notes) this.log.warn({ bundle: b.dir }, note);
      // Each stream's new drift window fills while a new primary plan is replayed.
      const monitorOf = () =>
        next.primary.drift
          ? new DriftMonitor(next.primary.drift, next.primary.warmupBars, this.driftOptions)
          : null;
      const replayed = new Map<
        StreamState,
        { engines: PlanEngine[]; monitor: DriftMonitor | null; regimes?: { install(): StreamRegimes } }
      >();
      for (const st of this.streams.values()) {
        // An engine keeping fewer rows than the new bundles' windows read is replayed keeping enough.
        const have = new Set(st.stream.planKeys().filter((k) => st.stream.engine(k).keep >= next.keep));
        const monitor = monitorOf();
        const engines: PlanEngine[] = [];
        for (const plan of next.plans) {
          if (have.has(plan.key)) continue;
          if (plan.selection.hasVolume && st.stream.history.missingVolume > 0) {
            throw new ServeError(
              "RELOAD_FAILED",
              422,
              `stream "${st.stream.id}" has bars without volume but the new bundle's features need volume`,
            );
          }
          const observer = plan.key === next.primary.plan.key ? monitor?.observe : null;
          engines.push(await st.stream.replayPlan(plan, observer));
        }
        replayed.set(st, {
          engines,
          monitor,
          regimes: await replayRegimes(st.stream, [next.primary, next.fallback]),
        });
      }
      // The swap: synchronous from here, so no request sees a half-built deployment.
      const keys = new Set(next.plans.map((p) => p.key));
      const primaryKey = next.primary.plan.key;
      for (const st of this.streams.values()) {
        const r = replayed.get(st) ?? { engines: [], monitor: monitorOf() };
        const observer = r.monitor?.observe ?? null;
        for (const e of r.engines) st.stream.adopt(e, e.plan.key === primaryKey ? observer : null);
        for (const plan of next.plans) {
          if (!st.stream.planKeys().includes(plan.key)) {
            st.stream.adopt(new PlanEngine(plan), plan.key === primaryKey ? observer : null);
          }
        }
        st.stream.retain(keys);
        st.stream.observe(this.deployment.primary.plan.key, null);
        st.stream.observe(primaryKey, observer);
        // Same features as before: the live window carries over (a new plan's was filled by its replay).
        if (st.drift && r.monitor && this.deployment.primary.plan.key === primaryKey)
          r.monitor.adoptWindow(st.drift);
        st.drift = r.monitor;
        st.regimes = r.regimes?.install() ?? attachRegimes(st.stream, [next.primary, next.fallback]);
      }
      const previous = this.deployment;
      this.deployment = next;
      this.paths = paths;
      for (const b of [previous.primary, previous.fallback]) b?.retire();
      this.metrics.reloads.inc({ result: "ok" });
      this.log.info(
        {
          primary: next.primary.describe(),
          fallback: next.fallback?.describe() ?? null,
          previous: previous.primary.version,
          seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
        },
        `reloaded: serving ${next.primary.name} ${next.primary.version} under /v${next.primary.major}`,
      );
      return this.health();
    } catch (e) {
      for (const b of loaded) b.retire();
      this.metrics.reloads.inc({ result: "error" });
      const why = e instanceof Error ? e.message : String(e);
      this.log.error(
        { cause: why, bundle: paths.bundle, fallback: paths.fallback },
        "reload failed: the previous bundles keep serving",
      );
      if (e instanceof ServeError) throw e;
      throw new ServeError("RELOAD_FAILED", 422, `reload failed, the previous bundles keep serving: ${why}`);
    } finally {
      this.reloading = false;
    }
  }

  /** Stops accepting work and releases the models (after in-flight requests finish). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.windows.close();
    this.deployment.primary.retire();
    this.deployment.fallback?.retire();
  }
}
