/**
 * Live drift of a stream's features against the bundle's train reference (drift-reference.ts).
 *
 * The last `window` warm rows of every feature are kept in ring buffers (float32, as computed). Per
 * feature, over the window's finite values, PSI, KS and Wasserstein-1 (drift-stats.ts). A statistic
 * counts as drifting when it is above its threshold and above `baselineFactor` times the largest
 * value a window of train rows reached by itself (the reference's baseline, when it has one). A
 * feature drifts when any statistic does; the stream is in `alert` when at least `minFeatures`
 * features drift. Fewer than `minSamples` finite values leave a feature unscored, and a window with
 * fewer than `minSamples` rows leaves the stream `insufficient`.
 */
import { type DriftReferenceJson, shapeOf } from "./drift-reference.ts";
import { driftStats } from "./drift-stats.ts";
import { Float32Sorter } from "./float-sort.ts";

export interface DriftOptions {
  /** Rows in the live window (default 1440: one day of 1m bars, the reference's baseline window). */
  window: number;
  /** Recompute in the background every this many rows (default 60)… */
  every: number;
  /** …and not more often than this (default 10 s): a replay or a burst of bars costs no more. */
  minIntervalMs: number;
  minSamples: number;
  thresholds: { psi: number; ks: number; wasserstein: number };
  /** Multiple of the train baseline a statistic must also exceed (default 1.5). */
  baselineFactor: number;
  /** Drifting features needed for an alert (default: 10% of the scored features, at least 1). */
  minFeatures: number | null;
}

export const DEFAULT_DRIFT: DriftOptions = {
  window: 1440,
  every: 60,
  minIntervalMs: 10_000,
  minSamples: 200,
  thresholds: { psi: 0.25, ks: 0.25, wasserstein: 0.5 },
  baselineFactor: 1.5,
  minFeatures: null,
};

/** Work per slice of a background drift computation, in ms: well under the 2 ms HTTP p99 target. */
export const DRIFT_SLICE_MS = 0.2;

export interface FeatureDrift {
  name: string;
  samples: number;
  psi: number | null;
  ks: number | null;
  wasserstein: number | null;
  wasserstein_std: number | null;
  nan_fraction: number | null;
  reference_nan_fraction: number;
  drifting: boolean;
}

export type DriftState = "ok" | "alert" | "insufficient";

export interface DriftReport {
  state: DriftState;
  window: number;
  rows_in_window: number;
  rows_observed: number;
  scored_features: number;
  drifting_features: number;
  min_features: number;
  thresholds: DriftOptions["thresholds"];
  baseline_factor: number;
  max: { psi: number | null; ks: number | null; wasserstein_std: number | null };
  features: FeatureDrift[];
}

/** Per-feature statistics of one computation, one slot per feature; NaN where the report says null. */
interface DriftResults {
  samples: Float64Array;
  nanFraction: Float64Array;
  psi: Float64Array;
  ks: Float64Array;
  wasserstein: Float64Array;
  wassersteinStd: Float64Array;
  drifting: Uint8Array;
}

function newResults(n: number): DriftResults {
  return {
    samples: new Float64Array(n),
    nanFraction: new Float64Array(n),
    psi: new Float64Array(n),
    ks: new Float64Array(n),
    wasserstein: new Float64Array(n),
    wassersteinStd: new Float64Array(n),
    drifting: new Uint8Array(n),
  };
}

function copyResults(r: DriftResults): DriftResults {
  return {
    samples: r.samples.slice(),
    nanFraction: r.nanFraction.slice(),
    psi: r.psi.slice(),
    ks: r.ks.slice(),
    wasserstein: r.wasserstein.slice(),
    wassersteinStd: r.wassersteinStd.slice(),
    drifting: r.drifting.slice(),
  };
}

const orNull = (v: number) => (Number.isNaN(v) ? null : v);

function featureOf(reference: DriftReferenceJson, r: DriftResults, j: number): FeatureDrift {
  const ref = reference.features[j]!;
  return {
    name: ref.name,
    samples: r.samples[j]!,
    nan_fraction: orNull(r.nanFraction[j]!),
    reference_nan_fraction: ref.nan_fraction,
    psi: orNull(r.psi[j]!),
    ks: orNull(r.ks[j]!),
    wasserstein: orNull(r.wasserstein[j]!),
    wasserstein_std: orNull(r.wassersteinStd[j]!),
    drifting: r.drifting[j] === 1,
  };
}

export class DriftMonitor {
  private readonly rings: Float32Array[];
  private next = 0;
  private filled = 0;
  private observed = 0;
  private sinceUpdate = 0;
  private computedAt = Number.NEGATIVE_INFINITY;
  /** The window's finite values of one feature, ascending. */
  private readonly scratch: Float64Array;
  private readonly sorter: Float32Sorter;
  /** The last computation's per-feature statistics (NaN: none). */
  private readonly results: DriftResults;
  private readonly scored: number[];
  last: DriftReport | null = null;

  constructor(
    readonly reference: DriftReferenceJson,
    /** Stream rows before this index are warm-up and not observed. */
    readonly warmupBars: number,
    readonly options: DriftOptions = DEFAULT_DRIFT,
  ) {
    this.rings = reference.features.map(() => new Float32Array(options.window));
    this.scratch = new Float64Array(options.window);
    this.sorter = new Float32Sorter(options.window);
    this.results = newResults(reference.features.length);
    this.scored = reference.features.flatMap((f, j) => (f.quantiles !== null ? [j] : []));
  }

  get minFeatures(): number {
    return this.options.minFeatures ?? Math.max(1, Math.ceil(0.1 * this.scored.length));
  }

