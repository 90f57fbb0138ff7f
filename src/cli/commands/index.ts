import type { Command } from "commander";
import { registerBundle } from "./bundle.ts";
import { registerContracts } from "./contracts.ts";
import { registerDataSynth } from "./data-synth.ts";
import { registerDataValidate } from "./data-validate.ts";
import { registerFeatures } from "./features.ts";
import { registerPredict } from "./predict.ts";
import { registerRegistry } from "./registry.ts";
import { registerServe } from "./serve.ts";
import { registerTrain } from "./train.ts";
import { registerWorkers } from "./workers.ts";

/** The only list of commands: each entry adds its subcommands to the program. */
const registrations: ReadonlyArray<(program: Command) => void> = [
  registerBundle,
  registerContracts,
  registerDataSynth,
  registerDataValidate,
  registerFeatures,
  registerPredict,
  registerRegistry,
  registerServe,
  registerTrain,
  registerWorkers,
];

export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
