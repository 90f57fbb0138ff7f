/**
 * Transfer benchmark behind `mlf workers bench` and bench/workers.ts: an N x C float32 Arrow table to
 * a worker and back through `echo`, 1-row round trips, and a plain in-process memcpy of the same bytes
 * measured in the same run as the yardstick.
 *
 * Directions: one echo round trip is timed from send to reply; each direction is charged its own
 * TypeScript-side work (Arrow encode going out, Arrow decode coming back) plus half the wire round trip,
 * which includes the worker receiving and resending the frame.
 *
 * The outgoing frame is encoded into one buffer reused across repetitions (safe: the next encode
 * starts only after the worker's reply, when ZeroMQ is done with it). The cost of encoding into a
 * freshly allocated buffer instead (page faults on first touch) is reported separately.
 */
import { WorkerError } from "../core/errors.ts";
import { arrowFrameByteLength, decodeArrowFrame, encodeArrowFrame } from "./arrow-frames.ts";
import type { WorkerPool } from "./pool.ts";

export interface BenchOptions {
  rows: number;
  cols: number;
  /** Timed repetitions of the big transfer (after one warm-up). */
  repeats: number;
  /** Timed 1-row round trips. */
  roundTrips: number;
  /**
   * Untimed 1-row round trips first. V8 keeps compiling the hot path for thousands of round trips, and
   * on a 2-vCPU machine its background compiler competes with the four I/O threads: with 200 warm-up
   * round trips p99 was 1.4-2.1 ms, after 9,000 it was 0.35-0.5 ms (same machine, idle).
   */
  warmupRoundTrips: number;
  /** Ask the worker to decode the Arrow frame to numpy and re-encode it (real worker-side costs). */
  decode: boolean;
}

export interface BenchResult {
  rows: number;
  cols: number;
  bytes: number;
  decode: boolean;
  toWorkerMBps: number;
  /** The same with the frame encoded into a freshly allocated buffer (a one-off fit). */
  toWorkerFreshMBps: number;
  fromWorkerMBps: number;
  roundTripMBps: number;
  encodeMs: number;
  /** Arrow encode into a newly allocated buffer (what a one-off fit pays). */
  encodeFreshMs: number;
  wireRoundTripMs: number;
  decodeMs: number;
  memcpyMBps: number;
  oneRowP50Ms: number;
  oneRowP99Ms: number;
  oneRowCount: number;
  oneRowWarmup: number;
}

const MB = 1e6;

