// The load generator of bench/serve.ts, run as its own process (plain JavaScript, no TypeScript
// loader) so that it competes with the server for the CPU as little as possible: raw keep-alive
// HTTP/1.1 over TCP, one connection per client, each client on its own stream sending the next bar
// of the series as soon as the previous answer is in (closed loop) or on its own schedule (paced).
//
// Paced clients model independent trading engines: each starts at its own phase within the interval
// (seeded, so runs are repeatable) and waits intervalMs × (1 ± jitter) between bars. `phase: "sync"`
// starts every client at the same instant with no jitter: the synchronised burst, a worst case.
//
// Clocks. Node's timers fire on the event loop's millisecond ticks, so with `clock: "timers"` every
// send due within the same millisecond goes out in one turn of the loop, back to back: at 640 sends/s
// 26-27 % of sends came within 0.1 ms of another (measured), against ~6 % for independent clients. `clock: "precise"` (the default for paced runs) computes each client's schedule up
// front (same seeded phases and jitter) and a clock thread sleeps to each send time with sub-millisecond
// waits (Atomics.wait, a futex: Linux's default timer slack of 50 µs is its resolution), then posts the
// send to this thread. `burst_share` reports the share of sends within 0.1 ms of the one before.
//
// Latency is measured from the moment the request is written. A paced client whose previous answer
// is late sends late; `late_us` (how late sends were against their schedule) shows whether that
// happened, so a slow server cannot hide behind fewer requests (coordinated omission).
//
// With `warmupS`, the same load runs that long first and is reported apart (`warmup`): the server's
// code is compiled by V8 under its first requests (measured: the first ~3 s of a run at 640 requests/s
// are slower throughout), which a server that has been up for a while no longer pays.
//
// argv: JSON {port, path, clients, durationS, intervalMs, barsFile, from, token, phase, jitter, seed, clock,
//   warmupS, trace}
// stdout: one JSON line {requests, errors, statuses, seconds, latencies_us, warmup, late_us, burst_share,
//   clock, trace?, cpu_ms, loop_delay_ms} (errors count the warm-up's too)
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Worker } from "node:worker_threads";

const opts = JSON.parse(process.argv[2]);
const rows = JSON.parse(readFileSync(opts.barsFile, "utf8"));
const auth = opts.token ? `authorization: Bearer ${opts.token}\r\n` : "";
const paced = opts.intervalMs > 0;
const sync = opts.phase === "sync";
const jitter = sync ? 0 : (opts.jitter ?? 0.1);
const clock = paced ? (opts.clock ?? "precise") : "none";
if (!["precise", "timers", "none"].includes(clock)) throw new Error(`unknown clock ${clock}`);

/** mulberry32: a small seeded generator, so every run gives the clients the same phases. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(opts.seed ?? 1);

function requestText(stream, i, seq) {
  const [t, o, h, l, c, v] = rows[i];
  const body = `{"stream":"${stream}","bars":[{"timestamp":${t},"open":${o},"high":${h},"low":${l},"close":${c},"volume":${v}}]}`;
  return `POST ${opts.path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n${auth}${opts.trace ? `x-seq: ${seq}\r\n` : ""}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

const latencies = [];
const warmupLatencies = [];
const late = [];
const statuses = {};
let errors = 0;
let requests = 0;
/** Sends within 0.1 ms of the previous send (any client). */
let bursts = 0;
let sends = 0;
let lastSendAt = Number.NEGATIVE_INFINITY;
/** opts.trace: per request [client, seq on its connection, sent, received] in epoch ms (µs precision). */
const trace = [];
const ports = new Array(opts.clients).fill(0);
const epoch = (t) => performance.timeOrigin + t;

/** The clock thread: sleeps to each time of `times` (this thread's performance.now() scale), posts its index. */
const CLOCK_THREAD = `
const { parentPort } = require("node:worker_threads");
parentPort.once("message", ({ times, originMs }) => {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const now = () => performance.timeOrigin + performance.now() - originMs;
  for (let i = 0; i < times.length; ) {
    const wait = times[i] - now();
    if (wait > 0) Atomics.wait(cell, 0, 0, wait);
    else parentPort.postMessage(i++);
  }
});
`;

/** Every client's send times for the run (precise clock): seeded phases, then intervals ± jitter. */
function schedule(begin, deadline) {
  const all = [];
  for (let k = 0; k < opts.clients; k++) {
    let t = begin + (sync ? 0 : random() * opts.intervalMs);
    while (t < deadline) {
      all.push([t, k]);
      t += opts.intervalMs * (1 + jitter * (2 * random() - 1));
    }
  }
  all.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { times: Float64Array.from(all, (e) => e[0]), owner: Int32Array.from(all, (e) => e[1]) };
}

// The clock thread starts before the schedule is fixed, so its start-up delays no send.
const clockThread = clock === "precise" ? new Worker(CLOCK_THREAD, { eval: true }) : null;
if (clockThread)
  await new Promise((r, j) => {
    clockThread.once("online", r);
    clockThread.once("error", j);
  });

const begin = performance.now() + 50;
/** Requests sent before this are the warm-up: the same load, reported apart (`warmup`), not measured. */
const measureFrom = begin + (opts.warmupS ?? 0) * 1000;
const deadline = measureFrom + opts.durationS * 1000;
const plan = clock === "precise" ? schedule(begin, deadline) : null;
const dueCount = new Int32Array(opts.clients);
if (plan) for (const k of plan.owner) dueCount[k]++;

