/**
 * A real worker, driven through the pool's own transport without the pool's politeness: malformed
 * headers get an `error` reply with code MALFORMED, and the worker stays up and keeps answering.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encode } from "@msgpack/msgpack";
import { afterEach, describe, expect, it } from "vitest";
import { LocalWorkerProcess } from "../../src/workers/local-process.ts";
import { complete, decodeMessage, encodeMessage } from "../../src/workers/protocol/codec.ts";
import type { Message, Outgoing } from "../../src/workers/protocol/messages.ts";
import { defaultWorkerCommand } from "../../src/workers/python.ts";
import { RouterTransport } from "../../src/workers/transport.ts";
import { expectAllGone } from "./helpers.ts";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A bound transport with one real worker that has been accepted; returns a "next message" reader. */
async function acceptedWorker() {
  const dir = mkdtempSync(join(tmpdir(), "mlf-malformed-"));
  const transport = new RouterTransport({ endpoint: `ipc://${join(dir, "pool.sock")}` });
  const endpoint = await transport.bind();
  const inbox: Message[] = [];
  const waiters: Array<() => void> = [];
  transport
    .receiveLoop(({ parts }) => {
      const { header } = decodeMessage(parts);
      if (header.type === "heartbeat") return;
      inbox.push(header);
      for (const w of waiters.splice(0)) w();
    })
    .catch(() => undefined);
  const worker = new LocalWorkerProcess("w0", defaultWorkerCommand(), endpoint, () => undefined);
  cleanups.push(async () => {
    worker.killGroup("SIGKILL");
    await worker.exited;
    await transport.close();
    rmSync(dir, { recursive: true, force: true });
    await expectAllGone([worker.pid]);
  });
  const next = async (): Promise<Message> => {
    const end = Date.now() + 30_000;
    while (inbox.length === 0) {
      if (Date.now() > end)
        throw new Error(`no message from the worker; its output: ${worker.lastLines().join(" | ")}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 200);
      });
    }
    return inbox.shift()!;
  };
  const send = (header: Outgoing, frames: Uint8Array[] = []) =>
    transport.send("w0", encodeMessage(complete(header as Outgoing<Message>), frames));
  const hello = await next();
  expect(hello.type).toBe("hello");
  await send({ type: "hello_ack", heartbeat_ms: 1000, accepted: true });
  return { transport, worker, next, send };
}

describe("malformed messages", () => {
  it("bad msgpack, unknown keys, unknown types and wrong frame counts get MALFORMED; the worker stays up", async () => {
    const { transport, worker, next, send } = await acceptedWorker();

    await transport.send("w0", [new Uint8Array([0xc1, 0x00])]);
    expect(await next()).toMatchObject({ type: "error", code: "MALFORMED" });

    await transport.send("w0", [
      encode({ protocol: 1, type: "cancel", msg_id: "x1", job_id: "j9", colour: "red" }),
    ]);
    const unknownKey = await next();
    expect(unknownKey).toMatchObject({ type: "error", code: "MALFORMED" });
    expect(unknownKey.type === "error" && unknownKey.message).toContain("colour");

    await transport.send("w0", [encode({ protocol: 1, type: "launch_rockets", msg_id: "x2" })]);
    expect(await next()).toMatchObject({ type: "error", code: "MALFORMED" });

    // a fit announcing one frame but carrying none: the reply names the job it could read
    await transport.send("w0", [
      encode({
        protocol: 1,
        type: "fit",
        msg_id: "x3",
        job_id: "job-77",
        model_id: "logistic",
        params: {},
        seed: 1,
        view: "feature_matrix",
        input_shape: [2],
        outputs: [{ name: "p_up", target: "y" }],
        frames: [{ name: "train", kind: "arrow", rows: 3 }],
      }),
    ]);
    expect(await next()).toMatchObject({ type: "error", code: "MALFORMED", job_id: "job-77" });

    // still alive and still serving
    expect(worker.alive).toBe(true);
    const payload = new Uint8Array([1, 2, 3, 4]);
    await send({ type: "echo", request_id: "e1", frames: [{ name: "blob", kind: "bytes" }] }, [payload]);
    expect(await next()).toMatchObject({ type: "echo_reply", request_id: "e1" });
  });
});
