/**
 * The pool's ROUTER socket: binds one endpoint, receives [identity, header, ...frames] and sends
 * multipart messages to a worker identity. Payload buffers are handed to ZeroMQ without copying.
 *
 * zeromq.js allows one pending send per socket, so sends are serialised through a promise chain. That
 * makes a blocked send dangerous: a send to a peer that is going away can wait (EAGAIN) until a new
 * peer takes the same identity, holding up every message behind it and then delivering stale ones.
 * Hence `sendTimeout: 0` (a send that cannot go now fails now; queues are unbounded, so only a vanishing
 * peer is refused), `mandatory` (a send to an unknown peer fails instead of vanishing silently) and
 * `handover` (a worker restarted under its id takes its identity over).
 */
import { Router } from "zeromq";
import { WorkerError } from "../core/errors.ts";

export interface CurveServerKeys {
  publicKey: string;
  secretKey: string;
}

export interface TransportOptions {
  endpoint: string;
  /** CURVE encryption: the pool is the CURVE server; workers must know its public key. */
  curve?: CurveServerKeys;
}

export type Incoming = { identity: string; parts: Buffer[] };

export class RouterTransport {
  private readonly socket: Router;
  private sending: Promise<void> = Promise.resolve();
  private closed = false;
  /** The endpoint actually bound (a tcp port of 0 or * is resolved to the real one). */
  endpoint = "";

  constructor(private readonly options: TransportOptions) {
    this.socket = new Router({
      mandatory: true,
      handover: true,
      sendTimeout: 0,
      linger: 0,
      receiveHighWaterMark: 0,
      sendHighWaterMark: 0,
    });
    if (options.curve !== undefined) {
      this.socket.curveServer = true;
      this.socket.curvePublicKey = options.curve.publicKey;
      this.socket.curveSecretKey = options.curve.secretKey;
    }
  }

  async bind(): Promise<string> {
    try {
      await this.socket.bind(this.options.endpoint);
    } catch (e) {
      throw new WorkerError(
        "WORKER_FAILED",
        `cannot bind the worker pool socket to ${this.options.endpoint}: ${(e as Error).message}`,
      );
    }
    this.endpoint = this.socket.lastEndpoint ?? this.options.endpoint;
    return this.endpoint;
  }

  /** Calls `handler` for each incoming message until the transport is closed. */
  async receiveLoop(handler: (message: Incoming) => void): Promise<void> {
    while (!this.closed) {
      let parts: Buffer[];
      try {
        parts = await this.socket.receive();
      } catch (e) {
        if (this.closed) return;
        throw e;
      }
      const [identity, ...rest] = parts;
      if (identity === undefined) continue;
      handler({ identity: identity.toString("utf8"), parts: rest });
    }
  }

  /** Queues a multipart message to `identity`; resolves once ZeroMQ has accepted it. */
  send(identity: string, parts: ReadonlyArray<Uint8Array>): Promise<void> {
    const next = this.sending.then(async () => {
      if (this.closed) return;
      await this.socket.send([identity, ...parts]);
    });
    // A failed send must not poison the chain for the next message.
    this.sending = next.catch(() => undefined);
    return next;
  }

  /** Waits until every queued send was handed to ZeroMQ, then closes, letting ZeroMQ deliver them
   * for up to `lingerMs` (a shutdown sent just before close must still reach remote workers). */
  async close(lingerMs = 1000): Promise<void> {
    if (this.closed) return;
    await this.sending;
    this.closed = true;
    this.socket.linger = lingerMs;
    this.socket.close();
  }
}
