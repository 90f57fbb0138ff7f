/**
 * Roll handling is point in time. Unit: the adjusted series closes every roll jump it contains and
 * uses no roll after its own. Property: features under adjust_ratio and adjust_difference on the TX
 * file cut at row t (its contract column cut with it) equal the full file's at every row up to t,
 * bit for bit, for cuts before, at and after rolls.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Bars, sliceBars } from "../../src/data/bars.ts";
import { type ContractRuns, sliceContractRuns } from "../../src/data/contract-runs.ts";
import { loadBars } from "../../src/data/ingest/index.ts";
import type { ColumnSelection } from "../../src/features/registry.ts";
import { selectColumnSources } from "../../src/features/registry.ts";
import { warmupBarsOf } from "../../src/models/warmup.ts";
import {
  adjustedAsOf,
  featuresWithRolls,
  memoryFeatureRun,
  type Roll,
  rollsFromContracts,
} from "../../src/rolls/index.ts";
import { realDataPath } from "../helpers/real-data.ts";

const MIN = 60_000;
function barsOf(closes: number[], opens?: number[]): Bars {
  const n = closes.length;
  const open = Float64Array.from(opens ?? closes);
  const close = Float64Array.from(closes);
  return {
    length: n,
    ts: Float64Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * MIN),
    open,
    high: Float64Array.from(closes, (c, i) => Math.max(c, open[i]!) + 1),
    low: Float64Array.from(closes, (c, i) => Math.min(c, open[i]!) - 1),
    close,
    volume: null,
  };
}
const roll = (b: Bars, row: number): Roll => ({
  row,
  ts: b.ts[row]!,
  from: null,
  to: null,
  gap: b.open[row]! - b.close[row - 1]!,
  ratio: b.open[row]! / b.close[row - 1]!,
});

describe("adjustedAsOf", () => {
  // Contract A ends at 100, B opens at 110 (+10, ×1.1), C opens at 121 after B ended at 120 (+1).
  const b = barsOf([98, 100, 112, 120, 122, 123], [98, 99, 110, 113, 121, 122]);
  const rolls = [roll(b, 2), roll(b, 4)];

  it("ratio: each earlier bar × the ratios of the rolls after it, up to the one in force; later rows untouched", () => {
    const asOfB = adjustedAsOf(b, rolls, 0, 0, 4, "ratio");
    expect([...asOfB.close]).toEqual([98 * 1.1, 100 * 1.1, 112, 120]);
    const asOfC = adjustedAsOf(b, rolls, 1, 0, 6, "ratio");
    const r2 = 121 / 120;
    expect([...asOfC.close]).toEqual([98 * (r2 * 1.1), 100 * (r2 * 1.1), 112 * r2, 120 * r2, 122, 123]);
    // Every jump the series contains is closed: open[roll] = adjusted close[roll − 1].
    expect(asOfC.open[2]! / asOfC.close[1]!).toBeCloseTo(1, 14);
    expect(asOfC.open[4]! / asOfC.close[3]!).toBeCloseTo(1, 14);
  });

  it("difference: each earlier bar + the gaps of the rolls after it", () => {
    const asOfC = adjustedAsOf(b, rolls, 1, 1, 6, "difference");
    expect([...asOfC.close]).toEqual([100 + 11, 112 + 1, 120 + 1, 122, 123]);
    expect([...asOfC.high]).toEqual(
      [...b.high.slice(1, 4)].map((x, i) => x + (i === 0 ? 11 : 1)).concat([123, 124]),
    );
    expect(asOfC.volume).toBeNull();
  });

  it("as of no roll (k = −1) it is a copy; it never reads a roll after the one in force", () => {
    expect(adjustedAsOf(b, rolls, -1, 0, 2, "ratio").close).toEqual(b.close.slice(0, 2));
    // A different later roll changes nothing as of the first.
    const other = [rolls[0]!, { ...rolls[1]!, ratio: 2, gap: 500 }];
    expect(adjustedAsOf(b, other, 0, 0, 4, "ratio")).toEqual(adjustedAsOf(b, rolls, 0, 0, 4, "ratio"));
  });
});

const tx = realDataPath("tx");

describe.skipIf(!tx)("prefix property with roll handling on (TX)", () => {
  let bars: Bars;
  let contracts: ContractRuns;
  const selection: ColumnSelection = { hasVolume: true };
  let W: number;

  beforeAll(async () => {
    const loaded = await loadBars(tx!);
    bars = loaded.bars;
    contracts = loaded.contracts!;
    W = warmupBarsOf(selectColumnSources(selection).map((c) => c.column.name));
  });

  async function features(b: Bars, runs: ContractRuns, handling: "adjust_ratio" | "adjust_difference") {
    const run = memoryFeatureRun(selection);
    return featuresWithRolls(b, rollsFromContracts(b, runs), handling, W, { whole: run, selection });
  }

  const CASES = [
    // After the second roll, one bar before the third, its first bar, and well after it.
    { handling: "adjust_ratio", cuts: [36_366 + 5, 57_691, 57_692, 57_691 + 700] },
    { handling: "adjust_difference", cuts: [36_366 + 5, 57_692] },
  ] as const;
  for (const { handling, cuts } of CASES) {
    it(`${handling}: features on the file cut at t equal the full file's up to t`, async () => {
      const full = await features(bars, contracts, handling);
      for (const t of cuts) {
        const part = await features(sliceBars(bars, 0, t), sliceContractRuns(contracts, 0, t), handling);
        let firstDiff: string | null = null;
        for (let j = 0; j < full.features.length && firstDiff === null; j++) {
          const a = new Uint32Array(full.features[j]!.buffer, 0, t);
          const c = new Uint32Array(part.features[j]!.buffer, 0, t);
          for (let i = 0; i < t; i++) {
            if (a[i] !== c[i]) {
              firstDiff = `${full.featureNames[j]} row ${i}`;
              break;
            }
          }
        }
        expect(firstDiff, `cut at ${t}`).toBeNull();
      }
    }, 300_000);
  }
});
