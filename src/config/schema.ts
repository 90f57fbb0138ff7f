/**
 * One YAML file = one complete experiment, in the shape of the charter's six sample configs:
 * `symbol`, `data`, `labels`, `splits`, `seed`, `base_models`, `ensemble`, `inference`, `policy`
 * (plus `features`, `backtest` and `workers`). Parsed once at the edge (loadConfig), then frozen.
 *
 * Every key has a documented default, so an empty file is a valid config (it fits nothing). Each
 * `base_models[].config` is validated against that model's own parameter schema from the registry
 * (src/registry), with defaults applied and unknown keys refused; a model, ensemble, calibrator,
 * conformal method or policy that is not registered fails here, before any work starts.
 */
import { z } from "zod";
import { contractSymbols, findContract } from "../contracts/index.ts";
import { checkStackable, defaultStackingTarget, votingPlan } from "../ensembles/compatibility.ts";
import {
  ENSEMBLES,
  findEnsemble,
  findInference,
  findMetaLearner,
  findModel,
  findPolicy,
  INFERENCE_COMPONENTS,
  INPUT_VIEWS,
  META_LEARNERS,
  MODELS,
  OUTPUT_NAMES,
  POLICIES,
  registeredNames,
} from "../registry/index.ts";
import { WorkersConfig } from "../workers/config.ts";

export const DataConfig = z
  .strictObject({
    /** Path to 1m OHLCV (.csv, .csv.gz, .parquet, .arrow). Absent: the embedded synthetic generator. */
    path: z.string().min(1).optional(),
    /** Bars generated when no path is given. */
    synth_bars: z.int().min(1000).default(200_000),
    synth_seed: z.int().min(0).default(7),
  })
  .prefault({});

export const FEATURE_FAMILIES = [
  "momentum",
  "volatility",
  "volume",
  "microstructure",
  "regime",
  "interaction",
  "wavelet",
  "statistics",
  "time",
] as const;

export const FeaturesConfig = z
  .strictObject({
    /** Families to compute; default all registered. */
    families: z.array(z.enum(FEATURE_FAMILIES)).min(1).optional(),
    /** Column names to leave out. */
    exclude: z.array(z.string()).default([]),
    /** Rows per Arrow record batch (and per engine chunk). */
    chunk_rows: z
      .int()
      .min(1)
      .max(1 << 22)
      .default(65_536),
  })
  .prefault({});

export const LabelsConfig = z
  .strictObject({
    k_up: z.number().positive().default(1.5),
    k_down: z.number().positive().default(1.5),
    /** Vertical barrier, in 1m bars. */
    horizon: z.int().min(1).default(30),
    /**
     * Round-trip cost in ticks, charged against both barriers. Leave it out: it is then derived from
     * the backtest's costs, 2 × (commission_per_side / tick_value + slippage_ticks), so labels and
     * backtest count the same money. Given, it overrides that figure.
     */
    cost_ticks: z.number().min(0).optional(),
    atr_period: z.int().min(1).default(14),
    /** false (default): no label window spans a session break of the contract's calendar. */
    span_sessions: z.boolean().default(false),
  })
  .prefault({});

export const SplitsConfig = z
  .strictObject({
    train: z.number().gt(0).lt(1).default(0.7),
    val: z.number().gt(0).lt(1).default(0.15),
    test: z.number().gt(0).lt(1).default(0.15),
    /** Bars dropped before each boundary whose label window reaches the next split. */
    purge_bars: z.int().min(0).default(60),
    /** Bars skipped after each boundary. */
    embargo_bars: z.int().min(0).default(1440),
  })
  .prefault({})
  .superRefine((s, ctx) => {
    const sum = s.train + s.val + s.test;
    if (Math.abs(sum - 1) > 1e-9) {
      ctx.addIssue({
        code: "custom",
        message: `train + val + test must sum to 1, was ${Number(sum.toPrecision(12))}`,
        path: [],
      });
    }
  });

const OutputName = z.enum(OUTPUT_NAMES);

/**
 * One base model. `config` is checked against the registered model's parameter schema and replaced by
 * the resolved parameters (defaults filled in); `view` defaults to the model's first view; `id` (the
 * name of its file in the bundle) defaults to `name` and must be unique.
 */
