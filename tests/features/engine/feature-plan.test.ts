import { describe, expect, it } from "vitest";
import { partitionPlan, planFeatures } from "../../../src/features/engine/feature-plan.ts";

describe("partitionPlan", () => {
  const plan = planFeatures({ hasVolume: true });

  it.each([2, 3])("%i parts: each higher timeframe whole in one part, every part working", (parts) => {
    const { kernelPart } = partitionPlan(plan, parts);
    const partsOfTf = new Map<string, Set<number>>();
    plan.kernels.forEach((k, i) => {
      const set = partsOfTf.get(k.tf) ?? new Set<number>();
      set.add(kernelPart[i]);
      partsOfTf.set(k.tf, set);
    });
    for (const [tf, set] of partsOfTf) if (tf !== "1m") expect([tf, set.size]).toEqual([tf, 1]);
    expect(new Set(kernelPart).size).toBe(parts);
    for (const p of kernelPart) expect(p >= 0 && p < parts).toBe(true);
  });

  it("is deterministic (every thread computes the same assignment) and puts everything in part 0 alone", () => {
    expect(partitionPlan(plan, 2)).toEqual(partitionPlan(planFeatures({ hasVolume: true }), 2));
    expect(new Set(partitionPlan(plan, 1).kernelPart)).toEqual(new Set([0]));
  });
});
