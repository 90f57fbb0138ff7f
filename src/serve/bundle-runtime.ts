/**
 * One loaded bundle ready to answer a feature row: verified on load (loadPredictor → loadBundle
 * checks every checksum and the schema), its feature plan checked against the engine, what it
 * serves opened once (ServedModels: the base model, or every base model and the ensemble's
 * combination, then the calibration chain), the train-fitted scaler as per-column center/scale, and
 * the optional drift reference.
 *
 * A row goes through exactly the code `mlf predict` runs, with one row instead of many:
 * modelInputRowMajor (scale in float64, round to float32, non-finite → 0), then ServedModels.run
 * (onnxruntime with the same single-threaded session options, the ensemble, calibration of p_up).
 * onnxruntime computes each row of a batch independently, so the row's outputs are the bits
 * predict writes for that bar (checked on real data by tests/serve/acceptance.test.ts).
 */
import { featureSchemaSha256 } from "../bundle/manifest.ts";
import { BundleError } from "../core/errors.ts";
import type { RegimeGating } from "../inference/gating/regime-gating.ts";
import { type ColumnTransform, modelInputRowMajor, transformOf } from "../models/preprocessing.ts";
import { type LoadedPredictor, loadPredictor } from "../predict/predict.ts";
import { ENSEMBLE_FILE, INTERVAL_BOUNDS, ServedModels } from "../predict/served-models.ts";
import { CONFORMAL_SCALE, conformalScale } from "../train/conformal.ts";
import type { FeatureColumns } from "../views/feature-frame.ts";
import { DRIFT_REFERENCE_FILE, DriftReferenceJson } from "./drift-reference.ts";
import { type FeaturePlanSpec, planOf } from "./feature-plan.ts";
import { rowBatchWidth } from "./row-batch.ts";
import { liveWindows, type RunSamples, windowLengthOf, windowProbe } from "./window-input.ts";

const ROW0 = Int32Array.of(0);

/**
 * One bar's model input: the scaled feature row, the conformal scale when the bundle needs one, and
 * the stream's filtered regime probabilities at the bar when the bundle gates by regime.
 */
export interface ModelInput {
  x: Float32Array;
  scale: Float64Array | null;
  /** A window bundle's input: the stream's last L raw feature rows, oldest first (else absent). */
  window?: FeatureColumns | null;
  regime?: Float64Array | null;
}

/** K columns of w rows, each row the same probabilities (a row batch of copies). */
function regimeColumns(probs: Float64Array, w: number): Float64Array[] {
  return Array.from(probs, (p) => new Float64Array(w).fill(p));
}

/** Why a model gave no usable answer. */
export class ModelFailure extends Error {
  override readonly name = "ModelFailure";
  constructor(
    readonly reason: "error" | "non_finite" | "timeout",
    message: string,
  ) {
    super(message);
  }
}

export class BundleRuntime {
  readonly name: string;
  readonly version: string;
  readonly major: number;
  readonly checksum: string;
  /** Bars before the first answered one: the feature warm-up, plus L − 1 for a window bundle. */
  readonly warmupBars: number;
  /** The longest window a served model reads (L), or 0 when every model reads feature rows. */
  readonly windowLength: number;
  readonly outputs: readonly string[];
  readonly featureNames: readonly string[];
  private readonly transform: ColumnTransform;
  /** Requests using this runtime right now; the session is released when 0 after retirement. */
  private inFlight = 0;
  private retired = false;
  private released = false;

