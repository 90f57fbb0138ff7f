/**
 * What a bundle serves, as one call: its base model (or, for an ensemble bundle, every base model and
 * the combination ensemble.json describes — stacking's meta-learner over the same meta-feature plan as
 * in training, or voting), then the calibration chain of p_up, then the conformal interval
 * (conformal.json: `uncertainty` is its width; predict also writes its bounds). Sessions are opened once
 * and reused, so batch predict and live serving run exactly the same code.
 */
import { z } from "zod";
import type { LoadedBundle } from "../bundle/index.ts";
import { BundleError } from "../core/errors.ts";
import { buildMetaFeatures, combineVoting, StackingPlanSchema } from "../ensembles/index.ts";
import { type CalibrationChain, loadCalibrationChain } from "../inference/calibration/index.ts";
import { type FittedConformal, loadConformal } from "../inference/conformal/index.ts";
import { GATING_FILE, RegimeGating } from "../inference/gating/regime-gating.ts";
import { openTabularSession, runTabular, type TabularSession } from "../models/onnx-runner.ts";
import type { ColumnTransform } from "../models/preprocessing.ts";
import { runWindows } from "../models/window-runner.ts";
import type { FeatureColumns } from "../views/feature-frame.ts";

export const ENSEMBLE_FILE = "ensemble.json";
/** The fitted conformal method (inference.uncertainty), when the bundle serves `uncertainty`. */
export const CONFORMAL_FILE = "conformal.json";

export const EnsembleSpecSchema = z.discriminatedUnion("method", [
  z.strictObject({
    format: z.literal("mlf-ensemble"),
    format_version: z.literal(1),
    method: z.literal("stacking"),
    base_models: z.array(z.string().min(1)).min(1),
    plan: StackingPlanSchema,
    meta: z.strictObject({ model: z.string(), name: z.string(), file: z.string(), input_name: z.string() }),
    outputs: z.array(z.string()).min(1),
  }),
  z.strictObject({
    format: z.literal("mlf-ensemble"),
    format_version: z.literal(1),
    method: z.literal("voting"),
    base_models: z.array(z.strictObject({ id: z.string().min(1), outputs: z.array(z.string()) })).min(1),
    voting_type: z.enum(["soft", "hard"]),
    weights: z.array(z.number()).nullable(),
    outputs: z.array(z.string()).min(1),
  }),
]);
export type EnsembleSpecJson = z.infer<typeof EnsembleSpecSchema>;

export const ConformalFileSchema = z.strictObject({
  format: z.literal("mlf-conformal"),
  format_version: z.literal(1),
  /** The per-bar scale the scores were normalised by (src/train/conformal.ts). */
  scale: z.strictObject({
    kind: z.literal("realized_volatility"),
    window: z.int().min(2),
    floor: z.number().positive(),
  }),
  fitted: z.unknown(),
  /** jackknife_plus: the manifest names of the K fold models, in fold order. */
  fold_models: z.array(z.string().min(1)).min(2).optional(),
});

/** The conformal interval's bounds, returned by `run` beside the served outputs (not in the manifest). */
export const INTERVAL_BOUNDS = ["uncertainty_lower", "uncertainty_upper"] as const;

export const CalibrationFileSchema = z.strictObject({
  format: z.literal("mlf-calibration"),
  format_version: z.literal(1),
  output: z.literal("p_up"),
  models: z.record(z.string(), z.unknown()),
});

/**
 * Where window models read their input: the feature frame, its transform (the bundle's scaler), and
 * the frame row of each predicted sample; the window of sample k is rows[k]−L+1 … rows[k].
 */
export interface WindowSource {
  frame: FeatureColumns;
  transform: ColumnTransform;
  rows: ArrayLike<number>;
}

export class ServedModels {
  private constructor(
    readonly outputs: readonly string[],
    private readonly bases: ReadonlyArray<{
      id: string;
      outputs: readonly string[];
      session: TabularSession;
      /** Window length of a window_tensor model; null for one that reads feature rows. */
      window: number | null;
    }>,
    private readonly ensemble: EnsembleSpecJson | null,
    private readonly meta: TabularSession | null,
    readonly calibration: CalibrationChain | null,
    private readonly conformal: FittedConformal | null,
    private readonly folds: readonly TabularSession[],
    /** Regime gating (gating.json): the gate replaces voting's weights; adds regime_score. */
    readonly gating: RegimeGating | null,
  ) {}

