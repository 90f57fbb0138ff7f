/**
 * Stacking, TypeScript side: the plan of meta-feature columns (which model's which output, in which
 * order, transformed how) and the meta-feature matrix built from it. The meta-learners themselves
 * (ridge, elastic net, logistic, LightGBM-meta) are fitted by the Python workers on these columns.
 *
 * Fit the meta-learner on the matrix built from OOF predictions (src/cv/oof.ts) and its `complete`
 * rows; serve it on the matrix built, with the same plan, from the base models' predictions on new rows.
 *
 * Columns: for each base model in config order, one column per stackable output it has (p_up, then
 * E_r), named `<id>.<output>`; then the regime columns, named `regime.<name>`. With
 * `pUpTransform: "logit"` p_up columns hold ln(p / (1 − p)) with p clipped to [1e-6, 1 − 1e-6] (the
 * natural scale for a logistic meta-learner); the default "identity" keeps p.
 */
import { z } from "zod";
import { DataError } from "../core/errors.ts";
import {
  type BaseModelOutputs,
  checkStackable,
  defaultStackingTarget,
  STACKABLE_OUTPUTS,
  type StackingTarget,
} from "./compatibility.ts";

export const META_LOGIT_CLIP = 1e-6;

export const StackingPlanSchema = z.strictObject({
  target: z.enum(STACKABLE_OUTPUTS),
  p_up_transform: z.enum(["identity", "logit"]),
  columns: z.array(
    z.strictObject({
      name: z.string().min(1),
      model: z.string().min(1),
      output: z.enum(STACKABLE_OUTPUTS),
    }),
  ),
  regime: z.array(z.string().min(1)),
});
export type StackingPlan = z.infer<typeof StackingPlanSchema>;

export interface StackingPlanOptions {
  /** Default: p_up when any base model outputs p_up, else E_r. */
  readonly target?: StackingTarget;
  readonly pUpTransform?: "identity" | "logit";
  /** Names of regime feature columns appended after the model columns. */
  readonly regime?: readonly string[];
}

/** The meta-feature layout; throws IncompatibleModelsError when a model has neither p_up nor E_r. */
export function stackingPlan(
  models: readonly BaseModelOutputs[],
  options: StackingPlanOptions = {},
): StackingPlan {
  checkStackable(models);
  const regime = [...(options.regime ?? [])];
  if (new Set(regime).size !== regime.length)
    throw new DataError("stacking: regime column names must be distinct");
  return {
    target: options.target ?? defaultStackingTarget(models),
    p_up_transform: options.pUpTransform ?? "identity",
    columns: models.flatMap((m) =>
      STACKABLE_OUTPUTS.filter((o) => m.outputs.includes(o)).map((output) => ({
        name: `${m.id}.${output}`,
        model: m.id,
        output,
      })),
    ),
    regime,
  };
}

export interface MetaFeatures {
  /** Column names, in plan order (model columns, then regime columns). */
  readonly names: readonly string[];
  /** One Float64Array per column, all of length `rows`. */
  readonly columns: readonly Float64Array[];
  readonly rows: number;
  /** Row positions where every column is finite: the rows a meta-learner can fit on. */
  readonly complete: Int32Array;
}

/**
 * The meta-feature columns for `rows` rows: `predictions[modelId][output]` (OOF predictions for fitting,
 * the base models' predictions on new rows for serving) and `regime[name]`, all of one length.
 */
export function buildMetaFeatures(
  plan: StackingPlan,
  predictions: Readonly<Record<string, Readonly<Record<string, Float64Array>>>>,
  regime: Readonly<Record<string, Float64Array>> = {},
): MetaFeatures {
  const sources: { name: string; values: Float64Array; logit: boolean }[] = [];
  for (const c of plan.columns) {
    const byOutput = Object.hasOwn(predictions, c.model) ? predictions[c.model] : undefined;
    const values =
      byOutput !== undefined && Object.hasOwn(byOutput, c.output) ? byOutput[c.output] : undefined;
    if (values === undefined)
      throw new DataError(`stacking: no ${c.output} predictions for base model "${c.model}"`);
    sources.push({ name: c.name, values, logit: c.output === "p_up" && plan.p_up_transform === "logit" });
  }
  for (const name of plan.regime) {
    const values = Object.hasOwn(regime, name) ? regime[name] : undefined;
    if (values === undefined) throw new DataError(`stacking: regime column "${name}" is missing`);
    sources.push({ name: `regime.${name}`, values, logit: false });
  }
  if (sources.length === 0) throw new DataError("stacking: the plan has no columns");
  const rows = sources[0].values.length;
  for (const s of sources) {
    if (s.values.length !== rows) {
      throw new DataError(
        `stacking: column ${s.name} has ${s.values.length} rows, ${sources[0].name} has ${rows}`,
      );
    }
  }
  const columns = sources.map((s) => {
    if (!s.logit) return Float64Array.from(s.values);
    return Float64Array.from(s.values, (p) => {
      if (Number.isNaN(p)) return p;
      if (!(p >= 0 && p <= 1)) throw new DataError(`stacking: ${s.name} holds ${p}, not a probability`);
      const q = Math.min(Math.max(p, META_LOGIT_CLIP), 1 - META_LOGIT_CLIP);
      return Math.log(q) - Math.log1p(-q);
    });
  });
  let nComplete = 0;
  const ok = new Uint8Array(rows).fill(1);
  for (const c of columns) for (let i = 0; i < rows; i++) if (!Number.isFinite(c[i])) ok[i] = 0;
  for (let i = 0; i < rows; i++) nComplete += ok[i];
  const complete = new Int32Array(nComplete);
  for (let i = 0, k = 0; i < rows; i++) if (ok[i]) complete[k++] = i;
  return { names: sources.map((s) => s.name), columns, rows, complete };
}