  private constructor(
    readonly dir: string,
    private readonly predictor: LoadedPredictor,
    readonly plan: FeaturePlanSpec,
    private readonly served: ServedModels,
    readonly drift: DriftReferenceJson | null,
    /** Why there is no drift reference, when there is none. */
    readonly driftNote: string | null,
    /** What the operator should know about this bundle (logged at load). */
    readonly notes: readonly string[],
    /** Copies of a row evaluated together so it takes predict's code path (row-batch.ts). */
    readonly rowBatch: number,
  ) {
    const m = predictor.bundle.manifest;
    this.name = m.name;
    this.version = m.version;
    this.major = Number.parseInt(m.version.split(".")[0]!, 10);
    this.checksum = predictor.bundle.bundle_checksum;
    // As `mlf predict`: the feature warm-up, or the manifest's when window models need more.
    this.warmupBars = Math.max(predictor.pre.warmupBars, m.warmup_bars);
    this.windowLength = windowLengthOf(m);
    this.outputs = predictor.outputs;
    this.featureNames = predictor.pre.featureNames;
    this.transform = transformOf(predictor.pre.featureNames, predictor.pre.scaler);
  }

  /** Verifies and loads `dir`; any problem is a BundleError naming the file. */
  static async load(dir: string, opts: { expectChecksum?: string } = {}): Promise<BundleRuntime> {
    const predictor = await loadPredictor(dir);
    if (opts.expectChecksum !== undefined && predictor.bundle.bundle_checksum !== opts.expectChecksum) {
      throw new BundleError(
        `bundle ${dir}: checksum ${predictor.bundle.bundle_checksum} is not the expected ${opts.expectChecksum}`,
      );
    }
    const m = predictor.bundle.manifest;
    const notes: string[] = [];
    const rolls = predictor.pre.rollHandling;
    if (rolls === "adjust_ratio" || rolls === "adjust_difference") {
      notes.push(
        `bundle ${m.name} ${m.version} adjusts features at contract rolls (rolls.handling ${rolls}): send each bar's "contract" so rolls are found and adjusted as in training; a stream without contracts is served on the series as given, as mlf predict does for data without a contract column`,
      );
    }
    const plan = planOf(predictor.pre, `bundle ${dir}`);
    let drift: DriftReferenceJson | null = null;
    let driftNote: string | null = null;
    if (DRIFT_REFERENCE_FILE in m.files) {
      drift = await predictor.bundle.readJson(DRIFT_REFERENCE_FILE, DriftReferenceJson);
      const names = drift.features.map((f) => f.name);
      const sha = featureSchemaSha256(
        names,
        names.map(() => "float32"),
      );
      if (sha !== m.feature_schema.sha256 || drift.feature_schema_sha256 !== m.feature_schema.sha256) {
        throw new BundleError(
          `bundle ${dir}: ${DRIFT_REFERENCE_FILE} describes other features than manifest.json's feature_schema`,
        );
      }
    } else {
      driftNote = `bundle ${m.name} ${m.version} has no ${DRIFT_REFERENCE_FILE}: drift is not monitored`;
      notes.push(driftNote);
    }
    const served = await ServedModels.open(predictor.bundle);
    const features = predictor.pre.featureNames.length;
    const runSamples: RunSamples = (rows, fill, windows) =>
      served.run(
        rows,
        features,
        fill,
        served.needsScale ? new Float64Array(rows).fill(1e-3) : undefined,
        windows,
        served.gating ? regimeColumns(served.gating.tracker().probs, rows) : undefined,
      );
    const L = windowLengthOf(m);
    const batch =
      L === 0
        ? await rowBatchWidth(
            (rows, fill) => runSamples(rows, (_from, _to, out) => fill(out)),
            features,
            m.outputs,
          )
        : await rowBatchWidth(
            windowProbe(runSamples, predictor.pre.featureNames, L),
            L * features,
            m.outputs,
          );
    if (batch.note) notes.push(`bundle ${m.name} ${m.version}: ${batch.note}`);
    return new BundleRuntime(dir, predictor, plan, served, drift, driftNote, notes, batch.width);
  }

  /** The bundle's regime gating (gating.json), whose filter state each stream carries; or null. */
  get gating(): RegimeGating | null {
    return this.served.gating;
  }

  /** The served model's name, or "ensemble". */
  get model(): string {
    return ENSEMBLE_FILE in this.predictor.bundle.manifest.files ? "ensemble" : this.predictor.model.name;
  }

