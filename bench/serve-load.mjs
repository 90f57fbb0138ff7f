// The load generator of bench/serve.ts, run as its own process (plain JavaScript, no TypeScript
// loader) so that it competes with the server for the CPU as little as possible: raw keep-alive
// HTTP/1.1 over TCP, one connection per client, each client on its own stream sending the next bar
// of the series as soon as the previous answer is in (closed loop) or on its own schedule (paced).
//
// Paced clients model independent trading engines: each starts at its own phase within the interval
// (seeded, so runs are repeatable) and waits intervalMs × (1 ± jitter) between bars. `phase: "sync"`
// starts every client at the same instant with no jitter: the synchronised burst, a worst case.
//
// Latency is measured from the moment the request is written. A paced client whose previous answer
// is late sends late; `late_us` (how late sends were against their schedule) shows whether that
// happened, so a slow server cannot hide behind fewer requests (coordinated omission).
//
// argv: JSON {port, path, clients, durationS, intervalMs, barsFile, from, token, phase, jitter, seed}
// stdout: one JSON line {requests, errors, statuses, seconds, latencies_us, late_us, cpu_ms, loop_delay_ms}
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";

const opts = JSON.parse(process.argv[2]);
const rows = JSON.parse(readFileSync(opts.barsFile, "utf8"));
const auth = opts.token ? `authorization: Bearer ${opts.token}\r\n` : "";
const paced = opts.intervalMs > 0;
const sync = opts.phase === "sync";
const jitter = sync ? 0 : (opts.jitter ?? 0.1);

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

function requestText(stream, i) {
  const [t, o, h, l, c, v] = rows[i];
  const body = `{"stream":"${stream}","bars":[{"timestamp":${t},"open":${o},"high":${h},"low":${l},"close":${c},"volume":${v}}]}`;
  return `POST ${opts.path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n${auth}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

const latencies = [];
const late = [];
const statuses = {};
let errors = 0;
let requests = 0;
const begin = performance.now() + 50;
const deadline = begin + opts.durationS * 1000;

function client(k) {
  return new Promise((resolve) => {
    const stream = `c${k}`;
    let i = opts.from;
    let sentAt = 0;
    let buf = "";
    let nextAt = begin + (paced && !sync ? random() * opts.intervalMs : 0);
    const socket = connect({ port: opts.port, host: "127.0.0.1", noDelay: true });
    const send = () => {
      const now = performance.now();
      if (now >= deadline || i >= rows.length) {
        socket.end();
        resolve();
        return;
      }
      const wait = nextAt - now;
      if (wait > 0) {
        setTimeout(send, wait);
        return;
      }
      if (paced) {
        late.push((now - nextAt) * 1000);
        nextAt += opts.intervalMs * (1 + jitter * (2 * random() - 1));
      }
      sentAt = now;
      socket.write(requestText(stream, i++));
    };
    socket.setEncoding("latin1");
    socket.on("connect", send);
    socket.on("error", () => {
      errors++;
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
        latencies.push((performance.now() - sentAt) * 1000);
        requests++;
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status !== 200) errors++;
        send();
      }
    });
  });
}

const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
const cpu0 = process.cpuUsage();
const started = performance.now();
await Promise.all(Array.from({ length: opts.clients }, (_, k) => client(k)));
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpu0);
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
    late_us: paced ? pct(late) : null,
    cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
    loop_delay_ms: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) },
  })}\n`,
);
