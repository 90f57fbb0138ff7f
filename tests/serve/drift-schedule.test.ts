/**
 * Background drift off the request path: the float32 sort the statistics rely on gives exactly
 * TypedArray#sort's order, a sliced computation gives exactly the synchronous report, and the
 * service-wide queue runs one computation at a time, in order, past a failing one.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_DRIFT, DriftMonitor } from "../../src/serve/drift.ts";
import { computeDriftReference } from "../../src/serve/drift-reference.ts";
import { DriftScheduler } from "../../src/serve/drift-scheduler.ts";
import { Float32Sorter } from "../../src/serve/float-sort.ts";

/** Finite values of `xs` ascending, as the drift monitor sorted them before Float32Sorter. */
function typedSortFinite(xs: Float32Array): Float64Array {
  return Float64Array.from(xs.filter(Number.isFinite)).sort();
}

describe("Float32Sorter", () => {
  it("orders finite float32 values exactly as TypedArray#sort, dropping NaN and infinities", () => {
    const special = fc.constantFrom(0, -0, Number.NaN, Infinity, -Infinity, 1e-45, -1e-45, 3.4e38, -3.4e38);
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.float(), special), { maxLength: 300 }), (values) => {
        const src = Float32Array.from(values);
        const out = new Float64Array(src.length);
        const m = new Float32Sorter(300).sortFinite(src, src.length, out);
        const want = typedSortFinite(src);
        expect(m).toBe(want.length);
        for (let i = 0; i < m; i++) expect(Object.is(out[i], want[i])).toBe(true);
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it("sorts a golden example, ties and signed zeros included", () => {
    const src = Float32Array.of(3, -1, Number.NaN, 0, -0, 2.5, -1, Infinity, 1e-3, -7);
    const out = new Float64Array(src.length);
    const m = new Float32Sorter(16).sortFinite(src, src.length, out);
    expect(m).toBe(8);
    expect(Array.from(out.subarray(0, m))).toEqual([-7, -1, -1, -0, 0, Math.fround(1e-3), 2.5, 3]);
    expect(Object.is(out[3], -0)).toBe(true);
  });

  it("refuses more values than its capacity", () => {
    expect(() => new Float32Sorter(2).sortFinite(new Float32Array(3), 3, new Float64Array(3))).toThrow(
      /capacity 2/,
    );
  });
});

describe("DriftMonitor.computeInSlices", () => {
  it("gives exactly the synchronous report, whatever the slice", async () => {
    const n = 3000;
    let s = 7;
    const u = () => {
      s = (s * 48271) % 2147483647;
      return s / 2147483647;
    };
    const train = [0, 1, 2].map(() => Float32Array.from({ length: n }, () => u() * 2 - 1));
    const ref = computeDriftReference(
      { length: n, featureNames: ["a", "b", "c"], features: train },
      Int32Array.from({ length: n }, (_, k) => k),
    );
    const live = train.map((c, j) => Float32Array.from(c.subarray(0, 1440), (v) => v * (1 + j) + 0.3 * j));
    live[0]![5] = Number.NaN;
    const monitor = () => {
      const m = new DriftMonitor(ref, 0, { ...DEFAULT_DRIFT, minSamples: 100 });
      m.observe(live, 0, 1440);
      return m;
    };
    const sync = monitor().compute();
    expect(sync.state).toBe("alert");
    for (const sliceMs of [0, 0.05, 1000]) expect(await monitor().computeInSlices(sliceMs)).toEqual(sync);
    // The per-feature list (built on first read) is in the JSON, equal to each feature computed alone.
    const json = JSON.parse(JSON.stringify(sync));
    const m = monitor();
    expect(json.features).toEqual([0, 1, 2].map((j) => m.featureDrift(j)));
    expect(json.features[0].nan_fraction).toBeCloseTo(1 / 1440, 12);
    expect(json.drifting_features).toBe(
      json.features.filter((f: { drifting: boolean }) => f.drifting).length,
    );
    expect(json.max.psi).toBe(Math.max(...json.features.map((f: { psi: number }) => f.psi)));
  });
});

describe("DriftMonitor's window", () => {
  it("holds the last `window` rows whatever the blocks they came in: the report of those rows alone", () => {
    const n = 2000;
    let s = 3;
    const u = () => {
      s = (s * 48271) % 2147483647;
      return s / 2147483647;
    };
    const names = ["a", "b", "c", "d"];
    const train = names.map(() => Float32Array.from({ length: n }, () => u() * 2 - 1));
    const ref = computeDriftReference(
      { length: n, featureNames: names, features: train },
      Int32Array.from({ length: n }, (_, k) => k),
    );
    // 1,000 live rows, drifting more as they go (so which rows the window holds shows), NaN now and then.
    const rows = 1000;
    const live = names.map((_, j) =>
      Float32Array.from({ length: rows }, (_, r) => (r % (17 + j) === 0 ? Number.NaN : u() + (j * r) / 500)),
    );
    const options = { ...DEFAULT_DRIFT, window: 300, minSamples: 50 };
    // The reference: the last 300 rows in a window that never wraps.
    const alone = new DriftMonitor(ref, 0, { ...options, window: 1000 });
    alone.observe(
      live.map((c) => c.subarray(rows - 300)),
      0,
      300,
    );
    const want = alone.compute();
    for (const blocks of [
      [1000],
      [1, 299, 300, 400],
      [7, 13, 512, 468],
      Array.from({ length: 1000 }, () => 1),
    ]) {
      const m = new DriftMonitor(ref, 0, options);
      let at = 0;
      for (const size of blocks) {
        m.observe(
          live.map((c) => c.subarray(at, at + size)),
          at,
          size,
        );
        at += size;
      }
      const got = m.compute();
      expect(got.rows_observed).toBe(1000);
      expect(got.rows_in_window).toBe(300);
      expect(got.state).toBe(want.state);
      expect(JSON.parse(JSON.stringify(got.features))).toEqual(JSON.parse(JSON.stringify(want.features)));
    }
  });
});

describe("DriftScheduler", () => {
  it("runs one job at a time, in the order queued, and goes on past a failing one", async () => {
    const q = new DriftScheduler();
    let active = 0;
    let most = 0;
    const order: number[] = [];
    const job =
      (k: number, fail = false) =>
      async () => {
        active++;
        most = Math.max(most, active);
        for (let step = 0; step < 3; step++) await new Promise<void>((r) => setImmediate(r));
        order.push(k);
        active--;
        if (fail) throw new Error(`job ${k} failed`);
        return k;
      };
    const runs = Array.from({ length: 64 }, (_, k) => q.run(job(k, k === 3)));
    expect(q.pending).toBe(64);
    const settled = await Promise.allSettled(runs);
    expect(most).toBe(1);
    expect(order).toEqual(Array.from({ length: 64 }, (_, k) => k));
    expect(settled[3]!.status).toBe("rejected");
    expect(settled.filter((r) => r.status === "fulfilled")).toHaveLength(63);
    expect(q.pending).toBe(0);
  });

  it("never starts a job inside the call that queued it", async () => {
    const q = new DriftScheduler();
    let started = false;
    const done = q.run(async () => {
      started = true;
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(started).toBe(false);
    await done;
    expect(started).toBe(true);
  });
});