  static async open(bundle: LoadedBundle): Promise<ServedModels> {
    const m = bundle.manifest;
    const where = `bundle ${bundle.dir}`;
    const ensemble =
      ENSEMBLE_FILE in m.files ? await bundle.readJson(ENSEMBLE_FILE, EnsembleSpecSchema) : null;
    const entry = (name: string) => {
      const e = m.models.find((x) => x.name === name);
      if (e === undefined)
        throw new BundleError(`${where}: ${ENSEMBLE_FILE} names model ${name}, which manifest.json lacks`);
      return e;
    };
    const baseIds =
      ensemble === null
        ? [m.models[0]!.name]
        : ensemble.method === "stacking"
          ? ensemble.base_models
          : ensemble.base_models.map((b) => b.id);
    const bases = [];
    for (const id of baseIds) {
      const e = entry(id);
      const window = e.view === "window_tensor" ? e.input_shape![0]! : null;
      bases.push({
        id,
        outputs: e.outputs,
        session: await openTabularSession(await bundle.onnxBytes(id), e.input_name, `${where}: model ${id}`),
        window,
      });
    }
    let meta: TabularSession | null = null;
    if (ensemble?.method === "stacking") {
      const e = entry(ensemble.meta.name);
      meta = await openTabularSession(
        await bundle.onnxBytes(e.name),
        e.input_name,
        `${where}: model ${e.name}`,
      );
    }
    const conformalFile =
      CONFORMAL_FILE in m.files ? await bundle.readJson(CONFORMAL_FILE, ConformalFileSchema) : null;
    const conformal = conformalFile ? loadConformal(conformalFile.fitted) : null;
    const folds: TabularSession[] = [];
    for (const name of conformalFile?.fold_models ?? []) {
      const e = entry(name);
      folds.push(
        await openTabularSession(await bundle.onnxBytes(name), e.input_name, `${where}: model ${name}`),
      );
    }
    const gating =
      GATING_FILE in m.files
        ? RegimeGating.fromJSON(await bundle.readJson(GATING_FILE, z.unknown()), `${where}/${GATING_FILE}`)
        : null;
    if (gating !== null) {
      // A gate replaces voting's weights; stacking reads the regime probabilities as meta-features.
      const fits =
        gating.json.use === "gate"
          ? ensemble?.method === "voting"
          : ensemble?.method === "stacking" && ensemble.plan.regime.join() === gating.metaNames.join();
      if (!fits)
        throw new BundleError(
          `${where}: ${GATING_FILE} (use ${gating.json.use}) does not match ensemble.json's ${ensemble?.method ?? "absent"} ensemble`,
        );
    }
    const served = [
      ...(gating !== null && gating.json.use === "gate"
        ? gating.json.outputs
        : ensemble === null
          ? bases[0]!.outputs
          : ensemble.outputs),
      ...(gating !== null ? ["regime_score"] : []),
      ...(conformal ? ["uncertainty"] : []),
    ];
    for (const o of m.outputs) {
      if (!served.includes(o))
        throw new BundleError(`${where}: manifest.json serves ${o}, which its models do not produce`);
    }
    let calibration: CalibrationChain | null = null;
    if (m.calibration !== null) {
      const file = await bundle.readJson(m.calibration, CalibrationFileSchema);
      const key = ensemble === null ? baseIds[0]! : "ensemble";
      const chain = file.models[key];
      if (chain !== undefined) calibration = loadCalibrationChain(chain);
    }
    return new ServedModels(m.outputs, bases, ensemble, meta, calibration, conformal, folds, gating);
  }

  /** Whether `run` needs the per-row conformal scale (realised volatility at each row's bar). */
  get needsScale(): boolean {
    return this.conformal !== null;
  }

  /** The longest window a served model reads (1 when every model reads single feature rows). */
  get windowLength(): number {
    return Math.max(1, ...this.bases.map((b) => b.window ?? 1));
  }

