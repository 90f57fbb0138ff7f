/**
 * Errors the server answers with: a code, the HTTP status it maps to, a one-line message that says
 * what to do, and details (the bar index, field, stream). The body is always
 * `{"error": {"code", "message", ...details}}`; nothing else of the error (no stack) leaves the process.
 */
export type ServeErrorCode =
  /** The body does not match the route's schema (wrong type, unknown key, missing field). */
  | "BODY_INVALID"
  /** A bar is well-formed JSON but not a valid bar (non-finite, high < low, bad timestamp). */
  | "BAR_INVALID"
  /** A bar's timestamp equals the stream's last accepted bar. */
  | "BAR_DUPLICATE"
  /** A bar's timestamp is earlier than the stream's last accepted bar. */
  | "BAR_OUT_OF_ORDER"
  /** The bundle needs volume and a bar has none. */
  | "BAR_VOLUME_MISSING"
  /** /predict got fewer bars than the bundle's warm-up needs. */
  | "WINDOW_TOO_SHORT"
  | "BODY_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "UNAUTHORIZED"
  | "NOT_FOUND"
  /** The route's /vN does not match the served bundle's major version. */
  | "VERSION_MISMATCH"
  | "STREAM_LIMIT"
  | "BUSY"
  /** The primary model failed and no fallback could answer. Bars were accepted. */
  | "MODEL_UNAVAILABLE"
  /** The stream's state could not be updated (a bug): the stream is closed. */
  | "STREAM_BROKEN"
  | "RELOAD_FAILED"
  | "SHUTTING_DOWN"
  | "INTERNAL";

export class ServeError extends Error {
  override readonly name = "ServeError";
  constructor(
    readonly code: ServeErrorCode,
    readonly status: number,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }

  toBody(): { error: Record<string, unknown> } {
    return { error: { code: this.code, message: this.message, ...this.details } };
  }
}
