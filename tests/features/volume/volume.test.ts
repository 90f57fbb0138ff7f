import { describe, expect, it } from "vitest";
import { runIndicator } from "../../../src/features/run-kernel.ts";
import { specs } from "../../../src/features/volume/index.ts";
import { obvZ50 } from "../../../src/features/volume/obv-z50.ts";
import { volumeMa20 } from "../../../src/features/volume/volume-ma20.ts";
import { volumeRatio20 } from "../../../src/features/volume/volume-ratio20.ts";
import { vwapDev20 } from "../../../src/features/volume/vwap-dev20.ts";
import { checkIndicator, checkOnRealData, seriesOf } from "../primitives/indicator-harness.ts";

checkIndicator(vwapDev20);
// A population z-score over n values is bounded by sqrt(n − 1) = 7 for n = 50.
checkIndicator(obvZ50, { ranges: { obv_z50: [-7 - 1e-9, 7 + 1e-9] } });
// v / mean20 is at most 20 (the bar holds all the window's volume).
checkIndicator(volumeRatio20, { ranges: { volume_ratio20: [0, 20 + 1e-9] } });
checkIndicator(volumeMa20);

describe("volume family", () => {
  it("lists each indicator once, all needing volume", () => {
    expect(specs).toEqual([vwapDev20, obvZ50, volumeRatio20, volumeMa20]);
    expect(specs.every((s) => s.kind === "indicator" && s.needsVolume)).toBe(true);
    expect(specs.flatMap((s) => (s.kind === "indicator" ? s.outputs.map((o) => o.name) : []))).toEqual([
      "vwap_dev20",
      "obv_z50",
      "volume_ratio20",
      "volume_ma20",
    ]);
  });

  it("gives NaN, not 0 or -Infinity, over a window without volume", () => {
    const n = 70;
    const close = Array.from({ length: n }, (_, i) => 100 + (i % 7));
    const volume = new Array(n).fill(0);
    const s = seriesOf({ open: close, high: close, low: close, close, volume });
    for (const spec of specs) {
      if (spec.kind !== "indicator") continue;
      for (const col of runIndicator(spec, s)) expect(col.every(Number.isNaN), spec.id).toBe(true);
    }
  });

  it("refuses to run on a series without volume, naming the kernel", () => {
    const c = [1, 2, 3];
    const s = seriesOf({ open: c, high: c, low: c, close: c, volume: null });
    expect(() => runIndicator(vwapDev20, s)).toThrow(/vwap-dev20: the 1m series has no volume/);
  });

  it("volume ratio is 1 and volume MA is ln(v) on constant volume; VWAP deviation 0 on a constant price", () => {
    const n = 25;
    const close = new Array(n).fill(250);
    const volume = new Array(n).fill(40);
    const s = seriesOf({ open: close, high: close, low: close, close, volume });
    expect(runIndicator(volumeRatio20, s)[0][24]).toBe(1);
    expect(runIndicator(volumeMa20, s)[0][24]).toBe(Math.log(40));
    expect(runIndicator(vwapDev20, s)[0][24]).toBe(0);
  });
});

describe("volume family on real data", () => {
  checkOnRealData([vwapDev20, obvZ50, volumeRatio20, volumeMa20], {
    obv_z50: [-7 - 1e-9, 7 + 1e-9],
    volume_ratio20: [0, 20 + 1e-9],
  });
});