export const BaseModelConfig = z
  .strictObject({
    name: z.string().min(1),
    id: z
      .string()
      .regex(/^[a-z0-9_][a-z0-9_-]*$/, "must be lowercase letters, digits, _ or -")
      .optional(),
    view: z.enum(INPUT_VIEWS).optional(),
    outputs: z.array(OutputName).min(1),
    zero_shot: z.boolean().optional(),
    config: z.record(z.string(), z.unknown()).default({}),
  })
  .transform((m, ctx) => {
    const entry = findModel(m.name);
    if (entry === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["name"],
        message: `model "${m.name}" is not registered yet (registered: ${registeredNames(MODELS)})`,
      });
      return z.NEVER;
    }
    const view = m.view ?? entry.views[0]!;
    if (!entry.views.includes(view)) {
      ctx.addIssue({
        code: "custom",
        path: ["view"],
        message: `${entry.name} takes ${entry.views.join(" or ")}, was ${view}`,
      });
    }
    m.outputs.forEach((o, i) => {
      if (!entry.outputs.includes(o)) {
        ctx.addIssue({
          code: "custom",
          path: ["outputs", i],
          message: `${entry.name} cannot output ${o} (it outputs ${entry.outputs.join(", ")})`,
        });
      }
    });
    if (new Set(m.outputs).size !== m.outputs.length) {
      ctx.addIssue({ code: "custom", path: ["outputs"], message: "lists an output twice" });
    }
    if (m.zero_shot !== undefined && m.zero_shot !== entry.zeroShot) {
      ctx.addIssue({
        code: "custom",
        path: ["zero_shot"],
        message: `${entry.name} is ${entry.zeroShot ? "" : "not "}zero-shot, was ${m.zero_shot}`,
      });
    }
    const params = entry.params.safeParse(m.config, { reportInput: true });
    if (!params.success) {
      for (const issue of params.error.issues) ctx.addIssue({ ...issue, path: ["config", ...issue.path] });
      return z.NEVER;
    }
    return { name: m.name, id: m.id ?? m.name, view, outputs: m.outputs, config: params.data };
  });

const OofConfig = z.strictObject({
  n_folds: z.int().min(2).max(50).default(5),
  purge_bars: z.int().min(0).default(60),
  embargo_bars: z.int().min(0).default(1440),
});

/** Regime gating (src/train/gating.ts, docs/ensembles.md "Regime gating"). */
const GatingConfig = z.strictObject({
  enabled: z.boolean().default(false),
  method: z.string().min(1).optional(),
  /** HMM observables: feature columns, "log:<name>" for ln of one; empty = ret_mean20_1m, log:ret_std20_1m. */
  regime_features: z.array(z.string().min(1)).default([]),
  /** The observable that orders the states (calm → turbulent); default the last regime feature. */
  volatility_feature: z.string().min(1).optional(),
  n_states: z.int().min(2).max(8).default(3),
  covariance_type: z.enum(["diag", "full"]).default("diag"),
  n_iter: z.int().min(1).max(10_000).default(100),
  tol: z.number().positive().default(1e-4),
  /** EM restarts (seed, seed + 1, ...); the best train log-likelihood is kept. */
  n_init: z.int().min(1).max(100).default(4),
  /** Ridge penalty on the gate's logits. */
  l2: z.number().min(0).default(1e-3),
});

