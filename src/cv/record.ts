/**
 * The JSON record of a cross-validation assignment: what was split, with which parameters, and per fold
 * the counts, the test spans and the SHA-256 of the train and test row indices (little-endian int32, as
 * the test split guard hashes). Two runs that assign the same rows produce identical records.
 */
import { z } from "zod";
import { testIndexSha256 } from "../evaluation/test-split-guard.ts";
import type { BuiltFold } from "./isolation.ts";
import type { CvSamples } from "./samples.ts";

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const FoldRecordSchema = z.strictObject({
  fold: z.number().int().min(0),
  train_count: z.number().int().min(0),
  test_count: z.number().int().min(1),
  purged: z.number().int().min(0),
  embargoed: z.number().int().min(0),
  /** Bars [start, end] covered by each run of consecutive test samples. */
  test_spans: z.array(z.tuple([z.number().int(), z.number().int()])),
  train_sha256: Sha256,
  test_sha256: Sha256,
});
export type FoldRecord = z.infer<typeof FoldRecordSchema>;

export const CvRecordSchema = z.strictObject({
  method: z.enum(["purged_kfold", "walk_forward", "cpcv"]),
  params: z.record(z.string(), z.union([z.number(), z.string()])),
  n: z.number().int().min(0),
  samples: z.number().int().min(0),
  samples_sha256: Sha256,
  folds: z.array(FoldRecordSchema),
  /** CPCV: the sample rows [first, last] of each group. */
  groups: z.array(z.tuple([z.number().int(), z.number().int()])).optional(),
  /** CPCV: per split, its test groups (ascending); splits in lexicographic order of these. */
  split_groups: z.array(z.array(z.number().int().min(0))).optional(),
  /** CPCV: per backtest path, the split that predicts each group. */
  paths: z.array(z.array(z.number().int().min(0))).optional(),
});
export type CvRecord = z.infer<typeof CvRecordSchema>;

export function foldRecord(k: number, f: BuiltFold): FoldRecord {
  return {
    fold: k,
    train_count: f.train.length,
    test_count: f.test.length,
    purged: f.purged,
    embargoed: f.embargoed,
    test_spans: f.spans.map((s) => [s.start, s.end] as [number, number]),
    train_sha256: testIndexSha256(f.train),
    test_sha256: testIndexSha256(f.test),
  };
}

export function baseRecord(
  method: CvRecord["method"],
  params: Record<string, number | string>,
  samples: CvSamples,
  folds: readonly BuiltFold[],
): CvRecord {
  return {
    method,
    params: { ...params },
    n: samples.n,
    samples: samples.rows.length,
    samples_sha256: testIndexSha256(samples.rows),
    folds: folds.map((f, k) => foldRecord(k, f)),
  };
}
