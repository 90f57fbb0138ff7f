import { describe, expect, it } from "vitest";
import { ConfigError, DataError } from "../../src/core/errors.ts";
import {
  buildMetaFeatures,
  defaultStackingTarget,
  type IncompatibleModelsError,
  StackingPlanSchema,
  stackingPlan,
} from "../../src/ensembles/index.ts";

const F = (xs: number[]) => Float64Array.from(xs);

describe("stacking compatibility", () => {
  it("p_up next to E_r is fine: each is a column; quantile heads are not meta-features", () => {
    const plan = stackingPlan(
      [
        { id: "lightgbm", outputs: ["p_up"] },
        { id: "tcn", outputs: ["E_r", "q05", "q95"] },
        { id: "xgb", outputs: ["E_r", "p_up"] },
      ],
      { regime: ["volatility_regime"] },
    );
    expect(plan.target).toBe("p_up");
    expect(plan.columns.map((c) => c.name)).toEqual(["lightgbm.p_up", "tcn.E_r", "xgb.p_up", "xgb.E_r"]);
    expect(plan.regime).toEqual(["volatility_regime"]);
    expect(StackingPlanSchema.parse(JSON.parse(JSON.stringify(plan)))).toEqual(plan);
  });

  it("default target: p_up when any model has it, else E_r; an explicit target wins", () => {
    expect(defaultStackingTarget([{ id: "a", outputs: ["E_r"] }])).toBe("E_r");
    expect(
      defaultStackingTarget([
        { id: "a", outputs: ["E_r"] },
        { id: "b", outputs: ["p_up"] },
      ]),
    ).toBe("p_up");
    expect(stackingPlan([{ id: "a", outputs: ["p_up"] }], { target: "E_r" }).target).toBe("E_r");
  });

  it("a model with neither p_up nor E_r is an IncompatibleModelsError naming only it", () => {
    const models = [
      { id: "lightgbm", outputs: ["p_up"] },
      { id: "patchtst", outputs: ["q05", "q50", "q95"] },
    ];
    expect(() => stackingPlan(models)).toThrow(
      /stacking needs p_up or E_r from every base model; patchtst \[q05, q50, q95\] has neither/,
    );
    try {
      stackingPlan(models);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as IncompatibleModelsError).models).toEqual(["patchtst"]);
      expect((e as IncompatibleModelsError).field).toBe("base_models");
    }
  });
});

describe("meta-feature matrix", () => {
  const plan = stackingPlan(
    [
      { id: "a", outputs: ["p_up"] },
      { id: "b", outputs: ["E_r"] },
    ],
    { regime: ["vol"] },
  );

  it("columns in plan order; complete = rows where every column is finite (OOF gaps excluded)", () => {
    const m = buildMetaFeatures(
      plan,
      { a: { p_up: F([0.2, Number.NaN, 0.7, 0.5]) }, b: { E_r: F([0.1, 0.2, -0.1, 0]) } },
      { vol: F([0, 1, 2, Number.NaN]) },
    );
    expect(m.names).toEqual(["a.p_up", "b.E_r", "regime.vol"]);
    expect(m.rows).toBe(4);
    expect(Array.from(m.complete)).toEqual([0, 2]);
    expect(Array.from(m.columns[0])).toEqual([0.2, Number.NaN, 0.7, 0.5]);
  });

  it("logit transform for p_up columns, clipped; inputs untouched", () => {
    const logitPlan = { ...plan, p_up_transform: "logit" as const, regime: [] };
    const p = F([0.5, 0, 1, 0.8]);
    const m = buildMetaFeatures(logitPlan, { a: { p_up: p }, b: { E_r: F([1, 2, 3, 4]) } });
    expect(m.columns[0][0]).toBe(0);
    expect(m.columns[0][1]).toBeCloseTo(Math.log(1e-6 / (1 - 1e-6)), 9);
    expect(m.columns[0][2]).toBeCloseTo(-Math.log(1e-6 / (1 - 1e-6)), 9);
    expect(m.columns[0][3]).toBeCloseTo(Math.log(4), 12);
    expect(Array.from(m.columns[1])).toEqual([1, 2, 3, 4]);
    expect(Array.from(p)).toEqual([0.5, 0, 1, 0.8]);
    expect(() => buildMetaFeatures(logitPlan, { a: { p_up: F([1.5]) }, b: { E_r: F([1]) } })).toThrow(
      /not a probability/,
    );
  });

  it("refuses missing or misaligned inputs", () => {
    expect(() => buildMetaFeatures(plan, { a: { p_up: F([1]) } }, { vol: F([1]) })).toThrow(/model "b"/);
    expect(() => buildMetaFeatures(plan, { a: { p_up: F([1]) }, b: { E_r: F([1]) } })).toThrow(
      /regime column "vol"/,
    );
    expect(() =>
      buildMetaFeatures(plan, { a: { p_up: F([1, 0]) }, b: { E_r: F([1]) } }, { vol: F([1, 1]) }),
    ).toThrow(DataError);
  });
});
