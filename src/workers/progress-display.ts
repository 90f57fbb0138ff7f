/**
 * Worker progress for humans and machines: one cli-progress bar per running job when stderr is a
 * terminal, otherwise one JSON object per event on its own line (easy to grep, tail and parse).
 */
import cliProgress from "cli-progress";
import type { PoolEvent } from "./pool.ts";
import type { Progress } from "./protocol/messages.ts";

export interface ProgressDisplay {
  /** Feed every pool event here (it ignores the ones it does not show). */
  onEvent(event: PoolEvent): void;
  stop(): void;
}

/** The job id without the attempt suffix the pool adds (job-3.2 → job-3): a retry reuses the bar. */
function jobKey(attemptId: string): string {
  return attemptId.replace(/\.\d+$/, "");
}

/** Fraction done: explicit `fraction`, else epoch / total_epochs, else unknown. */
export function fractionOf(p: Progress): number | undefined {
  if (p.fraction !== undefined) return p.fraction;
  if (p.epoch !== undefined && p.total_epochs !== undefined && p.total_epochs > 0)
    return p.epoch / p.total_epochs;
  return undefined;
}

/** The structured log line for one pool event (undefined for events not worth a line). */
export function eventLogLine(event: PoolEvent, now: Date = new Date()): string | undefined {
  const ts = now.toISOString();
  switch (event.kind) {
    case "progress": {
      const p = event.progress;
      return JSON.stringify({
        ts,
        event: "progress",
        model: event.model,
        worker: event.workerId,
        job: jobKey(p.job_id),
        stage: p.stage,
        ...(p.epoch !== undefined ? { epoch: p.epoch } : {}),
        ...(p.total_epochs !== undefined ? { total_epochs: p.total_epochs } : {}),
        ...(fractionOf(p) !== undefined ? { fraction: fractionOf(p) } : {}),
        ...(p.losses !== undefined ? { losses: p.losses } : {}),
        ...(p.eta_s !== undefined ? { eta_s: p.eta_s } : {}),
      });
    }
    case "worker-ready":
      return JSON.stringify({
        ts,
        event: "worker_ready",
        worker: event.hello.worker_id,
        pid: event.hello.pid,
        device: event.hello.device,
      });
    case "worker-dead":
      return JSON.stringify({ ts, event: "worker_dead", worker: event.workerId, cause: event.cause });
    case "retry":
      return JSON.stringify({ ts, event: "retry", model: event.model, job: event.jobId, cause: event.cause });
    case "worker-error":
      return JSON.stringify({
        ts,
        event: "worker_error",
        worker: event.workerId,
        code: event.error.code,
        message: event.error.message,
      });
  }
}

function lossText(p: Progress): string {
  if (p.losses === undefined) return "";
  return Object.entries(p.losses)
    .map(([k, v]) => `${k}=${v.toPrecision(4)}`)
    .join(" ");
}

export function createProgressDisplay(stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  if (!stream.isTTY) {
    return {
      onEvent: (event) => {
        const line = eventLogLine(event);
        if (line !== undefined) stream.write(`${line}\n`);
      },
      stop: () => undefined,
    };
  }
  const multibar = new cliProgress.MultiBar(
    {
      stream,
      clearOnComplete: false,
      hideCursor: false, // a Ctrl-C must not leave the terminal without a cursor
      format: " {model} [{bar}] {percentage}% | {stage} {epochs} {losses} | eta {eta_s}",
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  let stopped = false;
  return {
    onEvent: (event) => {
      if (event.kind !== "progress") {
        if (event.kind === "worker-dead" || event.kind === "retry") multibar.log(`${eventLogLine(event)}\n`);
        return;
      }
      const p = event.progress;
      const key = jobKey(p.job_id);
      const payload = {
        model: event.model,
        stage: p.stage,
        epochs:
          p.epoch !== undefined
            ? `epoch ${p.epoch}${p.total_epochs !== undefined ? `/${p.total_epochs}` : ""}`
            : "",
        losses: lossText(p),
        eta_s: p.eta_s !== undefined ? `${p.eta_s.toFixed(0)}s` : "?",
      };
      const fraction = fractionOf(p);
      const bar = bars.get(key);
      if (bar === undefined) bars.set(key, multibar.create(100, Math.round(100 * (fraction ?? 0)), payload));
      else if (fraction === undefined)
        bar.update(payload); // a stage without a fraction keeps the bar where it was
      else bar.update(Math.round(100 * fraction), payload);
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      multibar.stop();
    },
  };
}
