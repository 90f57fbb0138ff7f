/**
 * Progress output: one JSON line per event when stderr is not a terminal (format pinned), and a
 * cli-progress bar per job on a terminal (a retry reuses its job's bar).
 */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { PoolEvent } from "../../src/workers/pool.ts";
import { createProgressDisplay, eventLogLine, fractionOf } from "../../src/workers/progress-display.ts";

const progress = (over: Record<string, unknown>): PoolEvent => ({
  kind: "progress",
  workerId: "w1",
  model: "logistic",
  progress: {
    protocol: 1,
    type: "progress",
    msg_id: "w1-9",
    job_id: "job-4.2",
    stage: "fit",
    ...over,
  } as never,
});

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const s = new PassThrough();
  let text = "";
  s.on("data", (c: Buffer) => {
    text += c.toString();
  });
  Object.assign(s, {
    isTTY,
    columns: 120,
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
  });
  return { stream: s as unknown as NodeJS.WriteStream, text: () => text };
}

describe("progress display", () => {
  it("fraction comes from `fraction`, else epoch/total_epochs", () => {
    expect(fractionOf({ fraction: 0.25, epoch: 9, total_epochs: 10 } as never)).toBe(0.25);
    expect(fractionOf({ epoch: 3, total_epochs: 12 } as never)).toBe(0.25);
    expect(fractionOf({ epoch: 3 } as never)).toBeUndefined();
  });

  it("log lines are one JSON object per event with the job id stripped of its attempt", () => {
    const at = new Date("2026-01-02T03:04:05.000Z");
    const line = eventLogLine(progress({ epoch: 2, total_epochs: 8, losses: { train: 0.5 }, eta_s: 12 }), at);
    expect(line).toMatchInlineSnapshot(
      `"{"ts":"2026-01-02T03:04:05.000Z","event":"progress","model":"logistic","worker":"w1","job":"job-4","stage":"fit","epoch":2,"total_epochs":8,"fraction":0.25,"losses":{"train":0.5},"eta_s":12}"`,
    );
    expect(
      eventLogLine({ kind: "worker-dead", workerId: "w0", cause: "process 7 killed by SIGKILL" }, at),
    ).toBe(
      '{"ts":"2026-01-02T03:04:05.000Z","event":"worker_dead","worker":"w0","cause":"process 7 killed by SIGKILL"}',
    );
  });

  it("writes JSON lines when the stream is not a terminal", () => {
    const { stream, text } = fakeStream(false);
    const display = createProgressDisplay(stream);
    display.onEvent(progress({ fraction: 0.5 }));
    display.onEvent(progress({ stage: "export" }));
    display.stop();
    const lines = text()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.event, l.stage, l.fraction])).toEqual([
      ["progress", "fit", 0.5],
      ["progress", "export", undefined],
    ]);
  });

  it("a stage without a fraction keeps the bar where the previous event left it", () => {
    const { stream, text } = fakeStream(true);
    const display = createProgressDisplay(stream);
    display.onEvent(progress({ fraction: 1 }));
    display.onEvent(progress({ stage: "export" }));
    display.stop();
    const last = text().split("logistic").at(-1)!;
    expect(last).toContain("100%");
    expect(last).toContain("export");
  });

  it("draws a bar with the model, stage, epochs and losses on a terminal", () => {
    const { stream, text } = fakeStream(true);
    const display = createProgressDisplay(stream);
    display.onEvent(progress({ epoch: 5, total_epochs: 10, losses: { valid: 0.625 } }));
    display.stop();
    const out = text();
    expect(out).toContain("logistic");
    expect(out).toContain("50%");
    expect(out).toContain("epoch 5/10");
    expect(out).toContain("valid=0.6250");
    expect(out).not.toContain("{");
  });
});
