/**
 * Reference triple-barrier labeller for tests: the definition in docs/labels.md transcribed
 * literally (barriers through cost_in_atr, touches found separately, then compared), written
 * independently of src/labels so the two can disagree.
 */
import type { Bars } from "../../src/data/bars.ts";
import type { TripleBarrierParams } from "../../src/labels/triple-barrier.ts";

export /** Literal transcription of the definition in docs/labels.md, written independently of the kernel. */
function naiveLabels(b: Bars, p: TripleBarrierParams, tick: number) {
  const n = b.length;
  const tr = (i: number) =>
    i === 0
      ? b.high[0] - b.low[0]
      : Math.max(
          b.high[i] - b.low[i],
          Math.abs(b.high[i] - b.close[i - 1]),
          Math.abs(b.low[i] - b.close[i - 1]),
        );
  const atrAt = (t: number): number => {
    if (t < p.atr_period - 1) return Number.NaN;
    if (t === p.atr_period - 1) {
      let s = 0;
      for (let i = 0; i < p.atr_period; i++) s += tr(i);
      return s / p.atr_period;
    }
    return (atrAt(t - 1) * (p.atr_period - 1) + tr(t)) / p.atr_period;
  };
  const out: { label: number; t1Index: number; ret: number }[] = [];
  let atrPrev = Number.NaN;
  for (let t = 0; t < n; t++) {
    const atr = t <= p.atr_period ? atrAt(t) : (atrPrev * (p.atr_period - 1) + tr(t)) / p.atr_period;
    atrPrev = atr;
    if (!(atr > 0) || t + p.horizon >= n) {
      out.push({ label: Number.NaN, t1Index: -1, ret: Number.NaN });
      continue;
    }
    const costInAtr = (p.cost_ticks * tick) / atr;
    const upper = b.close[t] + (p.k_up - costInAtr) * atr;
    const lower = b.close[t] - (p.k_down + costInAtr) * atr;
    const window = Array.from({ length: p.horizon }, (_, k) => t + 1 + k);
    const firstUp = window.find((j) => b.high[j] >= upper) ?? Number.POSITIVE_INFINITY;
    const firstDown = window.find((j) => b.low[j] <= lower) ?? Number.POSITIVE_INFINITY;
    let label = 0;
    let end = t + p.horizon;
    if (firstUp < firstDown) [label, end] = [1, firstUp];
    else if (firstDown < firstUp) [label, end] = [-1, firstDown];
    else if (Number.isFinite(firstUp)) [label, end] = [b.open[firstUp] >= upper ? 1 : -1, firstUp];
    out.push({ label, t1Index: end, ret: Math.log(b.close[t + p.horizon] / b.close[t]) });
  }
  return out;
}
