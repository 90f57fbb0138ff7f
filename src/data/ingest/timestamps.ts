/**
 * Timestamp rules, shared by every reader. Result: UTC epoch milliseconds as float64, marking the
 * bar's start.
 *
 * - ISO-8601 text must carry its offset: `2024-11-04T08:45:00+08:00`, `+0800`, `+08` or `Z`
 *   (`T` or a space between date and time; seconds required; fractional seconds allowed).
 *   A timestamp without an offset is REJECTED: guessing UTC would silently shift a local-time
 *   file by hours, which no later check could catch.
 * - Epoch numbers are told apart by magnitude: |v| < 1e11 is seconds (1e11 s is the year 5138),
 *   1e11 <= |v| < 1e14 is milliseconds (1e11 ms is 1973-03-03), larger values (micro- or
 *   nanoseconds) are rejected. The result must be a whole number of milliseconds.
 */

export const EPOCH_SECONDS_BELOW = 1e11;
export const EPOCH_MILLIS_BELOW = 1e14;

const FRACTION = [".%f", ""];
const SEPARATORS = ["T", " "];

function formats(offset: "Z" | "%z"): string {
  const list: string[] = [];
  for (const sep of SEPARATORS)
    for (const frac of FRACTION) list.push(`'%Y-%m-%d${sep}%H:%M:%S${frac}${offset}'`);
  return `[${list.join(", ")}]`;
}

/** Quotes an identifier for DuckDB SQL. */
export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * DuckDB expression: ISO-8601 text with offset → epoch ms DOUBLE, NULL when it does not parse.
 * strptime's %z does not take `Z`, so `Z` strings use a literal-Z format (read as UTC).
 */
export function isoTextToEpochMsSql(col: string): string {
  return `CAST(CASE WHEN suffix(${col}, 'Z') THEN epoch_ms(try_strptime(${col}, ${formats("Z")})) ELSE epoch_ms(try_strptime(${col}, ${formats("%z")})) END AS DOUBLE)`;
}

/** DuckDB expression: a numeric epoch (seconds or ms, by magnitude) → epoch ms DOUBLE, NULL when out of rules. */
export function epochNumberToEpochMsSql(numericExpr: string): string {
  const v = `(${numericExpr})`;
  const ms = `(CASE WHEN abs(${v}) < ${EPOCH_SECONDS_BELOW} THEN ${v} * 1000 WHEN abs(${v}) < ${EPOCH_MILLIS_BELOW} THEN ${v} ELSE NULL END)`;
  return `(CASE WHEN ${ms} = floor(${ms}) THEN ${ms} ELSE NULL END)`;
}

const NUMERIC_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
const ISO_WITH_OFFSET = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d(:?\d\d)?)$/;
const ISO_WITHOUT_OFFSET = /^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?)?$/;

/** A file's timestamps are all ISO-8601 text or all epoch numbers, decided from its first row. */
export type TimestampForm = "iso" | "epoch";

export function looksLikeEpochNumber(text: string): boolean {
  return NUMERIC_TEXT.test(text);
}

/** Why a timestamp text was refused (the reader already knows that it was). */
export function explainBadTimestamp(raw: string | null, fileForm: TimestampForm): string {
  if (raw === null || raw.trim() === "") return "timestamp is empty";
  const shown = JSON.stringify(raw);
  const numeric = NUMERIC_TEXT.test(raw);
  if (numeric && fileForm === "iso") {
    return `timestamp ${shown} is a number but the first row's timestamp is ISO-8601: use one form for the whole file`;
  }
  if (!numeric && fileForm === "epoch" && (ISO_WITH_OFFSET.test(raw) || ISO_WITHOUT_OFFSET.test(raw))) {
    return `timestamp ${shown} is ISO-8601 but the first row's timestamp is an epoch number: use one form for the whole file`;
  }
  if (numeric) {
    const v = Number(raw);
    if (!Number.isFinite(v)) return `timestamp ${shown} is not a finite number`;
    if (Math.abs(v) >= EPOCH_MILLIS_BELOW) {
      return `timestamp ${shown} is too large for epoch seconds or milliseconds (micro- and nanoseconds are not accepted)`;
    }
    return `timestamp ${shown} is not a whole number of epoch milliseconds`;
  }
  if (ISO_WITHOUT_OFFSET.test(raw)) {
    return `timestamp ${shown} has no UTC offset: write it with one (e.g. ${raw.length >= 19 ? raw.slice(0, 19) : raw}Z or +08:00) or as epoch milliseconds`;
  }
  if (ISO_WITH_OFFSET.test(raw)) return `timestamp ${shown} is not a valid date and time`;
  return `timestamp ${shown} is not ISO-8601 with a UTC offset (e.g. 2024-11-04T08:45:00+08:00) nor epoch seconds/milliseconds`;
}
