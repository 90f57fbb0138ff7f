/**
 * Where the local Python workers come from: the interpreter (env MLF_PYTHON, else the repository's
 * .venv, else python3 on PATH) and the argument list of `python -m mlf_workers`.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root (this file is src/workers/python.ts). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export function resolvePython(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.MLF_PYTHON;
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  const venv = join(repoRoot, ".venv", "bin", "python");
  return existsSync(venv) ? venv : "python3";
}

/** How to start one local worker: executable, arguments and extra environment. */
export interface WorkerCommand {
  file: string;
  args: (endpoint: string, workerId: string) => string[];
  env?: Record<string, string>;
}

/** `<python> -m mlf_workers --endpoint E --worker-id ID`, with python-workers/ importable. */
export function defaultWorkerCommand(env: NodeJS.ProcessEnv = process.env): WorkerCommand {
  const packageDir = join(repoRoot, "python-workers");
  const pythonPath = [packageDir, env.PYTHONPATH].filter((p) => p !== undefined && p !== "").join(":");
  return {
    file: resolvePython(env),
    args: (endpoint, workerId) => ["-m", "mlf_workers", "--endpoint", endpoint, "--worker-id", workerId],
    // Unbuffered so that the last stderr lines before a crash reach us (they go into error messages).
    env: { PYTHONPATH: pythonPath, PYTHONUNBUFFERED: "1" },
  };
}