  /**
   * What the models read for the bar at index `t` of `close`: its feature row (row[j][0] is column
   * j) scaled exactly as predict does, and, for a bundle with conformal intervals, the bar's realised
   * volatility scale (conformalScale over the closes up to it, as predict computes it on the file).
   */
  input(
    row: readonly Float32Array[],
    close: Float64Array,
    t: number,
    /** The stream's filtered regime probabilities at bar t (copied now: the stream moves on). */
    regime: Float64Array | null = null,
  ): ModelInput {
    const frame: FeatureColumns = { length: 1, featureNames: this.featureNames, features: row };
    const x = new Float32Array(this.featureNames.length);
    modelInputRowMajor(frame, this.transform, ROW0, 0, 1, x);
    const r = regime === null ? null : regime.slice();
    if (!this.served.needsScale) return { x, scale: null, regime: r };
    const from = Math.max(0, t - CONFORMAL_SCALE.window);
    return { x, scale: Float64Array.of(conformalScale(close.subarray(from, t + 1)).at(-1)!), regime: r };
  }

  /**
   * Outputs for one model input row; rejects with a ModelFailure when onnxruntime fails or any
   * output is not finite. Never resolves with NaN or infinity.
   */
  async run(input: ModelInput): Promise<Record<string, number>> {
    this.inFlight++;
    try {
      let raw: Map<string, Float64Array>;
      try {
        const { x, scale } = input;
        const w = this.rowBatch;
        if (this.served.gating !== null && !input.regime)
          throw new Error(
            "this bundle gates by regime: its answers need a stream's filter state (use /bars)",
          );
        raw = await this.served.run(
          w,
          x.length,
          (_from, _to, out) => {
            for (let k = 0; k < w; k++) out.set(x, k * x.length);
          },
          scale === null ? undefined : w === 1 ? scale : new Float64Array(w).fill(scale[0]!),
          this.windowsOf(input, w),
          input.regime ? regimeColumns(input.regime, w) : undefined,
        );
      } catch (e) {
        throw new ModelFailure(
          "error",
          `model ${this.model} of ${this.name} ${this.version} failed: ${(e as Error).message.split("\n")[0]}`,
        );
      }
      const result: Record<string, number> = {};
      // A bundle with conformal intervals also answers their bounds (docs/conformal.md).
      const bounds = INTERVAL_BOUNDS.filter((b) => raw.has(b));
      for (const name of [...this.outputs, ...bounds]) {
        const v = raw.get(name)?.[0];
        if (v === undefined || !Number.isFinite(v)) {
          throw new ModelFailure(
            "non_finite",
            `model ${this.model} of ${this.name} ${this.version} gave ${name} = ${v}`,
          );
        }
        result[name] = v;
      }
      return result;
    } finally {
      this.inFlight--;
      if (this.retired && this.inFlight === 0) void this.release();
    }
  }

  /** The window source of a row batch of `w` copies; a window bundle refuses an input without one. */
  private windowsOf(input: ModelInput, w: number) {
    if (this.windowLength === 0) return undefined;
    if (!input.window || input.window.length !== this.windowLength)
      throw new Error(`this bundle's models read windows of ${this.windowLength} feature rows`);
    return liveWindows(input.window, this.transform, w);
  }

  /** No new requests will use this runtime; its session is released once the last one is done. */
  retire(): void {
    this.retired = true;
    if (this.inFlight === 0) void this.release();
  }

  private async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.served.close().catch(() => undefined);
  }

  describe() {
    return {
      name: this.name,
      version: this.version,
      checksum: this.checksum,
      model: this.model,
      dir: this.dir,
      warmup_bars: this.warmupBars,
      window_length: this.windowLength,
      row_batch: this.rowBatch,
      features: this.featureNames.length,
      outputs: [...this.outputs],
      drift_reference: this.drift !== null,
    };
  }
}
