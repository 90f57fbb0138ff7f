/**
 * No orphan workers when the TypeScript process that owns the pool goes away: interrupted (SIGINT,
 * as Ctrl-C), terminated (SIGTERM), crashed by an uncaught error, or exiting without closing the pool.
 * Workers run with --no-parent-watch in most cases so that the pool's own exit guard is what is tested,
 * not the worker's parent-death watch. The socket directory must be gone too.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { describe, expect, it, onTestFinished } from "vitest";
import { WorkerPool } from "../../src/workers/pool.ts";
import { defaultWorkerCommand, repoRoot } from "../../src/workers/python.ts";
import { testTempDir } from "../helpers/temp-dir.ts";
import { expectAllGone, isAlive } from "./helpers.ts";

const child = join(import.meta.dirname, "fixtures", "pool-child.ts");

async function runChild(mode: string, watch: "parent-watch" | "no-parent-watch", signal?: NodeJS.Signals) {
  const proc = execa("node", [join(repoRoot, "bin/run-ts.js"), child, mode, watch], {
    cwd: repoRoot,
    reject: false,
    buffer: { stdout: false, stderr: true },
  });
  const line = await new Promise<string>((resolveLine, rejectLine) => {
    let text = "";
    proc.stdout!.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const nl = text.indexOf("\n");
      if (nl >= 0) resolveLine(text.slice(0, nl));
    });
    proc.on("exit", () => rejectLine(new Error(`child exited before printing its pids`)));
  });
  const info = JSON.parse(line) as { pids: number[]; endpoint: string };
  if (signal !== undefined) proc.kill(signal);
  const result = await proc;
  const socketDir = dirname(info.endpoint.replace(/^ipc:\/\//, ""));
  return { info, result, socketDir };
}

describe("no orphan workers after the owning process ends", () => {
  it("SIGINT (Ctrl-C): workers killed, the child dies by SIGINT, the socket directory is removed", async () => {
    const { info, result, socketDir } = await runChild("wait", "no-parent-watch", "SIGINT");
    expect(info.pids.length).toBe(2);
    expect(result.signal).toBe("SIGINT");
    await expectAllGone(info.pids);
    expect(existsSync(socketDir)).toBe(false);
  });

  it("SIGTERM: workers killed", async () => {
    const { info, result } = await runChild("wait", "no-parent-watch", "SIGTERM");
    expect(result.signal).toBe("SIGTERM");
    await expectAllGone(info.pids);
  });

  it("an uncaught error in the parent: workers killed, exit status 1", async () => {
    const { info, result } = await runChild("throw", "no-parent-watch");
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("uncaught error in the parent, on purpose");
    await expectAllGone(info.pids);
  });

  it("process.exit without closing the pool: workers killed", async () => {
    const { info, result, socketDir } = await runChild("exit", "no-parent-watch");
    expect(result.exitCode).toBe(0);
    await expectAllGone(info.pids);
    expect(existsSync(socketDir)).toBe(false);
  });

  it("SIGKILL of the parent (no exit guard can run): the workers' parent-death watch stops them", async () => {
    const { info, result, socketDir } = await runChild("wait", "parent-watch", "SIGKILL");
    // Nothing in the killed parent could remove its socket directory: the test does.
    onTestFinished(() => rmSync(socketDir, { recursive: true, force: true }));
    expect(result.signal).toBe("SIGKILL");
    await expectAllGone(info.pids, 10_000);
  });

  it("a worker's own child processes go with its process group when the pool closes", async () => {
    const dir = testTempDir("mlf-grandchild-");
    const pidFile = join(dir, "grandchild.pid");
    const base = defaultWorkerCommand();
    // The worker starts a long sleep in the background first, as a data loader subprocess would.
    const pool = await WorkerPool.start({
      command: {
        file: "sh",
        args: (endpoint, id) => [
          "-c",
          `sleep 300 & echo $! > ${pidFile}; exec "$0" "$@"`,
          base.file,
          ...base.args(endpoint, id),
        ],
        env: base.env ?? {},
      },
    });
    const grandchild = Number(readFileSync(pidFile, "utf8"));
    const worker = pool.localPids();
    expect(isAlive(grandchild)).toBe(true);
    await pool.close();
    await expectAllGone([...worker, grandchild]);
  });
});
