/**
 * `window_tensor`: (n, L, f) float32 windows of feature rows for sequence models, produced lazily
 * (see lazy-view.ts). The window ending at row t is rows t−L+1 … t, oldest first; rows t < L−1 have
 * no full window and are excluded. The window counts rows, like the label horizon: it spans session
 * gaps (docs/labels.md). NaN (feature warm-up) is passed through: choose rows whose window is past
 * the features' warm-up, or let the model impute.
 *
 * Gathering a window from columns touches f separate places in memory, which is latency-bound for
 * shuffled rows (measured: 1024 windows of 60 × 50 from 1M rows, ~32 ms). With `stage: true` the
 * view first writes the scaled features once as a row-major (n, f) float32 matrix (n·f·4 bytes, the
 * size of the features themselves; ~0.4 s for 1M × 50), after which each window is one contiguous
 * copy (~2–4 ms per such batch). Values are identical either way.
 */
import { ConfigError } from "../core/errors.ts";
import type { ScalerParams } from "../scalers/scaler-params.ts";
import type { FeatureColumns } from "./feature-frame.ts";
import { columnTransform } from "./feature-matrix.ts";
import type { LazyView } from "./lazy-view.ts";

export interface WindowTensorOptions {
  /** Fitted on train rows; applied to every value. */
  readonly scaler?: ScalerParams;
  /** Stage a row-major scaled copy of the features for fast shuffled batches (see above). */
  readonly stage?: boolean;
  /**
   * Treat windows holding any non-finite value (feature warm-up, a zero division) as incomplete, so
   * they are excluded and reported like rows without L predecessors. For models that cannot take NaN.
   */
  readonly requireFinite?: boolean;
  /**
   * Round each scaled value to float32 and replace non-finite ones by 0: the bundle's impute rule
   * (models/preprocessing.ts), which is what `mlf train` fits window models on and `mlf predict` feeds
   * them (models/window-runner.ts), so a window from this view equals theirs bit for bit.
   */
  readonly impute?: boolean;
}

/** Rows per block when staging: a block of rows × f floats stays in cache while it is transposed. */
const STAGE_BLOCK = 512;

export class WindowTensorView implements LazyView {
  readonly sampleShape: readonly [number, number];
  readonly length: number;
  private readonly center: Float64Array;
  private readonly scale: Float64Array;
  private readonly staged: Float32Array | null;
  private readonly impute: boolean;
  /** nonFiniteBefore[i] = rows < i with a non-finite feature; null unless requireFinite. */
  private readonly nonFiniteBefore: Int32Array | null;

  constructor(
    private readonly frame: FeatureColumns,
    readonly windowLength: number,
    opts: WindowTensorOptions = {},
  ) {
    if (!Number.isInteger(windowLength) || windowLength < 1) {
      throw new ConfigError(`window length ${windowLength} must be a positive whole number of bars`);
    }
    this.length = frame.length;
    this.sampleShape = [windowLength, frame.features.length];
    ({ center: this.center, scale: this.scale } = columnTransform(frame.featureNames, opts.scaler));
    this.impute = opts.impute ?? false;
    this.staged = opts.stage ? this.stageRowMajor() : null;
    this.nonFiniteBefore = opts.requireFinite ? this.countNonFiniteRows() : null;
  }

  private countNonFiniteRows(): Int32Array {
    const n = this.length;
    const bad = new Uint8Array(n);
    for (const col of this.frame.features)
      for (let i = 0; i < n; i++) if (!Number.isFinite(col[i])) bad[i] = 1;
    const before = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) before[i + 1] = before[i] + bad[i];
    return before;
  }

  private stageRowMajor(): Float32Array {
    const n = this.length;
    const f = this.frame.features.length;
    const out = new Float32Array(n * f);
    for (let i0 = 0; i0 < n; i0 += STAGE_BLOCK) {
      const i1 = Math.min(n, i0 + STAGE_BLOCK);
      for (let j = 0; j < f; j++) {
        const col = this.frame.features[j];
        const c = this.center[j];
        const s = this.scale[j];
        for (let i = i0, o = i0 * f + j; i < i1; i++, o += f) out[o] = (col[i] - c) / s;
      }
    }
    if (this.impute) for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i])) out[i] = 0;
    return out;
  }

  hasWindow(t: number): boolean {
    const first = t - this.windowLength + 1;
    if (!(first >= 0 && t < this.length)) return false;
    // A scaler with a NaN column (no finite training value) also makes values non-finite; the check
    // here is on the stored features, which is what warm-up affects.
    return this.nonFiniteBefore === null || this.nonFiniteBefore[t + 1] === this.nonFiniteBefore[first];
  }

  fill(rows: Int32Array, out: Float32Array): void {
    const L = this.windowLength;
    const f = this.frame.features.length;
    const cols = this.frame.features;
    const staged = this.staged;
    if (staged) {
      for (let k = 0; k < rows.length; k++) {
        const first = rows[k] - L + 1;
        out.set(staged.subarray(first * f, (first + L) * f), k * L * f);
      }
      return;
    }
    const impute = this.impute;
    for (let k = 0; k < rows.length; k++) {
      const first = rows[k] - L + 1;
      const base = k * L * f;
      for (let j = 0; j < f; j++) {
        const col = cols[j];
        const c = this.center[j];
        const s = this.scale[j];
        for (let l = 0; l < L; l++) {
          const o = base + l * f + j;
          out[o] = (col[first + l] - c) / s;
          if (impute && !Number.isFinite(out[o])) out[o] = 0;
        }
      }
    }
  }
}
