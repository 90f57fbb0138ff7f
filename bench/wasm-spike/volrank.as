// Spike (bench/wasm-spike.ts): the volatility-regime rank of src/features/regime/trailing-vol-rank.ts and
// src/features/primitives/sorted-window.ts, written in AssemblyScript, to measure what kernels compiled ahead
// of time to WebAssembly would cost against the JIT-compiled TypeScript. Same algorithm, same operations.
const VOL_WINDOW: i32 = 20;
const RANK_WINDOW: i32 = 240;
const TIE: f64 = 1e-9;

// scratch layout (bytes), after the caller's arrays
let sq: usize = 0;      // 2 * VOL_WINDOW f64 (mirrored ring)
let order: usize = 0;   // RANK_WINDOW f64
let sorted: usize = 0;  // RANK_WINDOW f64

export function init(scratch: usize): void {
  sq = scratch;
  order = sq + <usize>(2 * VOL_WINDOW * 8);
  sorted = order + <usize>(RANK_WINDOW * 8);
}

@inline function S(i: i32): f64 { return load<f64>(sorted + (<usize>i << 3)); }

export function run(close: usize, n: i32, out: usize): void {
  let sum: f64 = 0;
  let zeros: i32 = 0;
  let pushes: i32 = 0;
  let sqHead: i32 = 0;
  let sqCount: i32 = 0;
  let head: i32 = 0;
  let size: i32 = 0;
  let last: i32 = 0;
  for (let i: i32 = 0; i < n; i++) {
    const op = out + (<usize>i << 3);
    if (i == 0) { store<f64>(op, NaN); continue; }
    const r = Math.log(load<f64>(close + (<usize>i << 3)) / load<f64>(close + (<usize>(i - 1) << 3)));
    const r2 = r * r;
    if (sqCount >= VOL_WINDOW) {
      const old = load<f64>(sq + (<usize>sqHead << 3));
      sum -= old;
      if (old == 0) zeros--;
    }
    store<f64>(sq + (<usize>sqHead << 3), r2);
    store<f64>(sq + (<usize>(sqHead + VOL_WINDOW) << 3), r2);
    sqHead = sqHead + 1 == VOL_WINDOW ? 0 : sqHead + 1;
    sqCount++;
    sum += r2;
    if (r2 == 0) zeros++;
    if (++pushes % VOL_WINDOW == 0) {
      let s: f64 = 0;
      for (let k = sqHead; k < sqHead + VOL_WINDOW; k++) s += load<f64>(sq + (<usize>k << 3));
      sum = s;
    }
    if (sqCount < VOL_WINDOW) { store<f64>(op, NaN); continue; }
    const rv = zeros == VOL_WINDOW ? 0.0 : Math.sqrt(Math.max(0.0, sum) / <f64>VOL_WINDOW);
    if (isNaN(rv)) { store<f64>(op, NaN); continue; }
    // SortedWindow.push(rv)
    let lo: i32 = 0, hi: i32 = size;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (S(mid) <= rv) lo = mid + 1; else hi = mid; }
    const k = lo;
    if (size == RANK_WINDOW) {
      const leaving = load<f64>(order + (<usize>head << 3));
      lo = 0; hi = size;
      while (lo < hi) { const mid = (lo + hi) >>> 1; if (S(mid) < leaving) lo = mid + 1; else hi = mid; }
      const j = lo;
      if (k > j) {
        memory.copy(sorted + (<usize>j << 3), sorted + (<usize>(j + 1) << 3), <usize>(k - 1 - j) << 3);
        store<f64>(sorted + (<usize>(k - 1) << 3), rv);
        last = k - 1;
      } else {
        memory.copy(sorted + (<usize>(k + 1) << 3), sorted + (<usize>k << 3), <usize>(j - k) << 3);
        store<f64>(sorted + (<usize>k << 3), rv);
        last = k;
      }
    } else {
      memory.copy(sorted + (<usize>(k + 1) << 3), sorted + (<usize>k << 3), <usize>(size - k) << 3);
      store<f64>(sorted + (<usize>k << 3), rv);
      last = k;
      size++;
    }
    store<f64>(order + (<usize>head << 3), rv);
    head = head + 1 == RANK_WINDOW ? 0 : head + 1;
    if (size < RANK_WINDOW) { store<f64>(op, NaN); continue; }
    // counts near `last`
    const tb = rv * (1 - TIE);
    let p = last;
    let below: i32;
    if (S(p) < tb) { while (p + 1 < size && S(p + 1) < tb) p++; below = p + 1; }
    else { while (p > 0 && S(p - 1) >= tb) p--; below = p; }
    const ta = rv * (1 + TIE);
    p = last;
    let atMost: i32;
    if (S(p) <= ta) { while (p + 1 < size && S(p + 1) <= ta) p++; atMost = p + 1; }
    else { while (p > 0 && S(p - 1) > ta) p--; atMost = p; }
    const equal = atMost - below;
    store<f64>(op, (<f64>below + (<f64>equal + 1) / 2) / <f64>RANK_WINDOW);
  }
}
