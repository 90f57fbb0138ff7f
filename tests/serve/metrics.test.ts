import { describe, expect, it } from "vitest";
import { MetricsRegistry } from "../../src/serve/metrics.ts";

describe("bound metric series (the served bar's hot path)", () => {
  it("a bound counter adds to the same series as inc, and shows nothing before its first increment", () => {
    const r = new MetricsRegistry();
    const c = r.counter("mlf_t_total", "test");
    const ok = c.bind({ route: "bars", status: "200" });
    expect(r.render()).toBe("# HELP mlf_t_total test\n# TYPE mlf_t_total counter\n");
    ok.inc();
    c.inc({ route: "bars", status: "200" });
    ok.inc(3);
    c.inc({ route: "bars", status: "400" });
    expect(c.get({ route: "bars", status: "200" })).toBe(5);
    expect(r.render()).toBe(
      [
        "# HELP mlf_t_total test",
        "# TYPE mlf_t_total counter",
        'mlf_t_total{route="bars",status="200"} 5',
        'mlf_t_total{route="bars",status="400"} 1',
        "",
      ].join("\n"),
    );
  });

  it("a bound histogram observes into the series observe uses, whichever came first", () => {
    const r = new MetricsRegistry();
    const h = r.histogram("mlf_t_seconds", "test", [0.001, 0.01]);
    h.observe({ route: "bars" }, 0.0005);
    const b = h.bind({ route: "bars" });
    b.observe(0.005);
    b.observe(2);
    const other = h.bind({ route: "predict" });
    other.observe(0.002);
    expect(h.count({ route: "bars" })).toBe(3);
    expect(h.count({ route: "predict" })).toBe(1);
    expect(r.render()).toContain('mlf_t_seconds_bucket{route="bars",le="0.001"} 1');
    expect(r.render()).toContain('mlf_t_seconds_bucket{route="bars",le="0.01"} 2');
    expect(r.render()).toContain('mlf_t_seconds_bucket{route="bars",le="+Inf"} 3');
    expect(r.render()).toContain('mlf_t_seconds_sum{route="bars"} 2.0055');
    expect(r.render()).toContain('mlf_t_seconds_count{route="predict"} 1');
  });
});
