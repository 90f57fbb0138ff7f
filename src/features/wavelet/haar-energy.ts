import type { TimeframeId } from "../../core/timeframes.ts";
import { RingBuffer } from "../primitives/ring-buffer.ts";
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
 *   D1 block ending at s: (x_s - x_{s-1})² / 2         = (L_s - 2L_{s-1} + L_{s-2})² / 2
 *   D2 block ending at s: (x_{s-3..s-2} vs x_{s-1..s})² / 4 = (L_s - 2L_{s-2} + L_{s-4})² / 4
 *   D3 block ending at s: (L_s - 2L_{s-4} + L_{s-8})² / 8
 *   A3 block ending at s: (L_s - L_{s-8})² / 8
 * so each bar computes its four block terms once (one log), and the energies at t are strided sums of
 * stored terms (s = t, t-2, ... for D1; t, t-4, ... for D2; t, t-8, ... for D3 and A3): 64 adds a bar,
 * exact (no running-sum drift) and identical for any chunking.
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
      definition: "Haar DWT level-1 detail energy of the last 64 log returns (2-bar scale)",
    },
    {
      name: "wav_d2_energy64",
      definition: "Haar DWT level-2 detail energy of the last 64 log returns (4-bar scale)",
    },
    {
      name: "wav_d3_energy64",
      definition: "Haar DWT level-3 detail energy of the last 64 log returns (8-bar scale)",
    },
    {
      name: "wav_a3_energy64",
      definition: "Haar DWT level-3 approximation energy of the last 64 log returns",
    },
    { name: "wav_d1_share64", definition: "D1 energy / total energy of the last 64 log returns, 0..1" },
    { name: "wav_d2_share64", definition: "D2 energy / total energy of the last 64 log returns, 0..1" },
    { name: "wav_d3_share64", definition: "D3 energy / total energy of the last 64 log returns, 0..1" },
  ],
  // The window's first return is x_{t-63}, which needs close t-64.
  warmup: WINDOW,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new HaarEnergyKernel();
  },
};

/**
 * A ring of per-bar block terms written twice (at h and h + 64) so the last 64 values are always the
 * contiguous slice [h + 1, h + 64], newest last: strided sums need no wrap-around test.
 */
class TermRing {
  readonly data = new Float64Array(2 * WINDOW);
  write(h: number, x: number): void {
    this.data[h] = x;
    this.data[h + WINDOW] = x;
  }
}

class HaarEnergyKernel implements FeatureKernel {
  /** ln(close) of the last 9 bars: enough for the 8-bar blocks. */
  private readonly logClose = new RingBuffer(9);
  private readonly d1 = new TermRing();
  private readonly d2 = new TermRing();
  private readonly d3 = new TermRing();
  private readonly a3 = new TermRing();
  private head = 0;
  /** Bars seen: the window is complete from bar 64 on. */
  private bars = 0;

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const close = src.close;
    const lc = this.logClose;
    const [e1, e2, e3, ea, s1, s2, s3] = out;
    for (let i = from; i < to; i++) {
      lc.push(Math.log(close[i]));
      const n = ++this.bars;
      const h = this.head;
      // Terms whose block reaches before the first bar are NaN; they never enter a complete window.
      const l0 = lc.ago(0);
      this.d1.write(h, sq(l0 - 2 * lc.ago(1) + lc.ago(2)) / 2);
      this.d2.write(h, sq(l0 - 2 * lc.ago(2) + lc.ago(4)) / 4);
      const l8 = lc.ago(8);
      this.d3.write(h, sq(l0 - 2 * lc.ago(4) + l8) / 8);
      this.a3.write(h, sq(l0 - l8) / 8);
      this.head = h + 1 === WINDOW ? 0 : h + 1;
      const o = i - from;
      if (n <= WINDOW) {
        e1[o] = e2[o] = e3[o] = ea[o] = s1[o] = s2[o] = s3[o] = Number.NaN;
        continue;
      }
      const newest = h + WINDOW;
      const t1 = stridedSum(this.d1.data, newest, 2);
      const t2 = stridedSum(this.d2.data, newest, 4);
      const t3 = stridedSum(this.d3.data, newest, 8);
      const ta = stridedSum(this.a3.data, newest, 8);
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

/** Sum of data[newest], data[newest - stride], ... over the 64-bar window (64 / stride terms). */
function stridedSum(data: Float64Array, newest: number, stride: number): number {
  let s = 0;
  for (let j = newest - WINDOW + stride; j <= newest; j += stride) s += data[j];
  return s;
}
