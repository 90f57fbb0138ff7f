import type { TimeframeId } from "../../core/timeframes.ts";
import { WindowBuffer } from "../primitives/window-buffer.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";

const WINDOW = 64;

/**
 * Haar DWT, level 3, of the last 64 one-bar log returns x (x_t = ln c_t - ln c_{t-1}), as computed by
 * `pywt.wavedec(x, "haar", mode="periodization", level=3)` on the window ending at bar t (64 is a
 * multiple of 2^3, so every Haar block lies inside the window and the extension mode never matters).
 * Outputs the energy (sum of squared coefficients) of D1 (2-bar scale), D2 (4-bar), D3 (8-bar) and the
 * approximation A3 (>= 8 bars), in squared log-return units; they add up to Σx² (Parseval). The
 * shares are D_j energy / total energy (NaN when all 64 returns are 0).
 *
 * Incremental form: with L = ln(close), every Haar coefficient of the window is a block statistic
 * ending at a bar whose distance to t is a multiple of its block length:
 *   D1 block ending at s: (x_s - x_{s-1})² / 2 = (L_s - 2L_{s-1} + L_{s-2})² / 2
 *   D2 block ending at s: (L_s - 2L_{s-2} + L_{s-4})² / 4
 *   D3 block ending at s: (L_s - 2L_{s-4} + L_{s-8})² / 8
 *   A3 block ending at s: (L_s - L_{s-8})² / 8
 * so each bar computes its four block terms once (one log), and the energy at t of a level with block
 * length b is the sum of the terms at s = t, t - b, ..., t - 64 + b: a running sum per residue class of
 * the bar number mod b (O(1) a bar). The sums are re-anchored, recomputed from the stored terms, every
 * 64 bars, which bounds rounding drift and keeps every value a function of the bar sequence alone
 * (identical for any chunking); drift can leave a tiny negative where the true energy is 0, so
 * energies are clamped at 0, and a window of 64 zero returns (counted exactly) gives exactly 0.
 */
export const haarEnergy: IndicatorSpec = {
  kind: "indicator",
  id: "haar_energy64",
  family: "wavelet",
  timeframes: ["1m", "5m", "15m"],
  needsVolume: false,
  outputs: [
    {
      name: "wav_d1_energy64",
      definition:
        "Haar DWT level-1 detail energy of the last 64 log returns, 2-bar scale (squared log return)",
    },
    {
      name: "wav_d2_energy64",
      definition:
        "Haar DWT level-2 detail energy of the last 64 log returns, 4-bar scale (squared log return)",
    },
    {
      name: "wav_d3_energy64",
      definition:
        "Haar DWT level-3 detail energy of the last 64 log returns, 8-bar scale (squared log return)",
    },
    {
      name: "wav_a3_energy64",
      definition:
        "Haar DWT level-3 approximation energy of the last 64 log returns, >= 8-bar scale (squared log return)",
    },
    { name: "wav_d1_share64", definition: "D1 energy / total energy of the last 64 log returns, 0..1" },
    { name: "wav_d2_share64", definition: "D2 energy / total energy of the last 64 log returns, 0..1" },
    { name: "wav_d3_share64", definition: "D3 energy / total energy of the last 64 log returns, 0..1" },
  ],
  // The window's first return is x_{t-63}, which needs close t-64.
  warmup: WINDOW,
  // Relative CPU time per bar (bench/features-kernels.ts), for balancing threads.
  cost: 4,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new HaarEnergyKernel();
  },
};

/** Residue classes per level: the block lengths 2, 4, 8, 8. */
const STRIDES = [2, 4, 8, 8] as const;

/**
 * One level: its per-bar terms (stored twice, at h and h + 64, so that the window is the contiguous
 * slice [h + 1, h + 64]) and one running sum per residue class of the bar number.
 */
class Level {
  readonly terms = new Float64Array(2 * WINDOW);
  readonly sums: Float64Array;
  /** stride - 1: strides are powers of two, so n & mask is n mod stride without a division. */
  private readonly mask: number;
  constructor(readonly stride: number) {
    this.sums = new Float64Array(stride);
    this.mask = stride - 1;
  }

