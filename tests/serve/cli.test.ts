/**
 * `mlf serve` as a process: options, the token from the environment, JSON log lines on stderr,
 * SIGHUP reloads (a bundle rewritten in place is picked up), SIGTERM shuts down with exit 0 and
 * writes the stream snapshot, usage errors exit 2.
 */
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/real-data.ts";
import { barsJson, removeDir, synthBars, tempDir, writeFixtureBundle } from "./fixtures.ts";
import { request } from "./http-client.ts";

const MLF = join(REPO_ROOT, "bin", "mlf.js");
const dir = tempDir();
const bundle = join(dir, "bundle");
const token = "cli-test-token-0123456789";

beforeAll(async () => {
  await writeFixtureBundle(bundle, { version: "3.0.0", families: ["time"] });
});

afterAll(() => removeDir(dir));

/** User + system CPU seconds of a process so far (Linux /proc). */
async function processCpuSeconds(pid: number): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after "pid (comm) ".
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resolves with the first stderr JSON line whose msg matches. */
function waitForLine(
  proc: { stderr: NodeJS.ReadableStream | null; once(event: "exit", fn: () => void): unknown },
  pattern: RegExp,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buf = "";
    const onData = (d: Buffer) => {
      buf += d.toString();
      for (const line of buf.split("\n")) {
        try {
          const j = JSON.parse(line);
          if (pattern.test(j.msg)) {
            proc.stderr?.removeListener("data", onData);
            resolve(j);
            return;
          }
        } catch {
          // not a whole JSON line yet
        }
      }
    };
    proc.stderr?.on("data", onData);
    proc.once("exit", () => reject(new Error(`mlf serve exited before logging ${pattern}: ${buf}`)));
  });
}

describe("mlf serve", () => {
  it("serves with a token from the environment, reloads on SIGHUP, stops on SIGTERM", async () => {
    const state = join(dir, "state");
    const proc = execa("node", [MLF, "serve", "--bundle", bundle, "--port", "0", "--state-dir", state], {
      reject: false,
      env: { MLF_SERVE_TOKEN: token },
    });
    const started = await waitForLine(proc, /^serving on /);
    const url = String(started.url);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(started.routes).toBe("/v3");
    const auth = { authorization: `Bearer ${token}` };
    expect((await request(url, "GET", "/v3/health")).status).toBe(401);
    const bars = synthBars(20, 3);
    const r = await request(url, "POST", "/v3/bars", { bars: barsJson(bars, 0, 10) }, auth);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ warm: true, bundle_version: "3.0.0" });

    // A retrained bundle written in place, then SIGHUP.
    await writeFixtureBundle(bundle, { version: "3.1.0", families: ["time"], seed: 99 });
    const reloaded = waitForLine(proc, /^reloaded/);
    proc.kill("SIGHUP");
    expect((await reloaded).previous).toBe("3.0.0");
    const h = await request(url, "GET", "/v3/health", undefined, auth);
    expect(h.body.primary.version).toBe("3.1.0");

    proc.kill("SIGTERM");
    const done = await proc;
    expect(done.exitCode).toBe(0);
    expect(done.stderr).toMatch(/"msg":"stream snapshots written"/);
    expect(done.stderr).toMatch(/"msg":"stopped"/);
  });

  it("busy-polls with --busy-poll: answers, says so at start, and still stops on SIGTERM", async () => {
    const proc = execa("node", [MLF, "serve", "--bundle", bundle, "--port", "0", "--busy-poll", "5"], {
      reject: false,
    });
    const started = await waitForLine(proc, /^serving on /);
    expect(started.busy_poll).toBe(true);
    const url = String(started.url);
    const r = await request(url, "POST", "/v3/bars", { bars: barsJson(synthBars(20, 4), 0, 10) });
    expect(r.status).toBe(200);
    // The loop never sleeps: the process uses about a core even with no request.
    const cpu0 = await processCpuSeconds(proc.pid!);
    await new Promise((r) => setTimeout(r, 1000));
    // A sleeping server uses ~0; a loaded 2-core CI machine still gives it well over a fifth of a core.
    expect((await processCpuSeconds(proc.pid!)) - cpu0).toBeGreaterThan(0.2);
    proc.kill("SIGTERM");
    const done = await proc;
    expect(done.exitCode).toBe(0);
    expect(done.stderr).toMatch(/"msg":"stopped"/);
  });

  it("exits 2 with one line on a usage error", async () => {
    const poll = await execa("node", [MLF, "serve", "--bundle", bundle, "--busy-poll", "fast"], {
      reject: false,
    });
    expect(poll.exitCode).toBe(2);
    expect(poll.stderr.trim()).toBe("error: mlf serve: --busy-poll takes a slice of 0 to 1000 µs, was fast");
    const r = await execa("node", [MLF, "serve", "--bundle", bundle, "--port", "99999"], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe("error: mlf serve: --port must be 0..65535, was 99999");
    const short = await execa("node", [MLF, "serve", "--bundle", bundle], {
      reject: false,
      env: { MLF_SERVE_TOKEN: "short" },
    });
    expect(short.exitCode).toBe(2);
    expect(short.stderr).toMatch(/at least 16 characters/);
  });
});
