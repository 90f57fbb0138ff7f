/**
 * Process-wide guarantee that local workers never outlive this process. Pools register a synchronous
 * cleanup (kill the workers' process groups, remove the socket directory); it runs on normal exit, on
 * an uncaught error (Node emits 'exit' after printing it), and on SIGINT/SIGTERM/SIGHUP, after which the
 * signal is re-raised so the process still dies with the conventional status (130 for Ctrl-C).
 */
type Cleanup = () => void;

const cleanups = new Set<Cleanup>();
let installed = false;
const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function runAll(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // Best effort: one failing cleanup must not keep the others from running.
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  runAll();
  for (const s of signals) process.removeListener(s, onSignal);
  installed = false;
  process.removeListener("exit", runAll);
  // If the application has its own handler for this signal, let it decide; otherwise die by it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", runAll);
  for (const s of signals) process.on(s, onSignal);
}

/** Registers a synchronous cleanup; returns a function that unregisters it (call it after a normal close). */
export function onProcessExit(cleanup: Cleanup): () => void {
  install();
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}
