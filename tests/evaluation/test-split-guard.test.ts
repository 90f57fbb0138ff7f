import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DataError, EvaluationError } from "../../src/core/errors.ts";
import {
  TestSplitGuard,
  TestSplitRecordSchema,
  testIndexSha256,
} from "../../src/evaluation/test-split-guard.ts";

const idx = (...xs: number[]) => Int32Array.from(xs);

describe("TestSplitGuard", () => {
  it("runs the one evaluation and records the split's SHA-256", () => {
    const guard = new TestSplitGuard();
    expect(guard.record()).toEqual({ test_index_sha256: null, evaluations: 0 });
    const result = guard.evaluate(idx(10, 11, 12), (rows) => rows.length * 2);
    expect(result).toBe(6);
    const record = guard.record();
    expect(record.evaluations).toBe(1);
    expect(TestSplitRecordSchema.parse(record)).toEqual(record);
    // little-endian int32 bytes of 10, 11, 12
    const bytes = Buffer.from([10, 0, 0, 0, 11, 0, 0, 0, 12, 0, 0, 0]);
    expect(record.test_index_sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
  });

  it("refuses a second evaluation of the same split, and of any other split, in the same run", () => {
    const guard = new TestSplitGuard();
    guard.evaluate(idx(1, 2, 3), () => undefined);
    let calls = 0;
    const again = () => guard.evaluate(idx(1, 2, 3), () => calls++);
    expect(again).toThrow(EvaluationError);
    expect(again).toThrow(/the same test split \(sha256 [0-9a-f]{64}\) was already evaluated in this run/);
    expect(() => guard.evaluate(idx(4, 5), () => calls++)).toThrow(/differs/);
    expect(calls).toBe(0);
    expect(guard.record().evaluations).toBe(1);
    try {
      again();
    } catch (e) {
      expect((e as EvaluationError).code).toBe("EVALUATION_REFUSED");
    }
  });

  it("an evaluation that throws still used the run's look", () => {
    const guard = new TestSplitGuard();
    expect(() =>
      guard.evaluate(idx(1), () => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(() => guard.evaluate(idx(1), () => 0)).toThrow(EvaluationError);
  });

  it("returns an async evaluation's promise as is", async () => {
    const guard = new TestSplitGuard();
    await expect(guard.evaluate(idx(7), async () => "done")).resolves.toBe("done");
  });

  it("separate runs (separate guards) each get their one look", () => {
    expect(() => {
      new TestSplitGuard().evaluate(idx(1, 2), () => 0);
      new TestSplitGuard().evaluate(idx(1, 2), () => 0);
    }).not.toThrow();
  });

  it("the fingerprint covers only the view's bytes, and an empty split is refused", () => {
    const big = Int32Array.from([9, 1, 2, 9]);
    expect(testIndexSha256(big.subarray(1, 3))).toBe(testIndexSha256(idx(1, 2)));
    expect(testIndexSha256(idx(1, 2))).not.toBe(testIndexSha256(idx(2, 1)));
    expect(() => new TestSplitGuard().evaluate(idx(), () => 0)).toThrow(DataError);
  });
});