  /**
   * The served outputs (calibrated) for `n` rows whose feature rows `fill` writes; window models
   * read the windows ending at `windows.rows` (n of them, the same rows) instead.
   */
  async run(
    n: number,
    features: number,
    fill: (from: number, to: number, out: Float32Array) => void,
    /** Per-row conformal scale (src/train/conformal.ts conformalScale at each row's bar), when needsScale. */
    scale?: Float64Array,
    windows?: WindowSource,
    /** Filtered regime probabilities of the n rows (K columns), when the bundle has gating.json. */
    regime?: readonly Float64Array[],
  ): Promise<Map<string, Float64Array>> {
    const per: Record<string, Record<string, Float64Array>> = {};
    for (const b of this.bases) {
      if (b.window === null) {
        per[b.id] = Object.fromEntries(await runTabular(b.session, n, features, b.outputs, fill));
        continue;
      }
      if (windows === undefined || windows.rows.length !== n) {
        throw new BundleError(
          `model ${b.id} reads windows of ${b.window} bars; this caller gives single feature rows (mlf predict runs window bundles; live serving does not yet)`,
        );
      }
      per[b.id] = Object.fromEntries(
        await runWindows(b.session, windows.frame, windows.transform, windows.rows, b.window, b.outputs),
      );
    }
    let raw: Record<string, Float64Array>;
    const e = this.ensemble;
    const g = this.gating;
    if (g !== null && (regime === undefined || regime.length !== g.nStates || regime[0]!.length !== n))
      throw new BundleError(
        "the bundle's regime gating needs the filtered regime probabilities of every row",
      );
    if (e === null) raw = per[this.bases[0]!.id]!;
    else if (g !== null && regime !== undefined && g.json.use === "gate") raw = g.combine(regime, per);
    else if (e.method === "voting") {
      raw = combineVoting(e.base_models, per, {
        votingType: e.voting_type,
        ...(e.weights ? { weights: e.weights } : {}),
      }).outputs;
    } else {
      const mf = buildMetaFeatures(e.plan, per, g !== null && regime ? g.metaFeatures(regime) : {});
      const k = mf.columns.length;
      const out = await runTabular(this.meta!, n, k, [e.plan.target], (from, to, buf) => {
        for (let i = from, o = 0; i < to; i++)
          for (let j = 0; j < k; j++) buf[o++] = Math.fround(mf.columns[j]![i]!);
      });
      raw = Object.fromEntries(out);
      if (g !== null && regime) raw.regime_score = g.regimeScore(regime);
    }
    let bounds: { lower: Float64Array; upper: Float64Array } | null = null;
    if (this.conformal !== null) {
      if (scale === undefined || scale.length !== n)
        throw new BundleError("the bundle's conformal intervals need a per-row volatility scale");
      const method = this.conformal.method;
      const need = (name: string) => {
        const v = raw[name];
        if (v === undefined)
          throw new BundleError(
            `the bundle's ${method} intervals need ${name}, which its models do not produce`,
          );
        return v;
      };
      const foldPoints: Float64Array[] = [];
      for (const s of this.folds)
        foldPoints.push((await runTabular(s, n, features, ["E_r"], fill)).get("E_r")!);
      const interval = this.conformal.apply(
        method === "cqr"
          ? { lower: need("q05"), upper: need("q95"), scale }
          : method === "jackknife_plus"
            ? { foldPoints, scale }
            : { point: need("E_r"), scale },
      );
      raw = { ...raw, uncertainty: interval.uncertainty };
      bounds = interval;
    }
    const result = new Map<string, Float64Array>();
    for (const name of this.outputs) {
      const values = raw[name];
      if (values === undefined) throw new BundleError(`the bundle's models produced no ${name}`);
      result.set(
        name,
        name === "p_up" && this.calibration !== null ? this.calibration.apply(values) : values,
      );
    }
    if (bounds !== null) {
      result.set(INTERVAL_BOUNDS[0], bounds.lower);
      result.set(INTERVAL_BOUNDS[1], bounds.upper);
    }
    return result;
  }

  async close(): Promise<void> {
    for (const b of this.bases) await b.session.session.release();
    await this.meta?.session.release();
    for (const s of this.folds) await s.session.release();
  }
}
