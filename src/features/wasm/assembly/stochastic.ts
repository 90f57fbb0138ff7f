// AssemblyScript, compiled to ../stochastic.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for the
// interface every kernel module exports). Inputs: 0 high, 1 low, 2 close. Outputs: 0 %K(14), 1 %D(3).
//
// The fast stochastic oscillator of src/features/momentum/stochastic.ts, same definitions and the same
// operations in the same order: running highest high / lowest low of the last 14 bars (a new bar that
// reaches the extreme takes it over; when the bar holding it leaves the window the 14 bars are rescanned,
// newest to oldest, latest bar on ties), %K = 100·(close − ll)/(hh − ll) (NaN unless the range is > 0)
// from bar 13, %D = (0 + K₋₂ + K₋₁ + K₀)/3 oldest first; both NaN until bar 15. The module keeps the last
// 16 highs and lows itself (a ring indexed by bar number) for the rescans.

const K_PERIOD: i32 = 14;
const D_PERIOD: i32 = 3;
/** Ring of the last highs and lows, a power of two >= K_PERIOD. */
const RING: i32 = 16;
const MASK: i32 = RING - 1;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the rings of highs and lows, the three input columns and the two outputs.
const highs = memory.data(RING * 8, 8);
const lows = memory.data(RING * 8, 8);
const highIn = memory.data(CAPACITY * 8, 8);
const lowIn = memory.data(CAPACITY * 8, 8);
const closeIn = memory.data(CAPACITY * 8, 8);
const kOut = memory.data(CAPACITY * 8, 8);
const dOut = memory.data(CAPACITY * 8, 8);

/** Highest high / lowest low of the current 14-bar window and the bar each was seen at. */
let hh: f64 = -Infinity;
let hhAt: i32 = -1;
let ll: f64 = Infinity;
let llAt: i32 = -1;
/** The last three %K, oldest first, and how many %K there have been (counted up to 3). */
let k0: f64 = NaN;
let k1: f64 = NaN;
let k2: f64 = NaN;
let kCount: i32 = 0;
/** Bars seen so far (the next bar's number). */
let seen: i32 = 0;

export function inputPtr(k: i32): usize {
  return k == 0 ? highIn : k == 1 ? lowIn : k == 2 ? closeIn : 0;
}
export function outputPtr(k: i32): usize {
  return k == 0 ? kOut : k == 1 ? dOut : 0;
}

@inline function at(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}
@inline function put(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}

/** The next n bars, inputs in [0..n). */
export function advance(n: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    const bar = seen++;
    const h = at(highIn, i);
    const l = at(lowIn, i);
    put(highs, bar & MASK, h);
    put(lows, bar & MASK, l);
    const first = bar - K_PERIOD + 1;
    if (h >= hh) {
      hh = h;
      hhAt = bar;
    } else if (hhAt < first) scanHigh(first, bar);
    if (l <= ll) {
      ll = l;
      llAt = bar;
    } else if (llAt < first) scanLow(first, bar);
    // Nothing enters %D's window until %K exists (bar 13).
    if (first < 0) {
      put(kOut, i, NaN);
      put(dOut, i, NaN);
      continue;
    }
    const range = hh - ll;
    const k: f64 = range > 0 ? (100 * (at(closeIn, i) - ll)) / range : NaN;
    k0 = k1;
    k1 = k2;
    k2 = k;
    if (kCount < D_PERIOD) {
      if (++kCount < D_PERIOD) {
        put(kOut, i, NaN);
        put(dOut, i, NaN);
        continue;
      }
    }
    // The sum oldest → newest from 0, as RingBuffer.sum.
    put(kOut, i, k);
    put(dOut, i, (0 + k0 + k1 + k2) / <f64>D_PERIOD);
  }
}

/** Sets hh to the highest high of bars [max(first, 0), last], latest bar on ties. */
function scanHigh(first: i32, last: i32): void {
  let best = at(highs, last & MASK);
  let where = last;
  for (let j = last - 1; j >= first && j >= 0; j--) {
    const x = at(highs, j & MASK);
    if (x > best) {
      best = x;
      where = j;
    }
  }
  hh = best;
  hhAt = where;
}

/** Sets ll to the lowest low of bars [max(first, 0), last], latest bar on ties. */
function scanLow(first: i32, last: i32): void {
  let best = at(lows, last & MASK);
  let where = last;
  for (let j = last - 1; j >= first && j >= 0; j--) {
    const x = at(lows, j & MASK);
    if (x < best) {
      best = x;
      where = j;
    }
  }
  ll = best;
  llAt = where;
}
