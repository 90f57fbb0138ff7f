// AssemblyScript, compiled to ../session-clock.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for
// the interface every kernel module exports). Input 0: ts (bar start, UTC epoch ms). Outputs: 0
// session_minutes, 1 session_bars.
//
// The causal session clock of src/features/time/session-clock.ts, same operations: a session starts at
// the series' first bar and at every bar starting more than 30 minutes after the previous bar's start;
// session_minutes = (ts − session start) / MINUTE_MS, session_bars = bars since the session's first.

const MINUTE_MS: f64 = 60_000;
const SESSION_GAP_MINUTES: f64 = 30;
const MAX_GAP: f64 = SESSION_GAP_MINUTES * MINUTE_MS;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the input timestamps and the two outputs.
const tsIn = memory.data(CAPACITY * 8, 8);
const minutesOut = memory.data(CAPACITY * 8, 8);
const barsOut = memory.data(CAPACITY * 8, 8);

/** Bars seen so far, the previous bar's start, the session's first bar start and bars since it. */
let seen: i64 = 0;
let prev: f64 = 0;
let sessionStart: f64 = 0;
let barsInSession: f64 = 0;

export function inputPtr(k: i32): usize {
  return k == 0 ? tsIn : 0;
}
export function outputPtr(k: i32): usize {
  return k == 0 ? minutesOut : k == 1 ? barsOut : 0;
}

/** The next n bars, their starts in tsIn[0..n). */
export function advance(n: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    const at = <usize>i << 3;
    const t = load<f64>(tsIn + at);
    if (seen++ == 0 || t - prev > MAX_GAP) {
      sessionStart = t;
      barsInSession = 0;
    } else {
      barsInSession++;
    }
    prev = t;
    store<f64>(minutesOut + at, (t - sessionStart) / MINUTE_MS);
    store<f64>(barsOut + at, barsInSession);
  }
}
