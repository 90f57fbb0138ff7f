/**
 * `mlf data synth --bars N --seed S --out FILE [--tick-size T]`: writes deterministic synthetic
 * 1-minute futures bars (src/data/synth) in the format FILE's extension names. Arguments are checked
 * before anything is generated; the file appears whole or not at all.
 */
import type { Command } from "commander";
import { UsageError } from "../../core/errors.ts";
import { DEFAULT_TICK_SIZE, generateSynthBars, MAX_SYNTH_BARS } from "../../data/synth/index.ts";
import { tickGrid } from "../../data/synth/tick-grid.ts";
import { barFileFormat, writeBars } from "../../data/write-bars.ts";

const DEFAULT_SEED = 1;

interface RawOptions {
  bars?: string;
  seed?: string;
  out?: string;
  tickSize?: string;
}

interface SynthArgs {
  bars: number;
  seed: number;
  out: string;
  tickSize: number;
}

function wholeNumber(flag: string, text: string | undefined, min: number, max: number): number {
  if (text === undefined) throw new UsageError(`${flag} is required`);
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function tickSizeOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TICK_SIZE;
  const value = /^\d*\.?\d+(e-?\d+)?$/i.test(text) ? Number(text) : Number.NaN;
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new UsageError(`--tick-size must be a positive number such as 0.25, got "${text}"`);
  }
  try {
    tickGrid(value);
  } catch {
    throw new UsageError(`--tick-size ${text} has too many decimals: use at most 8, e.g. 0.25 or 0.01`);
  }
  return value;
}

/** Validates every argument before any work, so a bad call writes nothing. */
export function parseSynthArgs(raw: RawOptions): SynthArgs {
  const bars = wholeNumber("--bars", raw.bars, 1, MAX_SYNTH_BARS);
  const seed =
    raw.seed === undefined ? DEFAULT_SEED : wholeNumber("--seed", raw.seed, 0, Number.MAX_SAFE_INTEGER);
  if (raw.out === undefined || raw.out === "") throw new UsageError("--out is required: the file to write");
  barFileFormat(raw.out);
  return { bars, seed, out: raw.out, tickSize: tickSizeOf(raw.tickSize) };
}

/** The `data` group is shared with other data commands; whoever registers first creates it. */
function dataGroup(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === "data") ??
    program.command("data").description("generate, check and inspect 1-minute bar files")
  );
}

export function registerDataSynth(program: Command): void {
  dataGroup(program)
    .command("synth")
    .description("write deterministic synthetic 1-minute futures bars (.csv, .csv.gz, .parquet, .arrow)")
    .option("--bars <n>", `number of bars to emit (1 to ${MAX_SYNTH_BARS})`)
    .option("--seed <s>", `random seed, a non-negative whole number (default ${DEFAULT_SEED})`)
    .option("--out <file>", "output file; the extension picks the format")
    .option("--tick-size <t>", `price tick (default ${DEFAULT_TICK_SIZE})`)
    .action(async (raw: RawOptions) => {
      const args = parseSynthArgs(raw);
      const bars = generateSynthBars({ bars: args.bars, seed: args.seed, tickSize: args.tickSize });
      await writeBars(args.out, bars);
      const first = new Date(bars.ts[0]!).toISOString();
      const last = new Date(bars.ts[bars.length - 1]!).toISOString();
      process.stdout.write(
        `wrote ${bars.length} bars (${first} .. ${last}, seed ${args.seed}) to ${args.out}\n`,
      );
    });
}
