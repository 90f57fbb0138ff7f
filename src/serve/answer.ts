/**
 * One answer from the deployed models: the primary's outputs; when it throws, gives a non-finite
 * value or does not answer within the timeout, the fallback's (flagged with the reason); otherwise a
 * 503 MODEL_UNAVAILABLE. Never NaN or infinity (BundleRuntime.run checks every output). Every
 * failure is counted and logged with its cause.
 */
import { type BundleRuntime, ModelFailure, type ModelInput } from "./bundle-runtime.ts";
import { ServeError } from "./errors.ts";
import type { ServeMetrics } from "./serve-metrics.ts";
import type { ServeLogger } from "./service.ts";

export interface AnswerContext {
  timeoutMs: number;
  metrics: ServeMetrics;
  log: ServeLogger;
  /**
   * What is being answered, for the log ("stream default bar 2025-…"): a text, or a stream's bar,
   * put into words only when something is logged (not for every served bar).
   */
  what: string | { stream: string; timestamp: string };
  /** The request's bars are in a stream's state whatever the answer (/bars): said in errors. */
  barsAccepted: boolean;
}

export interface ModelAnswer {
  outputs: Record<string, number>;
  warm: true;
  bundle_version: string;
  fallback: boolean;
  fallback_reason?: ModelFailure["reason"];
}

/**
 * `p`, or a ModelFailure "timeout" after `ms`. One promise settled by whichever comes first: a race
 * with a timeout promise and a `finally` made four promises per served bar.
 */
export function withTimeout<T>(p: Promise<T>, ms: number, role: string, rt: BundleRuntime): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // The message is made only on a timeout (rt.model reads the manifest).
    const timer = setTimeout(
      () => reject(new ModelFailure("timeout", `${role} model ${rt.model} gave no answer within ${ms} ms`)),
      ms,
    );
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

function whatText(w: AnswerContext["what"]): string {
  return typeof w === "string" ? w : `stream ${w.stream} bar ${w.timestamp}`;
}

/** The primary's outputs, else the fallback's (flagged), else MODEL_UNAVAILABLE. */
export async function answerWithFallback(
  dep: { primary: BundleRuntime; fallback: BundleRuntime | null },
  input: ModelInput,
  fbInput: ModelInput | (() => Promise<ModelInput>) | null,
  ctx: AnswerContext,
): Promise<ModelAnswer> {
  const started = performance.now();
  let failure: ModelFailure;
  try {
    const outputs = await withTimeout(dep.primary.run(input), ctx.timeoutMs, "primary", dep.primary);
    ctx.metrics.hot.primarySeconds.observe((performance.now() - started) / 1000);
    return { outputs, warm: true, bundle_version: dep.primary.version, fallback: false };
  } catch (e) {
    if (!(e instanceof ModelFailure)) throw e;
    failure = e;
  }
  const what = whatText(ctx.what);
  const accepted = ctx.barsAccepted ? " The bars were accepted." : "";
  ctx.metrics.modelFailures.inc({ role: "primary", reason: failure.reason });
  const fb = dep.fallback;
  if (fb === null || fbInput === null) {
    ctx.log.error(
      { cause: failure.message, reason: failure.reason, what },
      "primary model failed and no fallback can answer",
    );
    throw new ServeError(
      "MODEL_UNAVAILABLE",
      503,
      `the model could not answer (${failure.reason}: ${failure.message})${fb === null ? "; no fallback bundle is configured" : "; the fallback bundle is not warm"}${accepted}`,
      { reason: failure.reason, ...(ctx.barsAccepted ? { bars_accepted: true } : {}) },
    );
  }
  try {
    const x = typeof fbInput === "function" ? await fbInput() : fbInput;
    const outputs = await withTimeout(fb.run(x), ctx.timeoutMs, "fallback", fb);
    ctx.metrics.fallbacks.inc({ reason: failure.reason });
    ctx.log.warn(
      { cause: failure.message, reason: failure.reason, what, fallback: fb.version },
      "answered from the fallback bundle",
    );
    return {
      outputs,
      warm: true,
      bundle_version: fb.version,
      fallback: true,
      fallback_reason: failure.reason,
    };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (e instanceof ModelFailure) ctx.metrics.modelFailures.inc({ role: "fallback", reason: e.reason });
    ctx.log.error(
      { cause: failure.message, fallback_cause: why, what },
      "primary and fallback models both failed",
    );
    throw new ServeError(
      "MODEL_UNAVAILABLE",
      503,
      `neither model could answer (primary ${failure.reason}: ${failure.message}; fallback: ${why})${accepted}`,
      { reason: failure.reason, ...(ctx.barsAccepted ? { bars_accepted: true } : {}) },
    );
  }
}
