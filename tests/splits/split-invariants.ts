/** The invariants of a purged, embargoed chronological split, checked independently of the splitter. */
import type { SplitParams, SplitResult } from "../../src/splits/chronological.ts";

/** Every broken invariant of a split, as text (an empty list when all hold). */
export function splitViolations(r: SplitResult, t1Index: Int32Array, n: number, cfg: SplitParams): string[] {
  const bad: string[] = [];
  const { valStart, testStart } = r.boundaries;
  const labelled: number[] = [];
  for (let i = 0; i < n; i++) if (t1Index[i] >= 0) labelled.push(i);
  const m = labelled.length;
  // Fractions: the boundaries sit on the ⌊m·train⌋-th and (⌊m·train⌋ + ⌊m·val⌋)-th labelled rows.
  const nTrain = Math.floor(m * cfg.train + 1e-9);
  if (labelled[nTrain] !== valStart) bad.push(`valStart ${valStart} is not labelled row #${nTrain}`);
  if (labelled[nTrain + Math.floor(m * cfg.val + 1e-9)] !== testStart)
    bad.push(`testStart ${testStart} misplaced`);
  for (const [name, rows] of Object.entries({ train: r.train, val: r.val, test: r.test })) {
    if (rows.length === 0) bad.push(`${name} is empty`);
    for (let k = 1; k < rows.length; k++)
      if (!(rows[k] > rows[k - 1])) bad.push(`${name} not ascending at ${k}`);
    for (const i of rows) if (t1Index[i] < 0) bad.push(`${name} holds unlabelled row ${i}`);
  }
  // Order: every train row < every val row < every test row.
  if (!(r.train[r.train.length - 1] < r.val[0])) bad.push("train overlaps val");
  if (!(r.val[r.val.length - 1] < r.test[0])) bad.push("val overlaps test");
  // No train label window reaches the val (or test) index range; none of val reaches test.
  for (const i of r.train) {
    if (t1Index[i] >= valStart) bad.push(`train row ${i} label window reaches val (${t1Index[i]})`);
    if (i >= valStart - cfg.purge) bad.push(`train row ${i} inside the purge margin`);
  }
  for (const i of r.val) {
    if (t1Index[i] >= testStart) bad.push(`val row ${i} label window reaches test (${t1Index[i]})`);
    if (i >= testStart - cfg.purge) bad.push(`val row ${i} inside the purge margin`);
    if (i < valStart + cfg.embargo) bad.push(`val row ${i} inside the embargo`);
  }
  for (const i of r.test) if (i < testStart + cfg.embargo) bad.push(`test row ${i} inside the embargo`);
  // Counts add up, and every dropped labelled row had a reason.
  const { purged, embargoed, unlabeled } = r.dropped;
  if (r.train.length + r.val.length + r.test.length + purged + embargoed + unlabeled !== n)
    bad.push("counts");
  if (unlabeled !== n - m) bad.push(`unlabeled ${unlabeled} != ${n - m}`);
  const kept = new Uint8Array(n);
  for (const rows of [r.train, r.val, r.test]) for (const i of rows) kept[i] = 1;
  for (const i of labelled) {
    if (kept[i]) continue;
    const next = i < valStart ? valStart : testStart;
    const inEmbargo =
      (i >= valStart && i < valStart + cfg.embargo) || (i >= testStart && i < testStart + cfg.embargo);
    const purgeable = i < testStart && (t1Index[i] >= next || i >= next - cfg.purge);
    if (!inEmbargo && !purgeable) bad.push(`row ${i} dropped without reason`);
  }
  return bad;
}
