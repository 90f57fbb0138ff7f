/**
 * Request bodies (zod schemas, validated by fastify before a handler runs) and the checks that turn
 * a body's bars into numbers: timestamps (ISO-8601 with an offset, or integer epoch ms), then the
 * same rules as ingest (src/data/validate.ts: finite, positive prices, low ≤ open/close ≤ high,
 * non-negative volume, strictly increasing time) and, against a stream, no bar at or before the last
 * accepted one. Every check runs before anything is applied, so a refused request changes nothing.
 */
import { z } from "zod";
import type { Bars } from "../data/bars.ts";
import { describeProblem, findFirstProblem } from "../data/validate.ts";
import { ServeError } from "./errors.ts";

/** Largest bars per /bars request and per /predict window (the body limits apply as well). */
export const MAX_BARS_PER_REQUEST = 50_000;
export const MAX_WINDOW_BARS = 500_000;

export const STREAM_ID = /^[A-Za-z0-9._-]{1,64}$/;

export const BarJson = z.strictObject({
  timestamp: z.union([z.string().max(64), z.number()]),
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number().optional(),
  /** The contract the bar came from (e.g. TX202412): a change of contract is a roll (src/rolls). */
  contract: z.string().min(1).max(64).optional(),
});
export type BarJson = z.infer<typeof BarJson>;

export const BarsBody = z.strictObject({
  /** Which live stream (default "default"); each has its own state. */
  stream: z.string().regex(STREAM_ID, "letters, digits, '.', '_' or '-', at most 64").optional(),
  bars: z.array(BarJson).min(1).max(MAX_BARS_PER_REQUEST),
  /** Also answer the last bar's feature row (null for NaN), as the batch pipeline computes it. */
  include_features: z.boolean().optional(),
});
export type BarsBody = z.infer<typeof BarsBody>;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** A finite number: what z.number() accepts (zod 4 refuses NaN and the infinities). */
function isFiniteNumber(x: unknown): x is number {
  return typeof x === "number" && Number.isFinite(x);
}

function isPlainBar(b: unknown): boolean {
  if (!isRecord(b)) return false;
  for (const k in b) {
    const v = b[k];
    switch (k) {
      case "timestamp":
        if (!(isFiniteNumber(v) || (typeof v === "string" && v.length <= 64))) return false;
        break;
      case "open":
      case "high":
      case "low":
      case "close":
      case "volume":
        if (!isFiniteNumber(v)) return false;
        break;
      case "contract":
        if (!(typeof v === "string" && v.length >= 1 && v.length <= 64)) return false;
        break;
      default:
        return false;
    }
  }
  return (
    b.timestamp !== undefined &&
    b.open !== undefined &&
    b.high !== undefined &&
    b.low !== undefined &&
    b.close !== undefined
  );
}

/**
 * True only for a parsed JSON body that BarsBody accepts unchanged: the common /bars request is
 * checked by plain tests instead of zod's parse, which built ~2.5 KB of objects per served bar.
 * False says nothing: the body then goes through zod, which accepts it or names the bad field
 * (tests/serve/bar-input-fast.test.ts checks both agree).
 */
export function isPlainBarsBody(body: unknown): boolean {
  if (!isRecord(body)) return false;
  for (const k in body) {
    const v = body[k];
    switch (k) {
      case "stream":
        if (!(typeof v === "string" && STREAM_ID.test(v))) return false;
        break;
      case "include_features":
        if (typeof v !== "boolean") return false;
        break;
      case "bars":
        if (!Array.isArray(v) || v.length < 1 || v.length > MAX_BARS_PER_REQUEST) return false;
        for (let i = 0; i < v.length; i++) if (!isPlainBar(v[i])) return false;
        break;
      default:
        return false;
    }
  }
  return body.bars !== undefined;
}

export const PredictBody = z.strictObject({
  bars: z.array(BarJson).min(1).max(MAX_WINDOW_BARS),
  include_features: z.boolean().optional(),
});
export type PredictBody = z.infer<typeof PredictBody>;

export const ReloadBody = z
  .strictObject({
    bundle: z.string().min(1).optional(),
    /** A path, or null to serve without a fallback; absent keeps the current setting. */
    fallback: z.string().min(1).nullable().optional(),
  })
  .optional();
export type ReloadBody = z.infer<typeof ReloadBody>;

/** `2025-01-02T03:04:05Z`, `…05.123+08:00`, `…T03:04Z`: an explicit offset is required. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
/** 1970-01-01 to 2200-01-01: anything else is a unit mistake (seconds, microseconds). */
const MAX_TS = Date.UTC(2200, 0, 1);

function badBar(index: number, field: string, message: string): ServeError {
  return new ServeError("BAR_INVALID", 422, `bars[${index}].${field}: ${message}`, { index, field });
}

