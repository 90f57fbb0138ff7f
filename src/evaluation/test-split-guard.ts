/**
 * One look at the test split per run. A TestSplitGuard is created once per run; `evaluate` runs the
 * caller's evaluation (metrics, backtest, everything that reads test rows) at most once. The split's
 * identity is the SHA-256 of its row indices as little-endian int32 bytes, recorded for metrics.json.
 *
 * A second `evaluate` in the same run is refused with an EvaluationError, whether it names the same
 * split (a second look, e.g. after tuning on the first) or another one (the test split changed within
 * the run). The evaluation counts from the moment it starts: one that throws still used the look.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { DataError, EvaluationError } from "../core/errors.ts";

export const TestSplitRecordSchema = z.strictObject({
  test_index_sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  evaluations: z.number().int().min(0).max(1),
});
export type TestSplitRecord = z.infer<typeof TestSplitRecordSchema>;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** SHA-256 (hex) of the row indices as little-endian int32 bytes, whatever the machine's byte order. */
export function testIndexSha256(testIndex: Int32Array): string {
  let bytes = new Uint8Array(testIndex.buffer, testIndex.byteOffset, testIndex.byteLength);
  if (!LITTLE_ENDIAN) {
    const copy = new DataView(new ArrayBuffer(testIndex.byteLength));
    for (let i = 0; i < testIndex.length; i++) copy.setInt32(4 * i, testIndex[i], true);
    bytes = new Uint8Array(copy.buffer);
  }
  return createHash("sha256").update(bytes).digest("hex");
}

export class TestSplitGuard {
  #sha256: string | null = null;
  #evaluations = 0;

  /**
   * Runs fn(testIndex) as the run's one evaluation of the test split and returns its result (a promise
   * is returned as is). Throws an EvaluationError if this guard has already evaluated a split.
   */
  evaluate<T>(testIndex: Int32Array, fn: (testIndex: Int32Array) => T): T {
    if (testIndex.length === 0) {
      throw new DataError(
        "TestSplitGuard.evaluate: the test index is empty; pass the test split's row indices",
      );
    }
    const sha256 = testIndexSha256(testIndex);
    if (this.#sha256 !== null) {
      const which =
        sha256 === this.#sha256
          ? `the same test split (sha256 ${sha256}) was already evaluated in this run`
          : `a test split (sha256 ${this.#sha256}) was already evaluated in this run and this one (sha256 ${sha256}) differs`;
      throw new EvaluationError(
        `refusing a second test evaluation: ${which}; compute every test metric inside the one evaluate call, and tune on the validation split`,
      );
    }
    this.#sha256 = sha256;
    this.#evaluations = 1;
    return fn(testIndex);
  }

  /** What metrics.json records: the evaluated split's fingerprint (null before any) and the count. */
  record(): TestSplitRecord {
    return { test_index_sha256: this.#sha256, evaluations: this.#evaluations };
  }
}