export function makeColumns(rows: number, cols: number): Array<readonly [string, Float32Array]> {
  return Array.from({ length: cols }, (_, j) => {
    const values = new Float32Array(rows);
    for (let i = 0; i < rows; i++) values[i] = ((i * 7919 + j * 104729) % 100003) / 1000;
    return [`f${j}`, values] as const;
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** Best-of-N copy of `bytes` bytes into a preallocated buffer: the in-process ceiling. */
export function measureMemcpy(bytes: number, repeats: number): number {
  const src = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i += 4096) src[i] = i & 0xff;
  const dst = new Uint8Array(bytes);
  dst.set(src); // fault the destination pages in first, as a reused buffer would be
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    dst.set(src);
    times.push(performance.now() - t0);
  }
  return bytes / MB / (median(times) / 1000);
}

function checkEcho(
  sent: ReadonlyArray<readonly [string, Float32Array]>,
  frame: Uint8Array,
): { ms: number; rows: number } {
  const t0 = performance.now();
  const decoded = decodeArrowFrame(frame, "echo");
  const ms = performance.now() - t0;
  const first = sent[0]![1];
  const back = decoded.columns.get(sent[0]![0]);
  const last = first.length - 1;
  if (decoded.rows !== first.length || back === undefined || (last >= 0 && back[last] !== first[last])) {
    throw new WorkerError("WORKER_PROTOCOL", "echo returned different data than was sent");
  }
  return { ms, rows: decoded.rows };
}

export async function runTransferBench(pool: WorkerPool, options: BenchOptions): Promise<BenchResult> {
  const columns = makeColumns(options.rows, options.cols);
  const bytes = options.rows * options.cols * 4;
  const encodeMs: number[] = [];
  const freshMs: number[] = [];
  const wireMs: number[] = [];
  const decodeMs: number[] = [];
  const reusable = new Uint8Array(arrowFrameByteLength(columns));
  for (let r = 0; r <= options.repeats; r++) {
    const tf = performance.now();
    encodeArrowFrame(columns);
    freshMs.push(performance.now() - tf);
    const t0 = performance.now();
    const frame = encodeArrowFrame(columns, reusable);
    const t1 = performance.now();
    const [back] = await pool.echo([frame], { decode: options.decode });
    const t2 = performance.now();
    const { ms } = checkEcho(columns, back!);
    if (r === 0) continue; // warm-up
    encodeMs.push(t1 - t0);
    wireMs.push(t2 - t1);
    decodeMs.push(ms);
  }
  const enc = median(encodeMs);
  const encFresh = median(freshMs.slice(1));
  const wire = median(wireMs);
  const dec = median(decodeMs);

  const oneRow = columns.map(([name, values]) => [name, values.subarray(0, 1)] as const);
  const warmup = options.warmupRoundTrips;
  const rtts: number[] = [];
  for (let k = 0; k < warmup + options.roundTrips; k++) {
    const t0 = performance.now();
    const [back] = await pool.echo([encodeArrowFrame(oneRow)], { decode: options.decode });
    checkEcho(oneRow, back!);
    if (k >= warmup) rtts.push(performance.now() - t0);
  }
  rtts.sort((a, b) => a - b);

  return {
    rows: options.rows,
    cols: options.cols,
    bytes,
    decode: options.decode,
    toWorkerMBps: bytes / MB / ((enc + wire / 2) / 1000),
    toWorkerFreshMBps: bytes / MB / ((encFresh + wire / 2) / 1000),
    fromWorkerMBps: bytes / MB / ((wire / 2 + dec) / 1000),
    roundTripMBps: (2 * bytes) / MB / ((enc + wire + dec) / 1000),
    encodeMs: enc,
    encodeFreshMs: encFresh,
    wireRoundTripMs: wire,
    decodeMs: dec,
    memcpyMBps: measureMemcpy(bytes, Math.max(5, options.repeats)),
    oneRowP50Ms: quantile(rtts, 0.5),
    oneRowP99Ms: quantile(rtts, 0.99),
    oneRowCount: rtts.length,
    oneRowWarmup: warmup,
  };
}

export function formatBenchResult(r: BenchResult, transport: string): string {
  const f = (x: number, d = 0) => x.toFixed(d);
  return [
    `${r.rows} x ${r.cols} float32 (${f(r.bytes / MB, 1)} MB) over ${transport}${r.decode ? ", worker decodes + re-encodes" : ""}`,
    `  to worker:    ${f(r.toWorkerMBps)} MB/s   (Arrow encode ${f(r.encodeMs, 2)} ms + half of the ${f(r.wireRoundTripMs, 2)} ms echo round trip)`,
    `                ${f(r.toWorkerFreshMBps)} MB/s when encoding into a fresh buffer (${f(r.encodeFreshMs, 2)} ms)`,
    `  from worker:  ${f(r.fromWorkerMBps)} MB/s   (half of the echo round trip + Arrow decode ${f(r.decodeMs, 2)} ms)`,
    `  round trip:   ${f(r.roundTripMBps)} MB/s of payload moved`,
    `  memcpy:       ${f(r.memcpyMBps)} MB/s   (same bytes, in process, same run)`,
    `  1-row echo:   p50 ${f(r.oneRowP50Ms, 3)} ms, p99 ${f(r.oneRowP99Ms, 3)} ms over ${r.oneRowCount} round trips after ${r.oneRowWarmup} untimed`,
  ].join("\n");
}