  /** Replaces the term 64 bars ago (same residue class) by x at slot h, bar number n. */
  push(h: number, n: number, x: number): void {
    const old = this.terms[h];
    this.terms[h] = x;
    this.terms[h + WINDOW] = x;
    this.sums[n & this.mask] += x - old;
  }

  /** Recomputes every class's sum from the stored terms; `newest` is the slot of bar number n. */
  reanchor(newest: number, n: number): void {
    const b = this.stride;
    for (let c = 0; c < b; c++) {
      // Slot newest - k holds bar number n - k, so slot newest - 63 + c holds bar n - 63 + c.
      let s = 0;
      for (let j = newest - WINDOW + 1 + c; j <= newest; j += b) s += this.terms[j];
      this.sums[(((n - WINDOW + 1 + c) % b) + b) % b] = s;
    }
  }
}

class HaarEnergyKernel implements FeatureKernel {
  /** ln(close) of the last 9 bars: enough for the 8-bar blocks. */
  private readonly logClose = new WindowBuffer(9);
  private readonly levels = STRIDES.map((b) => new Level(b));
  /** Zero returns in the window: exact, so an all-zero window is recognised exactly. */
  private readonly zeroReturn = new Uint8Array(WINDOW);
  private zeros = 0;
  private head = 0;
  /** Bars seen: the window is complete from bar 64 on. */
  private bars = 0;

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const close = src.close;
    const lc = this.logClose;
    const [d1, d2, d3, a3] = this.levels;
    const [e1, e2, e3, ea, s1, s2, s3] = out;
    for (let i = from; i < to; i++) {
      lc.push(Math.log(close[i]));
      const n = ++this.bars;
      const h = this.head;
      const L = lc.data;
      const t = lc.newest;
      // A level's term exists once its block lies inside the data (n >= 3, 5, 9 bars); earlier terms
      // never enter a complete window and are stored as 0 so the running sums stay finite.
      const l0 = L[t];
      const l2 = L[t - 2];
      const l4 = L[t - 4];
      const l8 = L[t - 8];
      d1.push(h, n, n >= 3 ? sq(l0 - 2 * L[t - 1] + l2) / 2 : 0);
      d2.push(h, n, n >= 5 ? sq(l0 - 2 * l2 + l4) / 4 : 0);
      d3.push(h, n, n >= 9 ? sq(l0 - 2 * l4 + l8) / 8 : 0);
      a3.push(h, n, n >= 9 ? sq(l0 - l8) / 8 : 0);
      const zero = i > 0 && close[i] === close[i - 1] ? 1 : 0;
      this.zeros += zero - this.zeroReturn[h];
      this.zeroReturn[h] = zero;
      this.head = h + 1 === WINDOW ? 0 : h + 1;
      if (n % WINDOW === 0) for (const level of this.levels) level.reanchor(h + WINDOW, n);
      const o = i - from;
      if (n <= WINDOW) {
        e1[o] = e2[o] = e3[o] = ea[o] = s1[o] = s2[o] = s3[o] = Number.NaN;
        continue;
      }
      if (this.zeros === WINDOW) {
        e1[o] = e2[o] = e3[o] = ea[o] = 0;
        s1[o] = s2[o] = s3[o] = Number.NaN;
        continue;
      }
      const t1 = Math.max(0, d1.sums[n % 2]);
      const t2 = Math.max(0, d2.sums[n % 4]);
      const t3 = Math.max(0, d3.sums[n % 8]);
      const ta = Math.max(0, a3.sums[n % 8]);
      e1[o] = t1;
      e2[o] = t2;
      e3[o] = t3;
      ea[o] = ta;
      const total = t1 + t2 + t3 + ta;
      const valid = total > 0;
      s1[o] = valid ? t1 / total : Number.NaN;
      s2[o] = valid ? t2 / total : Number.NaN;
      s3[o] = valid ? t3 / total : Number.NaN;
    }
  }
}

function sq(x: number): number {
  return x * x;
}
