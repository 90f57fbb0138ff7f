import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BundleError, DataError } from "../../../src/core/errors.ts";
import { Xoshiro128 } from "../../../src/data/synth/prng.ts";
import { fitSoftmaxGate, SoftmaxGate, SoftmaxGateJsonSchema } from "../../../src/inference/gating/index.ts";

const F = (xs: number[]) => Float64Array.from(xs);

describe("softmax gate", () => {
  it("per-state weights are the softmax of the logits; mixed by the filtered probabilities", () => {
    const gate = SoftmaxGate.fromJSON({
      method: "softmax_gate",
      models: ["a", "b"],
      logits: [
        [0, Math.log(3)],
        [Math.log(4), 0],
      ],
    });
    [0.25, 0.75, 0.8, 0.2].forEach((v, i) => {
      expect(gate.stateWeights[i]).toBeCloseTo(v, 15);
    });
    const probs = [F([1, 0, 0.5, Number.NaN]), F([0, 1, 0.5, Number.NaN])];
    const w = gate.weights(probs);
    expect(Array.from(w[0])).toEqual([0.25, 0.8, 0.525, Number.NaN]);
    expect(w[1][2]).toBeCloseTo(0.475, 15);
    const combined = gate.combine(probs, [F([1, 1, 1, 1]), F([0, 0, 0, 0])]);
    expect(Array.from(combined)).toEqual([0.25, 0.8, 0.525, Number.NaN]);
  });

  it("weights sum to 1 and lie in [0, 1] for any logits and any state distribution (property)", () => {
    const arb = fc.integer({ min: 1, max: 4 }).chain((k) =>
      fc.integer({ min: 1, max: 5 }).chain((m) =>
        fc.tuple(
          fc.array(fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: m, maxLength: m }), {
            minLength: k,
            maxLength: k,
          }),
          fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: k, maxLength: k }),
        ),
      ),
    );
    fc.assert(
      fc.property(arb, ([logits, raw]) => {
        const total = raw.reduce((a, b) => a + b, 0);
        fc.pre(total > 1e-9);
        const gate = SoftmaxGate.fromJSON({
          method: "softmax_gate",
          models: logits[0].map((_, j) => `m${j}`),
          logits,
        });
        const w = gate.weights(raw.map((p) => F([p / total])));
        const sum = w.reduce((a, c) => a + c[0], 0);
        expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
        expect(w.every((c) => c[0] >= 0 && c[0] <= 1 + 1e-15)).toBe(true);
      }),
    );
  });

  it("fit: learns to trust model a in regime 0 and model b in regime 1 (p_up, log loss), deterministically", () => {
    const rng = new Xoshiro128(12);
    const n = 4000;
    const p0 = new Float64Array(n);
    const p1 = new Float64Array(n);
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    const y = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      const regime = t % 400 < 200 ? 0 : 1;
      const confidence = 0.85 + 0.1 * rng.uniform();
      p0[t] = regime === 0 ? confidence : 1 - confidence;
      p1[t] = 1 - p0[t];
      y[t] = rng.uniform() < 0.5 ? 1 : 0;
      const informed = y[t] === 1 ? 0.8 : 0.2; // right in its regime
      const noise = rng.uniform() < 0.5 ? 0.8 : 0.2; // a coin elsewhere
      a[t] = regime === 0 ? informed : noise;
      b[t] = regime === 1 ? informed : noise;
    }
    const input = {
      models: ["a", "b"],
      probs: [p0, p1],
      predictions: [a, b],
      y,
      loss: "log_loss" as const,
    };
    const gate = fitSoftmaxGate(input);
    const w = gate.stateWeights;
    expect(w[0]).toBeGreaterThan(0.85); // regime 0 → a
    expect(w[3]).toBeGreaterThan(0.85); // regime 1 → b
    expect(fitSoftmaxGate(input).toJSON()).toEqual(gate.toJSON());
    const logLoss = (p: Float64Array) => {
      let s = 0;
      for (let t = 0; t < n; t++) s -= y[t] * Math.log(p[t]) + (1 - y[t]) * Math.log(1 - p[t]);
      return s / n;
    };
    const equal = Float64Array.from(a, (v, t) => (v + b[t]) / 2);
    expect(logLoss(gate.combine([p0, p1], [a, b]))).toBeLessThan(logLoss(equal) - 0.05);
    expect(SoftmaxGateJsonSchema.parse(JSON.parse(JSON.stringify(gate.toJSON())))).toEqual(gate.toJSON());
  });

  it("fit with squared error on E_r", () => {
    const n = 600;
    const p0 = Float64Array.from({ length: n }, (_, t) => (t < 300 ? 1 : 0));
    const p1 = Float64Array.from(p0, (v) => 1 - v);
    const y = Float64Array.from({ length: n }, (_, t) => Math.sin(t));
    const good = Float64Array.from(y);
    const bad = Float64Array.from(y, (v) => -v);
    const gate = fitSoftmaxGate({
      models: ["x", "y"],
      probs: [p0, p1],
      predictions: [
        Float64Array.from({ length: n }, (_, t) => (t < 300 ? good[t] : bad[t])),
        Float64Array.from({ length: n }, (_, t) => (t < 300 ? bad[t] : good[t])),
      ],
      y,
      loss: "squared_error",
      iterations: 500,
    });
    expect(gate.stateWeights[0]).toBeGreaterThan(0.9);
    expect(gate.stateWeights[3]).toBeGreaterThan(0.9);
  });

  it("refusals", () => {
    expect(() => SoftmaxGate.fromJSON({ method: "softmax_gate", models: ["a", "b"], logits: [[0]] })).toThrow(
      BundleError,
    );
    const gate = SoftmaxGate.fromJSON({ method: "softmax_gate", models: ["a"], logits: [[0], [1]] });
    expect(() => gate.weights([F([1])])).toThrow(/1 state probability columns for a gate of 2 states/);
    expect(() => gate.combine([F([1]), F([0])], [F([1]), F([1])])).toThrow(
      /2 prediction columns for 1 models/,
    );
    const base = { models: ["a"], probs: [F([1])], predictions: [F([0.5])], loss: "log_loss" as const };
    expect(() => fitSoftmaxGate({ ...base, y: F([0.3]) })).toThrow(/0\/1 outcomes/);
    expect(() => fitSoftmaxGate({ ...base, y: F([Number.NaN]) })).toThrow(DataError);
  });
});