export function parseTimestamp(raw: string | number, index: number): number {
  let ms: number;
  if (typeof raw === "number") {
    if (!Number.isSafeInteger(raw))
      throw badBar(index, "timestamp", `${raw} is not a whole number of epoch milliseconds`);
    ms = raw;
  } else {
    if (!ISO_8601.test(raw)) {
      throw badBar(
        index,
        "timestamp",
        `"${raw}" is not ISO-8601 with an offset (e.g. 2025-01-02T03:04:00Z) nor epoch milliseconds`,
      );
    }
    ms = Date.parse(raw);
    if (Number.isNaN(ms)) throw badBar(index, "timestamp", `"${raw}" is not a valid date and time`);
  }
  if (ms < 0 || ms >= MAX_TS) {
    throw badBar(index, "timestamp", `${raw} is outside 1970–2200: send epoch milliseconds (not seconds)`);
  }
  return ms;
}

/** Checked bars of a request: columns, how many carry a volume, and their contracts (or null). */
export type InputBars = Bars & { volumeCount: number; contracts: string[] | null };

/**
 * A body's bars as columns, checked by the ingest rules; `volume` is null when no bar has one.
 * Contracts: every bar has one, or none has.
 */
export function barsFromJson(bars: readonly BarJson[]): InputBars {
  const n = bars.length;
  // Columns built directly (no intermediate objects and spreads: this runs for every served bar).
  const ts = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  let volumeCount = 0;
  let withContract = 0;
  for (let i = 0; i < n; i++) {
    const b = bars[i]!;
    ts[i] = parseTimestamp(b.timestamp, i);
    open[i] = b.open;
    high[i] = b.high;
    low[i] = b.low;
    close[i] = b.close;
    if (b.volume === undefined) volume[i] = Number.NaN;
    else {
      volume[i] = b.volume;
      volumeCount++;
    }
    if (b.contract !== undefined) withContract++;
  }
  const out: Bars = { length: n, ts, open, high, low, close, volume: volumeCount > 0 ? volume : null };
  // Validation sees volume only where every bar has one; a partial column is checked value by value.
  const problem = findFirstProblem(volumeCount === n ? out : { ...out, volume: null });
  if (problem !== null) {
    const i = problem.index;
    if (problem.kind === "not-finite")
      throw badBar(i, problem.column, `${problem.value} is not a finite number`);
    if (problem.kind === "duplicate-ts") {
      throw new ServeError("BAR_DUPLICATE", 409, `bars[${i}].timestamp: ${describeProblem(problem)}`, {
        index: i,
        field: "timestamp",
      });
    }
    if (problem.kind === "unsorted-ts") {
      throw new ServeError("BAR_OUT_OF_ORDER", 409, `bars[${i}].timestamp: ${describeProblem(problem)}`, {
        index: i,
        field: "timestamp",
      });
    }
    throw badBar(i, problem.column, describeProblem(problem));
  }
  if (volumeCount > 0 && volumeCount < n) {
    for (let i = 0; i < n; i++) {
      const v = volume[i];
      if (!Number.isNaN(v) && !(Number.isFinite(v) && v >= 0)) {
        throw badBar(i, "volume", `${v} is not a finite non-negative number`);
      }
    }
  }
  if (withContract > 0 && withContract < n) {
    const i = bars.findIndex((b) => b.contract === undefined);
    throw badBar(
      i,
      "contract",
      "some bars of the request name their contract and this one does not: all or none",
    );
  }
  const contracts = withContract > 0 ? bars.map((b) => b.contract!) : null;
  return { length: n, ts, open, high, low, close, volume: out.volume, volumeCount, contracts };
}

/** Refuses bars that do not come strictly after the stream's last accepted bar. */
export function checkAfter(bars: Bars, lastTs: number, stream: string): void {
  const t = bars.ts[0];
  if (t === lastTs) {
    throw new ServeError(
      "BAR_DUPLICATE",
      409,
      `bars[0].timestamp ${new Date(t).toISOString()} was already accepted on stream "${stream}": send only new closed bars`,
      { index: 0, field: "timestamp", stream, last_timestamp: new Date(lastTs).toISOString() },
    );
  }
  if (t < lastTs) {
    throw new ServeError(
      "BAR_OUT_OF_ORDER",
      409,
      `bars[0].timestamp ${new Date(t).toISOString()} is before stream "${stream}"'s last bar ${new Date(lastTs).toISOString()}: bars must arrive in time order`,
      { index: 0, field: "timestamp", stream, last_timestamp: new Date(lastTs).toISOString() },
    );
  }
}

/** The first issue of a failed zod parse as `bars[3].high: message`. */
export function zodIssueText(error: z.ZodError): { path: string; message: string } {
  const issue = error.issues[0];
  if (issue === undefined) return { path: "(body)", message: "invalid" };
  let path = "";
  for (const p of issue.path)
    path += typeof p === "number" ? `[${p}]` : path === "" ? String(p) : `.${String(p)}`;
  if (issue.code === "unrecognized_keys") {
    const keys = (issue as { keys?: string[] }).keys ?? [];
    return { path: path || "(body)", message: `unknown key${keys.length > 1 ? "s" : ""} ${keys.join(", ")}` };
  }
  return { path: path || "(body)", message: issue.message };
}
