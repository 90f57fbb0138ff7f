/**
 * Multipart codec: frame 0 is the msgpack header, frames 1..k the payload frames in the order the
 * header's `frames` list names them. Decoding validates the header against the zod schemas and the
 * frame count against the header, so that everything past this point can trust its input. Any
 * violation becomes a WorkerError with code WORKER_PROTOCOL that says what was wrong.
 */
import { decode as msgpackDecode, encode as msgpackEncode } from "@msgpack/msgpack";
import type { z } from "zod";
import { WorkerError } from "../../core/errors.ts";
import { framesOf, type Message, MessageSchema, type Outgoing, PROTOCOL_VERSION } from "./messages.ts";

export interface Decoded<M extends Message = Message> {
  header: M;
  /** Payload frames, in the order of `header.frames`. Views into the received buffers, not copies. */
  frames: Uint8Array[];
}

let msgCounter = 0;
const msgPrefix = `ts-${process.pid}-`;

/** A message id unique within this process (the protocol only asks for uniqueness per sender). */
export function nextMsgId(): string {
  msgCounter += 1;
  return `${msgPrefix}${msgCounter}`;
}

/** Fills in `protocol` and `msg_id` of an outgoing header. */
export function complete<M extends Message>(header: Outgoing<M>, msgId: string = nextMsgId()): M {
  return { protocol: PROTOCOL_VERSION, msg_id: msgId, ...header } as unknown as M;
}

/** Encodes a header alone (msgpack); `undefined` optional fields are left out rather than sent as nil. */
export function encodeHeader(header: Message): Uint8Array {
  return msgpackEncode(header, { ignoreUndefined: true });
}

/**
 * Encodes a complete header plus its payload frames. The header is validated first: sending a
 * message the other side would reject is a bug here, better caught before it crosses the wire.
 */
export function encodeMessage(header: Message, frames: ReadonlyArray<Uint8Array> = []): Uint8Array[] {
  const parsed = MessageSchema.safeParse(header);
  if (!parsed.success) {
    throw new WorkerError(
      "WORKER_PROTOCOL",
      `refusing to send an invalid "${String((header as { type?: unknown }).type)}" header: ${describeIssues(parsed.error)}`,
    );
  }
  checkFrameCount(header, frames.length);
  return [encodeHeader(header), ...frames];
}

/** Decodes msgpack header bytes to a plain value, without schema validation. */
export function decodeRawHeader(bytes: Uint8Array): unknown {
  try {
    return msgpackDecode(bytes);
  } catch (e) {
    throw new WorkerError(
      "WORKER_PROTOCOL",
      `message header is not valid msgpack (${(e as Error).message}); the peer does not speak protocol v${PROTOCOL_VERSION}`,
    );
  }
}

/** Validates an already-decoded header value. */
export function parseHeader(raw: unknown): Message {
  const parsed = MessageSchema.safeParse(raw);
  if (!parsed.success) {
    const type = typeof raw === "object" && raw !== null ? (raw as { type?: unknown }).type : undefined;
    throw new WorkerError(
      "WORKER_PROTOCOL",
      `invalid "${String(type)}" message header: ${describeIssues(parsed.error)}`,
    );
  }
  return parsed.data;
}

/** Decodes a multipart message (without the ROUTER identity frame). */
export function decodeMessage(parts: ReadonlyArray<Uint8Array>): Decoded {
  const [head, ...frames] = parts;
  if (head === undefined) throw new WorkerError("WORKER_PROTOCOL", "empty message: no header frame");
  const header = parseHeader(decodeRawHeader(head));
  checkFrameCount(header, frames.length);
  return { header, frames };
}

function checkFrameCount(header: Message, actual: number): void {
  const expected = framesOf(header).length;
  if (expected !== actual) {
    throw new WorkerError(
      "WORKER_PROTOCOL",
      `"${header.type}" message announces ${expected} payload frame(s) but carries ${actual}`,
    );
  }
}

/** One line per issue: `path: message`, at most five, so the error stays readable. */
export function describeIssues(error: z.ZodError): string {
  const lines = error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join(".") : "(root)";
    return `${path}: ${issue.message}`;
  });
  if (error.issues.length > 5) lines.push(`... and ${error.issues.length - 5} more`);
  return lines.join("; ");
}