  /** A RowsObserver: cols are the plan's columns, in the reference's order. */
  observe = (cols: readonly Float32Array[], firstRow: number, n: number): void => {
    const start = Math.max(0, this.warmupBars - firstRow);
    const w = this.options.window;
    // Only the last `window` rows of a large block can matter.
    const from = Math.max(start, n - w);
    for (let r = from; r < n; r++) {
      for (let j = 0; j < this.rings.length; j++) this.rings[j][this.next] = cols[j][r];
      this.next = this.next + 1 === w ? 0 : this.next + 1;
    }
    const added = Math.max(0, n - start);
    this.filled = Math.min(w, this.filled + added);
    this.observed += added;
    this.sinceUpdate += added;
  };

  /** Takes over another monitor's live window (same feature columns, e.g. after a reload). */
  adoptWindow(old: DriftMonitor): void {
    if (old.rings.length !== this.rings.length || old.options.window !== this.options.window) return;
    for (let j = 0; j < this.rings.length; j++) this.rings[j].set(old.rings[j]);
    this.next = old.next;
    this.filled = old.filled;
    this.observed = old.observed;
    this.sinceUpdate = old.sinceUpdate;
  }

  /** True when `every` rows have come in and `minIntervalMs` has passed since the last computation. */
  get due(): boolean {
    return (
      this.sinceUpdate >= this.options.every && Date.now() - this.computedAt >= this.options.minIntervalMs
    );
  }

  /**
   * One feature's statistics over the current window, into the result arrays. A background pass
   * keeps no object per feature: 64 streams × 258 features of report objects surviving young
   * collections made every scavenge of a drift burst 2–3x longer, then a major GC after each.
   */
  private computeFeature(j: number): void {
    const ref = this.reference.features[j]!;
    const r = this.results;
    const m = this.sorter.sortFinite(this.rings[j], this.filled, this.scratch);
    r.samples[j] = m;
    r.nanFraction[j] = this.filled > 0 ? (this.filled - m) / this.filled : Number.NaN;
    if (ref.quantiles === null || m < this.options.minSamples) {
      r.psi[j] = r.ks[j] = r.wasserstein[j] = r.wassersteinStd[j] = Number.NaN;
      r.drifting[j] = 0;
      return;
    }
    const s = driftStats(shapeOf(ref), this.scratch, m);
    const t = this.options.thresholds;
    const k = this.options.baselineFactor;
    const b = ref.baseline;
    const past = (v: number | null, threshold: number, base: number | null | undefined) =>
      v !== null && v > threshold && (base === null || base === undefined || v > k * base);
    r.psi[j] = s.psi;
    r.ks[j] = s.ks;
    r.wasserstein[j] = s.wasserstein;
    r.wassersteinStd[j] = s.wasserstein_std ?? Number.NaN;
    r.drifting[j] =
      past(s.psi, t.psi, b?.psi) ||
      past(s.ks, t.ks, b?.ks) ||
      past(s.wasserstein_std, t.wasserstein, b?.wasserstein_std)
        ? 1
        : 0;
  }

  /** One feature's statistics over the current window. */
  featureDrift(j: number): FeatureDrift {
    this.computeFeature(j);
    return featureOf(this.reference, this.results, j);
  }

  /** Assembles a report from the result arrays (every feature computed); features built on first read. */
  private report(): DriftReport {
    this.sinceUpdate = 0;
    this.computedAt = Date.now();
    const r = this.results;
    let scored = 0;
    let drifting = 0;
    const max = {
      psi: null as number | null,
      ks: null as number | null,
      wasserstein_std: null as number | null,
    };
    const up = (a: number | null, v: number) => (Number.isNaN(v) || (a !== null && a >= v) ? a : v);
    for (let j = 0; j < this.reference.features.length; j++) {
      if (Number.isNaN(r.psi[j]!)) continue;
      scored++;
      drifting += r.drifting[j]!;
      max.psi = up(max.psi, r.psi[j]!);
      max.ks = up(max.ks, r.ks[j]!);
      max.wasserstein_std = up(max.wasserstein_std, r.wassersteinStd[j]!);
    }
    const state: DriftState =
      this.filled < this.options.minSamples || scored === 0
        ? "insufficient"
        : drifting >= this.minFeatures
          ? "alert"
          : "ok";
    const frozen = copyResults(r);
    const reference = this.reference;
    let features: FeatureDrift[] | null = null;
    this.last = {
      state,
      window: this.options.window,
      rows_in_window: this.filled,
      rows_observed: this.observed,
      scored_features: scored,
      drifting_features: drifting,
      min_features: this.minFeatures,
      thresholds: this.options.thresholds,
      baseline_factor: this.options.baselineFactor,
      max,
      get features() {
        features ??= reference.features.map((_, j) => featureOf(reference, frozen, j));
        return features;
      },
    };
    return this.last;
  }

  /** Every feature now, synchronously. */
  compute(): DriftReport {
    for (let j = 0; j < this.reference.features.length; j++) this.computeFeature(j);
    return this.report();
  }

  /**
   * The same in slices of about `sliceMs` of work (features are computed whole, ~30–90 µs each),
   * with the event loop served in between: a request waits behind one slice at most.
   */
  async computeInSlices(sliceMs = DRIFT_SLICE_MS): Promise<DriftReport> {
    let sliceEnd = performance.now() + sliceMs;
    for (let j = 0; j < this.reference.features.length; j++) {
      this.computeFeature(j);
      if (performance.now() >= sliceEnd && j + 1 < this.reference.features.length) {
        await new Promise<void>((r) => setImmediate(r));
        sliceEnd = performance.now() + sliceMs;
      }
    }
    return this.report();
  }
}
