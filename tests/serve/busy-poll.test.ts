/**
 * `mlf serve --busy-poll` (src/serve/busy-poll.ts): while active the event loop never idles and its
 * timers still fire; once stopped (or the server closed) it sleeps again; answers are the same bytes
 * as a server that sleeps between requests.
 */
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BusyPoll } from "../../src/serve/busy-poll.ts";
import { barsJson, removeDir, synthBars, tempDir, writeFixtureBundle } from "./fixtures.ts";
import { testServer } from "./http-client.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Share of the next `ms` this thread's event loop spent outside its poll for I/O. */
async function loopUtilization(ms: number): Promise<number> {
  const start = performance.eventLoopUtilization();
  await sleep(ms);
  return performance.eventLoopUtilization(start).utilization;
}

const dir = tempDir();
const bundle = join(dir, "bundle");

beforeAll(async () => {
  await writeFixtureBundle(bundle, { families: ["time", "momentum"] });
});

afterAll(() => removeDir(dir));

describe("BusyPoll", () => {
  it("keeps the loop turning while active, timers firing on time, and lets it sleep once stopped", async () => {
    expect(await loopUtilization(150)).toBeLessThan(0.5);
    const poll = new BusyPoll({ sliceUs: 10 });
    poll.start();
    poll.start(); // idempotent
    expect(poll.active).toBe(true);
    const t0 = performance.now();
    const utilization = await loopUtilization(300);
    // The timer came back about on time: the loop was not blocked by the polling.
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(utilization).toBeGreaterThan(0.9);
    poll.stop();
    expect(poll.active).toBe(false);
    await sleep(20);
    expect(await loopUtilization(200)).toBeLessThan(0.5);
  });

  it("refuses a slice outside 0..1000 µs", () => {
    expect(() => new BusyPoll({ sliceUs: -1 })).toThrow(RangeError);
    expect(() => new BusyPoll({ sliceUs: 5000 })).toThrow(/0 to 1000/);
    expect(() => new BusyPoll({ sliceUs: Number.NaN })).toThrow(RangeError);
    expect(() => new BusyPoll({ sliceUs: 0 })).not.toThrow();
  });
});

describe("a server with busy polling", () => {
  it("answers the same bytes as one that sleeps, and stops polling when closed", async () => {
    const polling = await testServer({ bundle, busyPoll: { sliceUs: 10 } });
    const sleeping = await testServer({ bundle });
    try {
      expect(await loopUtilization(200)).toBeGreaterThan(0.9);
      const bars = synthBars(400, 17);
      for (let i = 0; i < 400; i += 40) {
        const body = { stream: "s", bars: barsJson(bars, i, i + 40) };
        const a = await polling.post("/v1/bars", body);
        const b = await sleeping.post("/v1/bars", body);
        expect(a.status).toBe(200);
        expect(a.text).toBe(b.text);
      }
    } finally {
      await polling.close();
      await sleeping.close();
    }
    await sleep(20);
    expect(await loopUtilization(200)).toBeLessThan(0.5);
  });
});
