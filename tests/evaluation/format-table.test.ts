import { describe, expect, it } from "vitest";
import { formatMetricsTable, formatMetricValue } from "../../src/evaluation/format-table.ts";

describe("formatMetricValue", () => {
  it("sensible precision; null as —", () => {
    expect(formatMetricValue(null)).toBe("—");
    expect(formatMetricValue(undefined)).toBe("—");
    expect(formatMetricValue(Number.NaN)).toBe("NaN");
    expect(formatMetricValue(Number.NEGATIVE_INFINITY)).toBe("-inf");
    expect(formatMetricValue(1234)).toBe("1234");
    expect(formatMetricValue(0)).toBe("0");
    expect(formatMetricValue(0.712345)).toBe("0.7123");
    expect(formatMetricValue(-1.23456)).toBe("-1.235");
    expect(formatMetricValue(12345.678)).toBe("12345.7");
    expect(formatMetricValue(0.00001234)).toBe("1.234e-5");
    expect(formatMetricValue(2.5e7 + 0.5)).toBe("2.500e+7");
    expect(formatMetricValue(0.5, 2)).toBe("0.50");
  });
});

describe("formatMetricsTable", () => {
  const rows = [
    { label: "low", values: { total_return: 0.0123456, sharpe: 1.5, trades: 12 } },
    { label: "high", values: { total_return: -0.004, sharpe: null, trades: 3 } },
    { label: "unassigned", values: { total_return: 0, trades: 0 } },
  ];

  it("aligns labels left and numbers right, no colour by default", () => {
    const text = formatMetricsTable(
      rows,
      ["total_return", { key: "sharpe", header: "Sharpe", digits: 2 }, "trades"],
      {
        labelHeader: "regime",
      },
    );
    expect(`\n${text}\n`).toBe(`
regime      total_return  Sharpe  trades
----------  ------------  ------  ------
low              0.01235    1.50      12
high           -0.004000       —       3
unassigned             0       —       0
`);
    expect(text).not.toContain("\u001b[");
  });

  it("colour only when asked: bold header, dim missing values, same visible layout", () => {
    const plain = formatMetricsTable(rows, ["sharpe"]);
    const coloured = formatMetricsTable(rows, ["sharpe"], { color: true });
    expect(coloured).toContain("\u001b[1m");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escapes
    expect(coloured.replace(/\u001b\[\d+m/g, "")).toBe(plain);
  });
});
