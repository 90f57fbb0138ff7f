/**
 * Labels and splits on the real futures files in ../shared/data: the kernel agrees with the literal
 * reference, and the default split (70/15/15, purge 60, embargo 1440) keeps every invariant.
 */
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.ts";
import { SplitsConfig } from "../../src/config/schema.ts";
import { sliceBars } from "../../src/data/bars.ts";
import { loadBars } from "../../src/data/ingest/index.ts";
import { tripleBarrierLabels } from "../../src/labels/triple-barrier.ts";
import { chronologicalSplit, splitParams } from "../../src/splits/chronological.ts";
import { realDataPath } from "../helpers/real-data.ts";
import { naiveLabels } from "../labels/naive-labels.ts";
import { splitViolations } from "./split-invariants.ts";

const CASES = [
  { name: "tx", symbol: "TX", tick: 1 },
  { name: "es", symbol: "ES", tick: 0.25 },
] as const;

describe.each(CASES)("labels and splits on real $name bars", ({ name, symbol, tick }) => {
  const path = realDataPath(name);
  it.skipIf(!path)("labels equal the reference; the default split holds its invariants", async () => {
    const { bars } = await loadBars(path!);
    const cfg = parseConfig({ symbol }).labels;
    const labels = tripleBarrierLabels(bars, cfg, tick);

    // The literal reference on the first 20,000 bars (the kernel's labels there need ≤ 20,030 bars).
    const head = sliceBars(bars, 0, 20_000);
    const want = naiveLabels(head, cfg, tick);
    const headLabels = tripleBarrierLabels(head, cfg, tick);
    let diff = 0;
    for (let t = 0; t < head.length; t++) {
      if (headLabels.t1Index[t] !== want[t].t1Index || !Object.is(headLabels.label[t], want[t].label)) diff++;
      // Rows whose window ends inside the head are labelled identically on the full file (no look-ahead).
      if (t + cfg.horizon < head.length && headLabels.t1Index[t] !== labels.t1Index[t]) diff++;
    }
    expect(diff).toBe(0);

    // Every class occurs; costs shift both barriers down, so +1 is not rarer than −1 by much.
    const counts = new Map<number, number>();
    for (const l of labels.label) if (!Number.isNaN(l)) counts.set(l, (counts.get(l) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([-1, 0, 1]);

    const splits = splitParams(SplitsConfig.parse({}));
    const split = chronologicalSplit(labels, bars.length, splits);
    expect(splitViolations(split, labels.t1Index, bars.length, splits)).toEqual([]);
    expect(split.dropped.embargoed).toBe(2 * splits.embargo);
  });
});
