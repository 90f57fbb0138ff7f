/**
 * `mlf` command line. Each command lives in src/cli/commands/<name>.ts and registers itself through
 * the list in src/cli/commands/index.ts. Errors a user can cause (MlfError) print one line and exit
 * non-zero; anything else is a bug and keeps its stack.
 */
import { Command, CommanderError } from "commander";
import { MlfError } from "../core/errors.ts";
import { registerCommands } from "./commands/index.ts";

const program = new Command("mlf")
  .description("ML Factory: leakage-safe models for one futures contract's 1-minute bars")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else if (e instanceof MlfError) {
    process.stderr.write(`error: ${e.message}\n`);
    process.exitCode = e.exitCode;
  } else {
    throw e;
  }
}
