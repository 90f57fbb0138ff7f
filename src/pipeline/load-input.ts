/**
 * Where an experiment's bars come from: an explicit path, the config's data.path, or — with neither —
 * the embedded deterministic synthetic generator, so every command works on a fresh clone.
 */
import type { ExperimentConfig } from "../config/schema.ts";
import type { Bars } from "../data/bars.ts";
import type { ContractRuns } from "../data/contract-runs.ts";
import { fingerprintBars } from "../data/fingerprint.ts";
import { gapReport } from "../data/gaps.ts";
import { type DataFormat, type DatasetMeta, loadBars, type ReadOptions } from "../data/ingest/index.ts";
import { generateSynthBars } from "../data/synth/index.ts";

/** Dataset metadata; generated bars say so in `format` rather than pretend to come from a file. */
export type InputMeta = Omit<DatasetMeta, "format"> & { format: DataFormat | "synthetic" };

export async function loadInput(
  dataPath: string | undefined,
  config: ExperimentConfig,
  opts: ReadOptions = {},
): Promise<{ bars: Bars; meta: InputMeta; contracts: ContractRuns | null }> {
  const path = dataPath ?? config.data.path;
  if (path !== undefined) return loadBars(path, opts);
  const bars = generateSynthBars({
    bars: config.data.synth_bars,
    seed: config.data.synth_seed,
    tickSize: config.tick_size,
  });
  const meta: InputMeta = {
    source: `synthetic(bars=${config.data.synth_bars}, seed=${config.data.synth_seed})`,
    format: "synthetic",
    rows: bars.length,
    firstTs: bars.ts[0],
    lastTs: bars.ts[bars.length - 1],
    hasVolume: bars.volume !== null,
    warnings: [],
    gaps: gapReport(bars.ts),
    fingerprint: fingerprintBars(bars),
  };
  return { bars, meta, contracts: null };
}