export const EnsembleConfig = z
  .strictObject({
    enabled: z.boolean().default(false),
    method: z.string().min(1).optional(),
    /** Stacking: the meta-learner (src/registry/meta-learners.ts) and its parameters. */
    meta_learner: z.string().min(1).optional(),
    meta_config: z.record(z.string(), z.unknown()).default({}),
    /** Stacking: p_up columns as probabilities or as logits. */
    p_up_transform: z.enum(["identity", "logit"]).default("identity"),
    voting_type: z.enum(["soft", "hard"]).default("soft"),
    /** Voting: one weight per base model, in config order (default equal). */
    weights: z.array(z.number().min(0)).optional(),
    oof: OofConfig.prefault({}),
    gating: GatingConfig.optional(),
  })
  .prefault({})
  .transform((e, ctx) => {
    if (!e.enabled) return { ...e, meta_config: {} as Record<string, unknown> };
    if (e.method === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["method"],
        message: "is required when ensemble.enabled is true",
      });
      return z.NEVER;
    }
    if (findEnsemble(e.method) === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["method"],
        message: `ensemble "${e.method}" is not registered yet (registered: ${registeredNames(ENSEMBLES)})`,
      });
      return z.NEVER;
    }
    if (e.gating?.enabled) {
      const gates = INFERENCE_COMPONENTS.filter((c) => c.kind === "gating");
      if (e.gating.method === undefined || findInference(e.gating.method, "gating") === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["gating", "method"],
          message: `gating "${e.gating.method ?? ""}" is not registered yet (registered: ${registeredNames(gates)})`,
        });
        return z.NEVER;
      }
      if (e.method === "voting" && e.voting_type !== "soft") {
        ctx.addIssue({
          code: "custom",
          path: ["gating", "enabled"],
          message:
            "regime gating replaces soft voting's fixed weights: use voting_type soft, or stacking (the regime probabilities become meta-features)",
        });
        return z.NEVER;
      }
    }
    let meta_config: Record<string, unknown> = {};
    if (e.method === "stacking") {
      const name = e.meta_learner;
      const entry = name === undefined ? undefined : findMetaLearner(name);
      if (entry === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["meta_learner"],
          message:
            name === undefined
              ? `is required for stacking (registered: ${registeredNames(META_LEARNERS)})`
              : `meta-learner "${name}" is not registered yet (registered: ${registeredNames(META_LEARNERS)})`,
        });
        return z.NEVER;
      }
      const parsed = entry.params.safeParse(e.meta_config, { reportInput: true });
      if (!parsed.success) {
        for (const issue of parsed.error.issues)
          ctx.addIssue({ ...issue, path: ["meta_config", ...issue.path] });
        return z.NEVER;
      }
      meta_config = parsed.data;
    }
    return { ...e, meta_config };
  });

export const UncertaintyConfig = z.strictObject({
  method: z.string().min(1),
  coverage: z.number().gt(0).lt(1).default(0.9),
  holdout_fraction: z.number().gt(0).lt(1).optional(),
});

export const InferenceConfig = z
  .strictObject({
    /** Calibrators applied to p_up in order, each fitted on the validation split only. */
    calibrate: z.array(z.string().min(1)).nullable().default(null),
    uncertainty: UncertaintyConfig.nullable().default(null),
  })
  .prefault({})
  .superRefine((inf, ctx) => {
    const calibrators = INFERENCE_COMPONENTS.filter((c) => c.kind === "calibration");
    (inf.calibrate ?? []).forEach((name, i) => {
      if (findInference(name, "calibration") === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["calibrate", i],
          message: `calibrator "${name}" is not registered yet (registered: ${registeredNames(calibrators)})`,
        });
      }
    });
    if (inf.uncertainty !== null && findInference(inf.uncertainty.method, "conformal") === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["uncertainty", "method"],
        message: `conformal method "${inf.uncertainty.method}" is not registered yet (registered: ${registeredNames(INFERENCE_COMPONENTS.filter((c) => c.kind === "conformal"))})`,
      });
    }
  });

export const PolicyConfig = z
  .strictObject({
    enabled: z.boolean().default(false),
    algorithm: z.string().min(1).optional(),
    inputs: z.array(OutputName).optional(),
    outputs: z.array(z.string().min(1)).optional(),
    config: z.record(z.string(), z.unknown()).default({}),
  })
  .prefault({})
  .superRefine((p, ctx) => {
    if (!p.enabled) return;
    if (p.algorithm === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["algorithm"],
        message: "is required when policy.enabled is true",
      });
    } else if (findPolicy(p.algorithm) === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["algorithm"],
        message: `RL policy "${p.algorithm}" is not registered yet (registered: ${registeredNames(POLICIES)})`,
      });
    }
  });

/** The cost-aware backtest on the test split (src/evaluation/backtest.ts). */
export const BacktestConfig = z
  .strictObject({
    /** Long when p_up >= long_threshold; short when p_up <= short_threshold (if allow_short). */
    long_threshold: z.number().gt(0).lt(1).default(0.55),
    short_threshold: z.number().gt(0).lt(1).default(0.45),
    allow_short: z.boolean().default(true),
    /**
     * Commission per contract per side (one fill), in the contract's currency. Default: half a tick's
     * value (one tick round trip).
     */
    commission_per_side: z.number().min(0).optional(),
    /** The same commission as a round trip in ticks (2 × commission_per_side / tick_value); give one of the two. */
    cost_ticks: z.number().min(0).optional(),
    /** Slippage per side, in ticks. */
    slippage_ticks: z.number().min(0).default(0.5),
  })
  .prefault({})
  .superRefine((b, ctx) => {
    if (b.short_threshold >= b.long_threshold) {
      ctx.addIssue({
        code: "custom",
        path: ["short_threshold"],
        message: `must be below long_threshold (${b.long_threshold}), was ${b.short_threshold}`,
      });
    }
  });

