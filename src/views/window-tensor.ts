/**
 * `window_tensor`: (n, L, f) float32 windows of feature rows for sequence models, produced lazily
 * (see lazy-view.ts). The window ending at row t is rows t−L+1 … t, oldest first; rows t < L−1 have
 * no full window and are excluded. The window counts rows, like the label horizon: it spans session
 * gaps (docs/labels.md). NaN (feature warm-up) is passed through: choose rows whose window is past
 * the features' warm-up, or let the model impute.
 */
import { ConfigError } from "../core/errors.ts";
import type { ScalerParams } from "../scalers/scaler-params.ts";
import type { FeatureColumns } from "./feature-frame.ts";
import { columnTransform } from "./feature-matrix.ts";
import type { LazyView } from "./lazy-view.ts";

export class WindowTensorView implements LazyView {
  readonly sampleShape: readonly [number, number];
  readonly length: number;
  private readonly center: Float64Array;
  private readonly scale: Float64Array;

  constructor(
    private readonly frame: FeatureColumns,
    readonly windowLength: number,
    scaler?: ScalerParams,
  ) {
    if (!Number.isInteger(windowLength) || windowLength < 1) {
      throw new ConfigError(`window length ${windowLength} must be a positive whole number of bars`);
    }
    this.length = frame.length;
    this.sampleShape = [windowLength, frame.features.length];
    ({ center: this.center, scale: this.scale } = columnTransform(frame.featureNames, scaler));
  }

  hasWindow(t: number): boolean {
    return t >= this.windowLength - 1 && t < this.length;
  }

  fill(rows: Int32Array, out: Float32Array): void {
    const L = this.windowLength;
    const f = this.frame.features.length;
    const cols = this.frame.features;
    for (let k = 0; k < rows.length; k++) {
      const first = rows[k] - L + 1;
      const base = k * L * f;
      for (let j = 0; j < f; j++) {
        const col = cols[j];
        const c = this.center[j];
        const s = this.scale[j];
        for (let l = 0; l < L; l++) out[base + l * f + j] = (col[first + l] - c) / s;
      }
    }
  }
}
