/**
 * Which rows may be trained and evaluated on, as far as rolls are concerned. Labels already keep
 * their windows and ATR off rolls (the labeller's `breaks`); this adds the features' side:
 *
 * - mask: a row's features look back up to `lookbackBars` rows (the feature warm-up bound), so rows
 *   [roll, roll + lookbackBars) have some window spanning the unadjusted jump: they are dropped.
 * - adjust_ratio / adjust_difference: features never see a jump (features.ts), so nothing more.
 * - none: nothing is dropped.
 */
import type { RollHandling } from "./features.ts";
import type { Roll } from "./rolls.ts";

/** 1 = usable, 0 = dropped because of a roll; null when the handling drops nothing. */
export function rollUsableRows(
  n: number,
  rolls: readonly Roll[],
  handling: RollHandling,
  lookbackBars: number,
): Uint8Array | null {
  if (handling !== "mask" || rolls.length === 0) return null;
  const usable = new Uint8Array(n).fill(1);
  for (const r of rolls) usable.fill(0, r.row, Math.min(n, r.row + lookbackBars));
  return usable;
}

/** Marks rows that `usable` drops as unlabelled (t1Index −1) in place; returns how many labelled rows it dropped. */
export function dropUnusableRows(t1Index: Int32Array, usable: Uint8Array | null): number {
  if (usable === null) return 0;
  let dropped = 0;
  for (let i = 0; i < t1Index.length; i++) {
    if (usable[i] === 0 && t1Index[i]! >= 0) {
      t1Index[i] = -1;
      dropped++;
    }
  }
  return dropped;
}