/** How contract rolls are found and handled (docs/futures.md). */
export const ROLL_HANDLINGS = ["adjust_ratio", "adjust_difference", "mask", "none"] as const;

export const RollsConfig = z
  .strictObject({
    /**
     * adjust_ratio (default) / adjust_difference: features see the series back-adjusted point in time
     * (as of the latest roll at or before each bar); mask: rows whose feature look-back spans a roll are
     * dropped; none: rolls are ignored. Under all but none, no label window spans a roll and the
     * backtest holds no position across one.
     */
    handling: z.enum(ROLL_HANDLINGS).default("adjust_ratio"),
    /** CSV roll calendar (columns timestamp[,from,to]) for data without a `contract` column. */
    calendar: z.string().min(1).optional(),
    /**
     * Detector: a session-open gap (relative to price, per √minute closed) this many times the file's
     * median is a suspected roll.
     */
    suspect_gap_ratio: z.number().positive().default(25),
    /** Detector: at the roll rule's expected session open, a gap of at least this many ticks is a suspected roll. */
    suspect_min_ticks: z.number().min(0).default(1),
  })
  .prefault({});

export const ExperimentConfig = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, "must be letters, digits, _, . or -")
      .default("default"),
    /** Semantic version given to the bundle. */
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/, "must be a semantic version such as 1.0.0")
      .default("1.0.0"),
    /** The contract (src/contracts, `mlf contracts list`): tick size and value, currency, sessions, rolls. */
    symbol: z.string().min(1).default("SYNTH"),
    /** Overrides the contract's minimum price increment. */
    tick_size: z.number().positive().optional(),
    /** Overrides the contract's money value of one tick per contract, in its currency. */
    tick_value: z.number().positive().optional(),
    seed: z
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(42),
    data: DataConfig,
    features: FeaturesConfig,
    labels: LabelsConfig,
    splits: SplitsConfig,
    base_models: z.array(BaseModelConfig).default([]),
    ensemble: EnsembleConfig,
    inference: InferenceConfig,
    policy: PolicyConfig,
    backtest: BacktestConfig,
    rolls: RollsConfig,
    workers: WorkersConfig.prefault({}),
  })
  .superRefine((c, ctx) => {
    const seen = new Map<string, number>();
    c.base_models.forEach((m, i) => {
      const first = seen.get(m.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["base_models", i, "id"],
          message: `"${m.id}" is already used by base_models[${first}]; give one of them a distinct id`,
        });
      }
      seen.set(m.id, i);
    });
    const e = c.ensemble;
    if (e.enabled && c.base_models.length > 0) {
      const models = c.base_models.map((m) => ({ id: m.id, outputs: m.outputs }));
      try {
        if (e.method === "stacking") {
          checkStackable(models);
          const target = defaultStackingTarget(models);
          const meta = findMetaLearner(e.meta_learner ?? "");
          if (meta !== undefined && !meta.outputs.includes(target)) {
            ctx.addIssue({
              code: "custom",
              path: ["ensemble", "meta_learner"],
              message: `${meta.name} cannot fit the stacking target ${target} (it outputs ${meta.outputs.join(", ")})`,
            });
          }
        } else if (e.method === "voting") {
          votingPlan(models);
          if (e.weights !== undefined && e.weights.length !== models.length) {
            ctx.addIssue({
              code: "custom",
              path: ["ensemble", "weights"],
              message: `needs one weight per base model (${models.length}), was ${e.weights.length}`,
            });
          } else if (e.weights !== undefined && !e.weights.some((w) => w > 0)) {
            ctx.addIssue({ code: "custom", path: ["ensemble", "weights"], message: "must not be all zero" });
          }
        }
      } catch (err) {
        ctx.addIssue({ code: "custom", path: ["ensemble", "method"], message: (err as Error).message });
      }
    }
    if (e.enabled && c.base_models.length === 0) {
      ctx.addIssue({ code: "custom", path: ["base_models"], message: "an ensemble needs base models" });
    }
    const u = c.inference.uncertainty;
    if (u !== null && c.base_models.length > 0) {
      const component = findInference(u.method, "conformal");
      const models = c.base_models.map((m) => ({ id: m.id, outputs: m.outputs }));
      let served: readonly string[] = c.base_models[0]!.outputs;
      try {
        if (e.enabled && e.method === "stacking") served = [defaultStackingTarget(models)];
        else if (e.enabled && e.method === "voting") served = votingPlan(models).outputs;
      } catch {
        served = []; // reported above
      }
      const missing = (component?.requires ?? []).filter((o) => !served.includes(o));
      // CV+ refits the served model on purged folds; an ensemble's combination is not refitted per fold.
      if (u.method === "jackknife_plus" && e.enabled) {
        ctx.addIssue({
          code: "custom",
          path: ["inference", "uncertainty", "method"],
          message:
            "jackknife_plus refits the served base model on K folds and cannot refit an ensemble; disable the ensemble or use split_conformal / cqr",
        });
      } else if (u.method === "jackknife_plus" && c.base_models[0]!.view === "window_tensor") {
        ctx.addIssue({
          code: "custom",
          path: ["inference", "uncertainty", "method"],
          message: `jackknife_plus refits feature_matrix models only; base_models[0] (${c.base_models[0]!.id}) uses window_tensor: use split_conformal or cqr`,
        });
      }
      if (component && missing.length > 0) {
        ctx.addIssue({
          code: "custom",
          path: ["inference", "uncertainty", "method"],
          message: `${u.method} needs ${missing.join(", ")} from the served ${e.enabled ? "ensemble" : `model (base_models[0], ${c.base_models[0]!.id})`}, which serves ${served.join(", ") || "nothing"}`,
        });
      }
    }
    const hasPUp = c.base_models.some((m) => m.outputs.includes("p_up"));
    (c.inference.calibrate ?? []).forEach((name, i) => {
      if (!hasPUp) {
        ctx.addIssue({
          code: "custom",
          path: ["inference", "calibrate", i],
          message: `${name} calibrates p_up, which no base model outputs`,
        });
      }
    });
  })
  .transform((c, ctx) => {
    const contract = findContract(c.symbol);
    if (contract === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["symbol"],
        input: c.symbol,
        message: `unknown contract "${c.symbol}"; known contracts: ${contractSymbols()}`,
      });
      return z.NEVER;
    }
    const tickValue = c.tick_value ?? contract.tick_value;
    const b = c.backtest;
    const commission =
      b.commission_per_side ?? (b.cost_ticks !== undefined ? (b.cost_ticks * tickValue) / 2 : tickValue / 2);
    const roundTripCommissionTicks = (2 * commission) / tickValue;
    if (b.commission_per_side !== undefined && b.cost_ticks !== undefined) {
      if (Math.abs(b.cost_ticks - roundTripCommissionTicks) > 1e-9 * Math.max(1, b.cost_ticks)) {
        ctx.addIssue({
          code: "custom",
          path: ["backtest", "cost_ticks"],
          input: b.cost_ticks,
          message: `is 2 × commission_per_side / tick_value = ${roundTripCommissionTicks} when both are given, was ${b.cost_ticks}; give one of the two`,
        });
        return z.NEVER;
      }
    }
    return {
      ...c,
      tick_size: c.tick_size ?? contract.tick_size,
      tick_value: tickValue,
      labels: {
        ...c.labels,
        cost_ticks: c.labels.cost_ticks ?? roundTripCommissionTicks + 2 * b.slippage_ticks,
      },
      backtest: { ...b, commission_per_side: commission, cost_ticks: roundTripCommissionTicks },
    };
  });

/** The parsed config: the contract resolved (tick_size, tick_value) and every cost in ticks filled in. */
export type ExperimentConfig = z.infer<typeof ExperimentConfig>;
export type BaseModelConfig = z.infer<typeof BaseModelConfig>;
/** The labels section as resolved (cost_ticks always set). */
export type LabelsConfig = ExperimentConfig["labels"];
export type RollsConfig = z.infer<typeof RollsConfig>;
export type SplitsConfig = z.infer<typeof SplitsConfig>;
export type FeaturesConfig = z.infer<typeof FeaturesConfig>;
export type DataConfig = z.infer<typeof DataConfig>;
/** The backtest section as resolved (commission_per_side and cost_ticks always set). */
export type BacktestConfig = ExperimentConfig["backtest"];
export type InferenceConfig = z.infer<typeof InferenceConfig>;
