/**
 * A started server for a test file and small HTTP helpers (fetch over loopback, JSON bodies), plus a
 * logger that keeps its lines so tests can check that failures are logged with their cause.
 */
import type { Bars } from "../../src/data/bars.ts";
import { loadPredictor, predictBars } from "../../src/predict/predict.ts";
import { type RunningServer, type ServeOptions, startServer } from "../../src/serve/server.ts";
import type { ServeLogger } from "../../src/serve/service.ts";

export interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: a reply's JSON, read field by field by the tests
  body: any;
  text: string;
}

export interface LogLine {
  level: string;
  msg: string;
  obj: Record<string, unknown>;
}

export function memoryLogger(): ServeLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (obj: object, msg: string) =>
    lines.push({ level, msg, obj: obj as Record<string, unknown> });
  return { lines, info: at("info"), warn: at("warn"), error: at("error") };
}

export async function request(
  url: string,
  method: "GET" | "POST",
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)["content-type"] ??= "application/json";
  }
  const r = await fetch(`${url}${path}`, init);
  const text = await r.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  return { status: r.status, body: parsed, text };
}

export interface TestServer extends RunningServer {
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  get(path: string, headers?: Record<string, string>): Promise<Reply>;
}

/**
 * Tests run beside others on two shared cores: a model call can be descheduled for far longer than
 * serving's 100 ms default, which would turn a correct answer into a 503. Tests get 2 s unless they
 * set their own (the timeout test replaces the primary with one that never answers).
 */
export const TEST_MODEL_TIMEOUT_MS = 2_000;

export async function testServer(opts: ServeOptions): Promise<TestServer> {
  const s = await startServer({
    port: 0,
    prestartWindowWorker: false,
    modelTimeoutMs: TEST_MODEL_TIMEOUT_MS,
    ...opts,
  });
  return {
    ...s,
    post: (path, body, headers) => request(s.url, "POST", path, body, headers),
    get: (path, headers) => request(s.url, "GET", path, undefined, headers),
  };
}

/** What `mlf predict` computes for every bar of `bars` (NaN before warm-up), by bar index. */
export async function predictedByBar(bundleDir: string, bars: Bars): Promise<Map<string, Float64Array>> {
  const p = await loadPredictor(bundleDir);
  const pred = await predictBars(p, bars, bars.volume !== null);
  const out = new Map<string, Float64Array>();
  for (const [name, values] of pred.outputs) {
    const full = new Float64Array(bars.length).fill(Number.NaN);
    full.set(values, pred.firstRow);
    out.set(name, full);
  }
  return out;
}
