/**
 * One YAML file = one complete experiment. Parsed once at the edge (loadConfig), then frozen.
 * Every key has a documented default so an empty file is a valid config.
 */
import { z } from "zod";
import { WorkersConfig } from "../workers/config.ts";

export const DataConfig = z
  .strictObject({
    /** Path to 1m OHLCV (.csv, .csv.gz, .parquet, .arrow). Absent: the embedded synthetic generator. */
    path: z.string().min(1).optional(),
    symbol: z.string().min(1).default("SYNTH"),
    /** Minimum price increment of the contract (ES/NQ 0.25, TX 1). */
    tick_size: z.number().positive().default(0.25),
    /** Bars generated when no path is given. */
    synth_bars: z.number().int().min(1000).default(200_000),
    synth_seed: z.number().int().min(0).default(7),
  })
  .prefault({});

export const FeaturesConfig = z
  .strictObject({
    /** Families to compute; default all registered. */
    families: z
      .array(
        z.enum([
          "momentum",
          "volatility",
          "volume",
          "microstructure",
          "regime",
          "interaction",
          "wavelet",
          "statistics",
          "time",
        ]),
      )
      .optional(),
    /** Column names to leave out. */
    exclude: z.array(z.string()).default([]),
    /** Rows per Arrow record batch (and per engine chunk). */
    chunk_rows: z
      .number()
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
    horizon: z.number().int().min(1).default(30),
    /** Round-trip cost in ticks, charged against both barriers. */
    cost_ticks: z.number().min(0).default(1),
    atr_period: z.number().int().min(1).default(14),
  })
  .prefault({});

export const SplitsConfig = z
  .strictObject({
    train: z.number().gt(0).lt(1).default(0.7),
    val: z.number().gt(0).lt(1).default(0.15),
    test: z.number().gt(0).lt(1).default(0.15),
    /** Bars dropped before each boundary whose label window reaches the next split. */
    purge: z.number().int().min(0).default(60),
    /** Bars skipped after each boundary. */
    embargo: z.number().int().min(0).default(1440),
  })
  .prefault({})
  .refine((s) => Math.abs(s.train + s.val + s.test - 1) < 1e-9, {
    message: "train + val + test must sum to 1",
  });

/**
 * The model the main job fits on the feature matrix (train rows, train-fitted scaler, NaN → 0 after
 * scaling). Absent: the job stops after the dataset artifacts.
 */
export const ModelConfig = z.strictObject({
  /** A fitter id the Python workers advertise in their hello (`mlf workers info`). */
  id: z.string().min(1).default("logistic"),
  /** Passed to the fitter, which validates them against its own declared constraints. */
  params: z.record(z.string(), z.unknown()).default({}),
});

export const ExperimentConfig = z.strictObject({
  name: z.string().min(1).default("default"),
  seed: z.number().int().min(0).default(42),
  output_dir: z.string().min(1).default("artifacts"),
  data: DataConfig,
  features: FeaturesConfig,
  labels: LabelsConfig,
  splits: SplitsConfig,
  model: ModelConfig.optional(),
  workers: WorkersConfig.prefault({}),
});

export type ExperimentConfig = z.infer<typeof ExperimentConfig>;
export type LabelsConfig = z.infer<typeof LabelsConfig>;
export type SplitsConfig = z.infer<typeof SplitsConfig>;
export type FeaturesConfig = z.infer<typeof FeaturesConfig>;
export type DataConfig = z.infer<typeof DataConfig>;
export type ModelConfig = z.infer<typeof ModelConfig>;
