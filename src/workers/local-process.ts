/**
 * One local worker process. Spawned detached (its own process group) so that a terminal Ctrl-C reaches
 * only us, and we decide how the worker stops; stopping kills the whole group so that anything the
 * worker started (e.g. data-loader subprocesses) goes too. The last lines of its stderr/stdout are kept
 * for error messages: when a worker dies, they usually say why (MemoryError, a segfault report...).
 */
import type { ChildProcess } from "node:child_process";
import { execa } from "execa";
import type { WorkerCommand } from "./python.ts";

const TAIL_LINES = 20;

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class LocalWorkerProcess {
  readonly pid: number;
  readonly exited: Promise<ProcessExit>;
  private exit: ProcessExit | undefined;
  private readonly tail: string[] = [];
  private partial = "";
  private readonly child: ChildProcess;

  constructor(
    readonly workerId: string,
    command: WorkerCommand,
    endpoint: string,
    onExit: (exit: ProcessExit) => void,
  ) {
    const subprocess = execa(command.file, command.args(endpoint, workerId), {
      detached: true,
      cleanup: false, // our exit guard kills the group; execa cannot for detached children
      reject: false,
      buffer: false,
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      env: command.env ?? {},
      extendEnv: true,
    });
    // With reject:false the promise settles only with a result; keep a spawn error from going unhandled.
    subprocess.catch(() => undefined);
    this.child = subprocess;
    if (this.child.pid === undefined) {
      // Spawn failures (ENOENT...) surface through the exit promise below with the error text in the tail.
      this.pid = -1;
    } else {
      this.pid = this.child.pid;
    }
    this.child.stdout?.on("data", (chunk: Buffer) => this.record(chunk));
    this.child.stderr?.on("data", (chunk: Buffer) => this.record(chunk));
    this.exited = new Promise<ProcessExit>((resolveExit) => {
      const finish = (exit: ProcessExit) => {
        if (this.exit !== undefined) return;
        this.exit = exit;
        if (this.partial !== "") this.pushLine(this.partial);
        this.partial = "";
        onExit(exit);
        resolveExit(exit);
      };
      this.child.on("error", (e) => {
        this.record(Buffer.from(`${e.message}\n`));
        // A process that could not be started (ENOENT, EACCES) emits no 'exit': it is over now.
        if (this.pid <= 0) finish({ code: null, signal: null });
      });
      // 'exit', not 'close': a grandchild holding the pipes open must not delay death detection.
      this.child.on("exit", (code, signal) => finish({ code, signal }));
    });
  }

  get alive(): boolean {
    return this.exit === undefined && this.pid > 0;
  }

  /** The last lines the process wrote (stderr and stdout interleaved), oldest first. */
  lastLines(n = 10): string[] {
    return this.tail.slice(-n);
  }

  /** Signals the whole process group; synchronous, safe to call from an exit handler. */
  killGroup(signal: NodeJS.Signals = "SIGKILL"): void {
    if (this.pid <= 0) return;
    // The group id stays reserved while any member lives, so -pid is safe even after the leader
    // exited; the bare pid is signalled only while the leader is alive (it could be reused after).
    const targets = this.exit === undefined ? [-this.pid, this.pid] : [-this.pid];
    for (const target of targets) {
      try {
        process.kill(target, signal);
      } catch {
        // Already gone (ESRCH): nothing to do.
      }
    }
  }

  /** Waits up to `graceMs` for the process to exit on its own, then kills its group. */
  async stop(graceMs: number): Promise<ProcessExit> {
    if (this.exit !== undefined) {
      this.killGroup(); // the leader is gone, but its group may not be
      return this.exit;
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((r) => {
      timer = setTimeout(() => r("timeout"), graceMs);
    });
    const outcome = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (outcome === "timeout") this.killGroup("SIGKILL");
    const exit = await this.exited;
    this.killGroup(); // children of the worker that outlived it
    return exit;
  }

  private record(chunk: Buffer): void {
    const text = this.partial + chunk.toString("utf8");
    const lines = text.split("\n");
    this.partial = lines.pop() ?? "";
    for (const line of lines) this.pushLine(line);
  }

  private pushLine(line: string): void {
    if (line.trim() === "") return;
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
  }
}

/** "killed by SIGKILL" / "exited with code 3", plus the last output lines when there are any. */
export function describeExit(exit: ProcessExit, lastLines: string[]): string {
  const how =
    exit.signal !== null
      ? `killed by ${exit.signal}`
      : exit.code !== null
        ? `exited with code ${exit.code}`
        : "could not be started (set MLF_PYTHON to a Python with mlf_workers installed)";
  return lastLines.length > 0 ? `${how}; last output:\n  ${lastLines.join("\n  ")}` : how;
}
