// The load generator of bench/serve.ts, run as its own process (plain JavaScript, no TypeScript
// loader) so that it competes with the server for the CPU as little as possible: raw keep-alive
// HTTP/1.1 over TCP, one connection per client, each client on its own stream sending the next bar
// of the series as soon as the previous answer is in (closed loop) or every `intervalMs` (paced).
//
// argv: JSON {port, path, clients, durationS, intervalMs, barsFile, from, token}
// stdout: one JSON line {requests, errors, statuses, seconds, latencies_us: {p50, p90, p99, p999, max}}
import { readFileSync } from "node:fs";
import { connect } from "node:net";

const opts = JSON.parse(process.argv[2]);
const rows = JSON.parse(readFileSync(opts.barsFile, "utf8"));
const auth = opts.token ? `authorization: Bearer ${opts.token}\r\n` : "";

function requestText(stream, i) {
  const [t, o, h, l, c, v] = rows[i];
  const body = `{"stream":"${stream}","bars":[{"timestamp":${t},"open":${o},"high":${h},"low":${l},"close":${c},"volume":${v}}]}`;
  return `POST ${opts.path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n${auth}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

const latencies = [];
const statuses = {};
let errors = 0;
let requests = 0;
const deadline = performance.now() + opts.durationS * 1000;

function client(k) {
  return new Promise((resolve) => {
    const stream = `c${k}`;
    let i = opts.from;
    let sentAt = 0;
    let buf = "";
    let nextAt = performance.now() + (opts.intervalMs > 0 ? Math.random() * opts.intervalMs : 0);
    const socket = connect({ port: opts.port, host: "127.0.0.1", noDelay: true });
    const send = () => {
      if (performance.now() >= deadline || i >= rows.length) {
        socket.end();
        resolve();
        return;
      }
      const wait = nextAt - performance.now();
      if (wait > 0) {
        setTimeout(send, wait);
        return;
      }
      if (opts.intervalMs > 0) nextAt += opts.intervalMs;
      sentAt = performance.now();
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

const started = performance.now();
await Promise.all(Array.from({ length: opts.clients }, (_, k) => client(k)));
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const q = (p) =>
  latencies.length
    ? Number(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1))
    : null;
process.stdout.write(
  `${JSON.stringify({
    requests,
    errors,
    statuses,
    seconds: Number(seconds.toFixed(2)),
    latencies_us: { p50: q(0.5), p90: q(0.9), p99: q(0.99), p999: q(0.999), max: q(1) },
  })}\n`,
);
