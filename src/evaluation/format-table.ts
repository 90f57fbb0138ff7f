/**
 * Plain-text aligned table for the CLI: test metrics, the backtest per regime. Labels are left-aligned,
 * numbers right-aligned, columns separated by two spaces, a dashed rule under the header. Colour
 * (a bold header, dimmed "—") only when `color: true`, which the CLI passes when stdout is a TTY;
 * the default is plain text.
 *
 * Numbers (formatMetricValue): null → "—", NaN → "NaN", ±Infinity → "inf"/"-inf"; with a column's
 * `digits`, fixed decimals; otherwise integers as they are, |v| ≥ 1e6 or 0 < |v| < 1e-4 in exponent
 * form with 4 significant digits, 1000 ≤ |v| < 1e6 with one decimal, else 4 significant digits.
 */

export interface TableColumn {
  /** Key into each row's values. */
  readonly key: string;
  /** Header text; the key when absent. */
  readonly header?: string;
  /** Fixed number of decimals for this column. */
  readonly digits?: number;
}

export interface TableRow {
  readonly label: string;
  readonly values: Readonly<Record<string, number | null>>;
}

export interface TableOptions {
  /** Header of the label column (default ""). */
  readonly labelHeader?: string;
  /** ANSI styling; pass process.stdout.isTTY. Default false. */
  readonly color?: boolean;
}

export const MISSING = "—";

/** One cell's text; see the module header for the rules. */
export function formatMetricValue(v: number | null | undefined, digits?: number): string {
  if (v === null || v === undefined) return MISSING;
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (digits !== undefined) return v.toFixed(digits);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toExponential(3);
  if (a >= 1000) return v.toFixed(1);
  return v.toPrecision(4);
}

const bold = (s: string) => `\u001b[1m${s}\u001b[22m`;
const dim = (s: string) => `\u001b[2m${s}\u001b[22m`;

/** The table as lines joined by "\n" (no trailing newline). */
export function formatMetricsTable(
  rows: readonly TableRow[],
  columns: ReadonlyArray<string | TableColumn>,
  options: TableOptions = {},
): string {
  const cols: TableColumn[] = columns.map((c) => (typeof c === "string" ? { key: c } : c));
  const color = options.color ?? false;
  const header = [options.labelHeader ?? "", ...cols.map((c) => c.header ?? c.key)];
  const body = rows.map((r) => [r.label, ...cols.map((c) => formatMetricValue(r.values[c.key], c.digits))]);
  const widths = header.map((h, j) => Math.max(h.length, ...body.map((cells) => cells[j].length)));
  const pad = (s: string, j: number) => (j === 0 ? s.padEnd(widths[j]) : s.padStart(widths[j]));
  const line = (cells: string[], style: (s: string, j: number) => string) =>
    cells
      .map((s, j) => style(pad(s, j), j))
      .join("  ")
      .trimEnd();
  const out = [
    line(header, (s) => (color ? bold(s) : s)),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...body.map((cells) => line(cells, (s, j) => (color && cells[j] === MISSING ? dim(s) : s))),
  ];
  return out.join("\n");
}