function client(k) {
  return new Promise((resolve) => {
    const stream = `c${k}`;
    let i = opts.from;
    let sentAt = 0;
    let buf = "";
    let inFlight = false;
    let finished = false;
    let seq = 0;
    /** Precise clock: send times that came while a request was in flight (sent late, in order). */
    const pending = [];
    let nextAt = clock === "precise" ? 0 : begin + (paced && !sync ? random() * opts.intervalMs : 0);
    const socket = connect({ port: opts.port, host: "127.0.0.1", noDelay: true });
    const finish = () => {
      if (finished) return;
      finished = true;
      socket.end();
      resolve();
    };
    const write = (now) => {
      if (now >= measureFrom) {
        sends++;
        if (now - lastSendAt < 0.1) bursts++;
      }
      lastSendAt = now;
      sentAt = now;
      inFlight = true;
      socket.write(requestText(stream, i++, seq));
    };
    // Timers clock (and closed loop): the next send is due `nextAt`.
    const send = () => {
      const now = performance.now();
      if (now >= deadline || i >= rows.length) return finish();
      const wait = nextAt - now;
      if (wait > 0) {
        setTimeout(send, wait);
        return;
      }
      if (paced) {
        if (now >= measureFrom) late.push((now - nextAt) * 1000);
        nextAt += opts.intervalMs * (1 + jitter * (2 * random() - 1));
      }
      write(now);
    };
    // Precise clock: the clock thread says when; a send due while one is in flight goes when it returns.
    const sendAt = (at) => {
      if (i >= rows.length) return finish();
      const now = performance.now();
      if (now >= measureFrom) late.push((now - at) * 1000);
      dueCount[k]--;
      write(now);
    };
    const onDue = (at) => {
      if (finished) return;
      if (inFlight || socket.connecting) pending.push(at);
      else sendAt(at);
    };
    const next = () => {
      if (clock !== "precise") return send();
      if (pending.length > 0) return sendAt(pending.shift());
      if (dueCount[k] === 0) finish();
    };
    socket.setEncoding("latin1");
    socket.on("connect", () => {
      ports[k] = socket.localPort;
      next();
    });
    socket.on("error", () => {
      errors++;
      finished = true;
      resolve();
    });
    socket.on("data", (chunk) => {
      buf += chunk;
      for (;;) {
        const head = buf.indexOf("\r\n\r\n");
        if (head < 0) return;
        const m = /content-length: (\d+)/i.exec(buf.slice(0, head));
        const len = m ? Number(m[1]) : 0;
        if (buf.length < head + 4 + len) return;
        const status = Number(buf.slice(9, 12));
        buf = buf.slice(head + 4 + len);
        const receivedAt = performance.now();
        if (sentAt >= measureFrom) {
          latencies.push((receivedAt - sentAt) * 1000);
          if (opts.trace) trace.push(k, seq, epoch(sentAt), epoch(receivedAt));
          requests++;
          statuses[status] = (statuses[status] ?? 0) + 1;
        } else warmupLatencies.push((receivedAt - sentAt) * 1000);
        seq++;
        if (status !== 200) errors++;
        inFlight = false;
        next();
      }
    });
    dueHandlers[k] = onDue;
  });
}
const dueHandlers = new Array(opts.clients);

const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
// The parent starts its server-side measurements when told the measured part begins; the IPC channel
// must not keep this process alive once the load is done.
process.channel?.unref();
let cpuAtMeasure = null;
setTimeout(
  () => {
    cpuAtMeasure = process.cpuUsage();
    process.send?.({ measuring: true });
  },
  Math.max(0, measureFrom - performance.now()),
);
const running = Array.from({ length: opts.clients }, (_, k) => client(k));
if (clockThread) {
  clockThread.on("message", (idx) => dueHandlers[plan.owner[idx]](plan.times[idx]));
  clockThread.postMessage({ times: plan.times, originMs: performance.timeOrigin });
}
await Promise.all(running);
const ended = performance.now();
if (clockThread) await clockThread.terminate();
const seconds = (ended - measureFrom) / 1000;
const cpu = process.cpuUsage(cpuAtMeasure ?? undefined);
loop.disable();
const pct = (xs) => {
  xs.sort((a, b) => a - b);
  const q = (p) =>
    xs.length ? Number(xs[Math.min(xs.length - 1, Math.floor(p * xs.length))].toFixed(1)) : null;
  return { p50: q(0.5), p90: q(0.9), p99: q(0.99), p999: q(0.999), max: q(1) };
};
const ms = (ns) => Number((ns / 1e6).toFixed(2));
process.stdout.write(
  `${JSON.stringify({
    requests,
    errors,
    statuses,
    seconds: Number(seconds.toFixed(2)),
    latencies_us: pct(latencies),
    warmup: { requests: warmupLatencies.length, latencies_us: pct(warmupLatencies) },
    late_us: paced ? pct(late) : null,
    burst_share: sends ? Number((bursts / sends).toFixed(4)) : null,
    clock,
    ...(opts.trace ? { trace: { ports, rows: trace } } : {}),
    cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
    loop_delay_ms: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) },
  })}\n`,
);
