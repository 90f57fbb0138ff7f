/**
 * Typed errors. Every error a user can cause carries a code, the place it points at (row, column,
 * field, unit) and a message that says what to do. The CLI prints `message` as one line and exits
 * non-zero; it never prints a stack for an MlfError.
 */
export type ErrorCode =
  | "DATA_INVALID"
  | "DATA_EMPTY"
  | "DATA_UNREADABLE"
  | "CONFIG_INVALID"
  | "WORKER_FAILED"
  | "WORKER_PROTOCOL"
  | "WORKER_TIMEOUT"
  | "BUNDLE_INVALID"
  | "EVALUATION_REFUSED"
  | "USAGE";

export abstract class MlfError extends Error {
  abstract readonly code: ErrorCode;
  /** Process exit status the CLI uses for this error. */
  readonly exitCode: number = 2;
}

/** Bad input data. `row` is 1-based as in the file (the header is row 1 of a CSV, so the first bar is row 2). */
export class DataError extends MlfError {
  override readonly name = "DataError";
  readonly code: ErrorCode;
  readonly row: number | undefined;
  readonly column: string | undefined;
  constructor(
    message: string,
    where: { row?: number; column?: string; code?: "DATA_INVALID" | "DATA_EMPTY" | "DATA_UNREADABLE" } = {},
  ) {
    super(message);
    this.code = where.code ?? "DATA_INVALID";
    this.row = where.row;
    this.column = where.column;
  }
}

/** Bad configuration: `field` is the dotted path of the offending key. */
export class ConfigError extends MlfError {
  override readonly name = "ConfigError";
  readonly code = "CONFIG_INVALID" as const;
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** A worker failed, hung, died or spoke an unexpected protocol. */
export class WorkerError extends MlfError {
  override readonly name = "WorkerError";
  constructor(
    readonly code: "WORKER_FAILED" | "WORKER_PROTOCOL" | "WORKER_TIMEOUT",
    message: string,
    readonly detail: { model?: string; jobId?: string; traceback?: string } = {},
  ) {
    super(message);
  }
}

/** A bundle is corrupt, incomplete or from an incompatible version. */
export class BundleError extends MlfError {
  override readonly name = "BundleError";
  readonly code = "BUNDLE_INVALID" as const;
}

/** An evaluation the run's rules forbid, such as a second look at the same test split. */
export class EvaluationError extends MlfError {
  override readonly name = "EvaluationError";
  readonly code = "EVALUATION_REFUSED" as const;
}

/** The command line itself is wrong (unknown flag combination, missing argument). */
export class UsageError extends MlfError {
  override readonly name = "UsageError";
  readonly code = "USAGE" as const;
}

/** Internal invariant broken: a bug in ML Factory, not in the user's input. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`internal invariant failed: ${message}`);
}
